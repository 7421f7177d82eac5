/** Delivery of command results: a Slack incoming webhook and SMTP email (nodemailer). */
import nodemailer from 'nodemailer';
import { secret } from './cli.js';

export async function postSlack(webhookUrl: string, text: string, blocksText?: string): Promise<void> {
  const res = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(blocksText ? { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: blocksText } }] } : { text }),
    signal: AbortSignal.timeout(15_000),
  });
  if (!res.ok) throw new Error(`Slack webhook answered HTTP ${res.status}`);
}

export interface EmailSettings {
  host: string;
  port: number;
  user?: string;
  password?: string;
  from: string;
  to: string[];
  /** required: STARTTLS or fail; opportunistic: STARTTLS when offered; off: plain (test servers only). */
  tls: 'required' | 'opportunistic' | 'off';
}

/** SMTP_SERVER, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD[_FILE], SMTP_TLS, REPORT_EMAIL_FROM, REPORT_EMAIL_TO (or ALERT_EMAIL). */
export function emailSettingsFromEnv(env: NodeJS.ProcessEnv): EmailSettings {
  const host = env.SMTP_SERVER?.trim();
  const to = (env.REPORT_EMAIL_TO ?? env.ALERT_EMAIL ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!host) throw new Error('SMTP_SERVER is not set');
  if (to.length === 0) throw new Error('REPORT_EMAIL_TO (or ALERT_EMAIL) is not set');
  const port = Number(env.SMTP_PORT ?? '587');
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`SMTP_PORT must be a port number (got "${env.SMTP_PORT}")`);
  const tls = (env.SMTP_TLS ?? 'required').trim();
  if (tls !== 'required' && tls !== 'opportunistic' && tls !== 'off') throw new Error(`SMTP_TLS must be required, opportunistic or off (got "${tls}")`);
  return { host, port, user: env.SMTP_USERNAME?.trim() || undefined, password: secret(env, 'SMTP_PASSWORD'), from: env.REPORT_EMAIL_FROM?.trim() || 'alerts@immigrationai.com', to, tls };
}

export async function sendEmail(s: EmailSettings, subject: string, text: string): Promise<void> {
  const transport = nodemailer.createTransport({
    host: s.host,
    port: s.port,
    secure: s.port === 465,
    requireTLS: s.tls === 'required' && s.port !== 465,
    ignoreTLS: s.tls === 'off',
    auth: s.user ? { user: s.user, pass: s.password ?? '' } : undefined,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  try {
    await transport.sendMail({ from: s.from, to: s.to, subject, text });
  } finally {
    transport.close();
  }
}
