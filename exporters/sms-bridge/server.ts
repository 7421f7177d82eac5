/**
 * The SMS bridge: an Alertmanager webhook receiver (POST /alerts) sending one SMS per notification
 * to every SMS_TO number through Twilio, at most MAX_ALERTS_PER_HOUR notifications in any sliding
 * hour (the monitoring guide's max_alerts_per_hour); the rest are dropped and counted. /metrics, /healthz.
 *
 * Answers: 200 when delivered, rate-limited, empty or not configured (a retry would not help); 502
 * when no Twilio call succeeded (an error or no answer within TWILIO_TIMEOUT_MS), so Alertmanager
 * retries; 401 without the shared secret (when ALERTS_CREDENTIALS is set); 413 for a body over
 * MAX_BODY_BYTES; 400 for a body that is not a v4 webhook.
 *
 * A rate-limit slot is reserved before the send and handed back when nothing was delivered: the
 * hourly cap counts delivered notifications, and a Twilio outage cannot use it up.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { METRICS } from '../../contract/metric-catalog.js';
import { createCounter, registerDefaultMetrics } from '../metric-factory.js';
import { isEmptyNotification, parseWebhook, smsText } from './alertmanager.js';
import { missingSettings, type SmsBridgeConfig } from './config.js';
import { SlidingWindowLimit } from './rate-limit.js';
import { sendSms, TwilioError } from './twilio.js';

/** Largest webhook body accepted; Alertmanager's payloads are a few kilobytes per alert. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** A body this many times the limit is not drained any further: the connection is closed. */
const DRAIN_FACTOR = 16;

export interface SmsBridge {
  server: Server;
  registry: Registry;
}

class BodyTooLarge extends Error {}

/**
 * The request body, or BodyTooLarge once it passes `limit`. An oversized body is read to its end
 * and discarded (up to DRAIN_FACTOR times the limit), so the client gets its 413 instead of a
 * connection reset; memory stays bounded by the limit.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit * DRAIN_FACTOR) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else if (size > limit * DRAIN_FACTOR) {
        req.pause();
        reject(new BodyTooLarge());
      }
    });
    req.on('end', () => (size > limit ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Constant-time comparison of the Authorization header with the expected value. */
function authorized(req: IncomingMessage, expected: string | undefined): boolean {
  if (expected === undefined) return true;
  const given = Buffer.from(req.headers.authorization ?? '', 'utf8');
  const want = Buffer.from(expected, 'utf8');
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Why a send failed, without the URL or anything Twilio echoed back: an HTTP status, a timeout, or a network error. */
function failureReason(e: unknown): string {
  if (e instanceof TwilioError) return e.message;
  const name = (e as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'no answer from Twilio within TWILIO_TIMEOUT_MS';
  const code = ((e as { cause?: { code?: string } })?.cause?.code ?? '').replace(/[^A-Z_]/g, '');
  return `cannot reach Twilio${code ? ` (${code})` : ''}`;
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

  const expectedAuthorization = config.alertsAuthorization;

  const handleAlerts = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!authorized(req, expectedAuthorization)) {
      logger.warn('webhook refused: missing or wrong Authorization header');
      req.resume();
      reply(res, 401, { error: 'unauthorized' });
      return;
    }
    let text: string;
    try {
      text = await readBody(req, MAX_BODY_BYTES);
    } catch (e) {
      if (!(e instanceof BodyTooLarge)) throw e;
      logger.warn({ max_body_bytes: MAX_BODY_BYTES }, 'webhook refused: body too large');
      res.setHeader('Connection', 'close');
      reply(res, 413, { error: `body larger than ${MAX_BODY_BYTES} bytes` });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not the parser's message: it quotes the input.
      reply(res, 400, { error: 'invalid JSON' });
      return;
    }
    const payload = parseWebhook(parsed);
    if (typeof payload === 'string') {
      reply(res, 400, { error: payload });
      return;
    }
    const alertname = payload.commonLabels.alertname ?? payload.groupLabels.alertname ?? 'unknown';
    if (isEmptyNotification(payload)) {
      // Nothing is firing: a text would read "[FIRING:0]" and wake someone for nothing.
      logger.info({ alertname, status: payload.status }, 'sms notification skipped: no firing alert');
      reply(res, 200, { sent: 0, skipped: 'no firing alert' });
      return;
    }
    if (missing.length > 0) {
      dropped.inc({ reason: 'not_configured' });
      logger.error({ alertname, missing }, 'sms notification dropped: sms bridge not configured');
      reply(res, 200, { sent: 0, dropped: 'not_configured' });
      return;
    }
    const slot = limit.reserve();
    if (!slot) {
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
        const reason = failureReason(r.reason);
        logger.error({ alertname, recipient: i, reason }, `sms send failed with error: ${reason}`);
      }
    });
    if (sent === 0) {
      // Nothing delivered: the slot goes back and Alertmanager retries (it keeps the notification
      // until a receiver answers 2xx, retrying with backoff and at every group_interval).
      slot.release();
      reply(res, 502, { sent: 0, failed: results.length });
      return;
    }
    logger.info({ alertname, status: payload.status, alerts: payload.alerts.length, sent }, 'sms notification sent');
    // Partly delivered counts as delivered: a retry would text again those already reached.
    reply(res, 200, { sent, failed: results.length - sent });
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
      logger.error({ reason: e.name }, 'sms bridge request failed with error');
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
    });
  });
  return { server, registry };
}
