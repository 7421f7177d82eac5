/**
 * The SMS bridge: an Alertmanager webhook receiver (POST /alerts) sending one SMS per notification
 * to every SMS_TO number through Twilio, at most MAX_ALERTS_PER_HOUR notifications in any sliding
 * hour (the monitoring guide's max_alerts_per_hour); the rest are dropped and counted. /metrics, /healthz.
 *
 * Answers: 200 when sent, rate-limited or not configured (a retry would not help); 502 when every
 * Twilio call failed, so Alertmanager retries; 400 for a body that is not a v4 webhook.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { METRICS } from '../../contract/metric-catalog.js';
import { createCounter, registerDefaultMetrics } from '../metric-factory.js';
import { parseWebhook, smsText } from './alertmanager.js';
import { missingSettings, type SmsBridgeConfig } from './config.js';
import { SlidingWindowLimit } from './rate-limit.js';
import { sendSms } from './twilio.js';

const MAX_BODY_BYTES = 1024 * 1024;

export interface SmsBridge {
  server: Server;
  registry: Registry;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const reply = (res: ServerResponse, status: number, body: Record<string, unknown>): void => {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
};

export function createSmsBridge(config: SmsBridgeConfig, logger: Logger, now: () => number = Date.now): SmsBridge {
  const registry = new Registry();
  registerDefaultMetrics(registry);
  const messages = createCounter(METRICS.smsMessages, registry);
  const dropped = createCounter(METRICS.smsNotificationsDropped, registry);
  for (const outcome of ['sent', 'failed']) messages.inc({ outcome }, 0);
  for (const reason of ['rate_limited', 'not_configured']) dropped.inc({ reason }, 0);
  const limit = new SlidingWindowLimit(config.maxAlertsPerHour, 3_600_000, now);
  const missing = missingSettings(config);
  if (missing.length > 0) logger.warn({ missing }, `sms bridge not configured, notifications will be dropped: set ${missing.join(', ')}`);

  const handleAlerts = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readBody(req));
    } catch (e) {
      reply(res, 400, { error: `invalid JSON: ${(e as Error).message}` });
      return;
    }
    const payload = parseWebhook(parsed);
    if (typeof payload === 'string') {
      reply(res, 400, { error: payload });
      return;
    }
    const alertname = payload.commonLabels.alertname ?? payload.groupLabels.alertname ?? 'unknown';
    if (missing.length > 0) {
      dropped.inc({ reason: 'not_configured' });
      logger.error({ alertname, missing }, 'sms notification dropped: sms bridge not configured');
      reply(res, 200, { sent: 0, dropped: 'not_configured' });
      return;
    }
    if (!limit.tryTake()) {
      dropped.inc({ reason: 'rate_limited' });
      logger.warn({ alertname, max_alerts_per_hour: config.maxAlertsPerHour }, 'sms notification dropped: max_alerts_per_hour reached');
      reply(res, 200, { sent: 0, dropped: 'rate_limited' });
      return;
    }
    const body = smsText(payload, config.maxBodyLength);
    const settings = { baseUrl: config.twilioBaseUrl, accountSid: config.accountSid ?? '', authToken: config.authToken ?? '', from: config.from ?? '', timeoutMs: config.timeoutMs };
    const results = await Promise.allSettled(config.to.map((to) => sendSms(settings, to, body)));
    let sent = 0;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        sent++;
        messages.inc({ outcome: 'sent' });
      } else {
        messages.inc({ outcome: 'failed' });
        // The recipient index, never the number: phone numbers are personal data.
        logger.error({ alertname, recipient: i, err: (r.reason as Error).message }, `sms send failed with error: ${(r.reason as Error).message}`);
      }
    });
    if (sent > 0) logger.info({ alertname, status: payload.status, alerts: payload.alerts.length, sent }, 'sms notification sent');
    reply(res, sent > 0 || config.to.length === 0 ? 200 : 502, { sent, failed: results.length - sent });
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const work = async (): Promise<void> => {
      if (path === '/alerts' && req.method === 'POST') return handleAlerts(req, res);
      if (path === '/metrics' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': registry.contentType }).end(await registry.metrics());
        return;
      }
      if (path === '/healthz' && req.method === 'GET') {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
        return;
      }
      reply(res, 404, { error: 'not found', endpoints: ['POST /alerts', 'GET /metrics', 'GET /healthz'] });
    };
    work().catch((e: Error) => {
      logger.error({ err: e }, 'sms bridge request failed with error');
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
    });
  });
  return { server, registry };
}
