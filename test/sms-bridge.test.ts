/**
 * The SMS bridge against a local fake Twilio (the only stub: we cannot send real SMS), fed by
 * hand-made webhook payloads and by a real Alertmanager 0.25.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './helpers/tools.js';
import { createLogger } from '../exporters/logging/logger.js';
import { loadSmsBridgeConfig } from '../exporters/sms-bridge/config.js';
import { createSmsBridge } from '../exporters/sms-bridge/server.js';
import { smsText, type WebhookPayload } from '../exporters/sms-bridge/alertmanager.js';
import { LineCollector, close, listen, recordingServer, waitFor } from './helpers/net.js';
import { freePort } from './helpers/postgres.js';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'tw-auth-token-42';

function payload(over: Partial<WebhookPayload> = {}): WebhookPayload {
  return {
    version: '4',
    groupKey: '{}:{alertname="DatabaseDown"}',
    status: 'firing',
    receiver: 'sms',
    groupLabels: { alertname: 'DatabaseDown' },
    commonLabels: { alertname: 'DatabaseDown', severity: 'critical', environment: 'production' },
    commonAnnotations: { summary: 'The application database is unreachable.' },
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'DatabaseDown', severity: 'critical' },
        annotations: { summary: 'The application database is unreachable.', description: 'details' },
        startsAt: '2026-01-01T00:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
      },
    ],
    ...over,
  };
}

async function bridge(env: Record<string, string>, now?: () => number) {
  const out = new LineCollector();
  const config = loadSmsBridgeConfig({ PORT: '0', HOST: '127.0.0.1', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: '+15005550006', SMS_TO: '+15551230001,+15551230002', ...env });
  const b = createSmsBridge(config, createLogger({ component: 'sms-bridge', destination: out }), now);
  const l = await listen(b.server);
  const post = async (body: unknown) => {
    const r = await fetch(`${l.url}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };
  const metrics = async () => (await fetch(`${l.url}/metrics`)).text();
  return { ...l, post, metrics, out };
}

describe('SMS bridge', () => {
  const servers: import('node:http').Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await close(s);
  });

  it('sends one form-encoded, basic-authenticated Messages API call per recipient', async () => {
    const twilio = await recordingServer((_r, res) => {
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: 'SM1' }));
    });
    const b = await bridge({ TWILIO_BASE_URL: twilio.url });
    servers.push(twilio.server, b.server);
    const r = await b.post(payload());
    expect(r).toEqual({ status: 200, json: { sent: 2, failed: 0 } });
    expect(twilio.requests).toHaveLength(2);
    for (const req of twilio.requests) {
      expect(req.method).toBe('POST');
      expect(req.url).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
      expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    }
    const forms = twilio.requests.map((q) => Object.fromEntries(new URLSearchParams(q.body)));
    expect(forms.map((f) => f.To).sort()).toEqual(['+15551230001', '+15551230002']);
    expect(forms[0]).toEqual({ To: forms[0].To, From: '+15005550006', Body: '[FIRING:1] DatabaseDown (critical, production): The application database is unreachable.' });
    expect(await b.metrics()).toContain('immigration_ai_sms_messages_total{outcome="sent"} 2');
    expect(b.out.text).not.toContain('+1555123');
  });

  it('enforces max_alerts_per_hour over a sliding hour and counts what it drops', async () => {
    const twilio = await recordingServer((_r, res) => res.writeHead(201).end('{}'));
    let t = 1_000_000;
    const b = await bridge({ TWILIO_BASE_URL: twilio.url, MAX_ALERTS_PER_HOUR: '3', SMS_TO: '+15551230001' }, () => t);
    servers.push(twilio.server, b.server);
    const results = [];
    for (let i = 0; i < 5; i++) {
      results.push((await b.post(payload())).json);
      t += 60_000; // one per minute
    }
    expect(results.map((r) => r.sent)).toEqual([1, 1, 1, 0, 0]);
    expect(results[3]).toEqual({ sent: 0, dropped: 'rate_limited' });
    expect(twilio.requests).toHaveLength(3);
    expect(await b.metrics()).toContain('immigration_ai_sms_notifications_dropped_total{reason="rate_limited"} 2');
    // The first slot frees an hour after it was taken, not at a fixed clock hour.
    t = 1_000_000 + 3_600_000 + 1;
    expect((await b.post(payload())).json).toEqual({ sent: 1, failed: 0 });
    expect((await b.post(payload())).json).toEqual({ sent: 0, dropped: 'rate_limited' });
  });

  it('answers 502 when Twilio fails (so Alertmanager retries), 400 for a non-webhook body', async () => {
    const twilio = await recordingServer((_r, res) => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20003, message: 'Authenticate' })));
    const b = await bridge({ TWILIO_BASE_URL: twilio.url });
    servers.push(twilio.server, b.server);
    expect(await b.post(payload())).toEqual({ status: 502, json: { sent: 0, failed: 2 } });
    expect(await b.metrics()).toContain('immigration_ai_sms_messages_total{outcome="failed"} 2');
    expect(b.out.text).toContain('sms send failed with error: Twilio answered HTTP 401 (error 20003)');
    expect((await b.post({ version: '3', alerts: [] })).status).toBe(400);
    expect((await b.post('not json')).status).toBe(400);
    expect((await fetch(`${b.url}/healthz`)).status).toBe(200);
  });

  it('reads credentials and numbers from *_FILE secret mounts, and drops when unconfigured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iao-sms-'));
    try {
      writeFileSync(join(dir, 'sid'), `${SID}\n`);
      writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
      writeFileSync(join(dir, 'to'), '+15551230009\n');
      const c = loadSmsBridgeConfig({ TWILIO_ACCOUNT_SID_FILE: join(dir, 'sid'), TWILIO_AUTH_TOKEN_FILE: join(dir, 'token'), TWILIO_FROM: '+15005550006', SMS_TO_FILE: join(dir, 'to') });
      expect(c).toMatchObject({ accountSid: SID, authToken: TOKEN, to: ['+15551230009'], maxAlertsPerHour: 10, port: 9095 });
      expect(() => loadSmsBridgeConfig({ SMS_TO: '+1555,12345' })).toThrow(/SMS_TO: 2 number\(s\) not in E.164/);
      expect(() => loadSmsBridgeConfig({ TWILIO_AUTH_TOKEN_FILE: join(dir, 'missing') })).toThrow(/TWILIO_AUTH_TOKEN_FILE: cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const b = await bridge({ TWILIO_ACCOUNT_SID: '', SMS_TO: '' });
    servers.push(b.server);
    expect((await b.post(payload())).json).toEqual({ sent: 0, dropped: 'not_configured' });
    expect(await b.metrics()).toContain('immigration_ai_sms_notifications_dropped_total{reason="not_configured"} 1');
  });

  it('formats resolved notifications and cuts long texts', () => {
    const resolved = payload({ status: 'resolved', alerts: payload().alerts.map((a) => ({ ...a, status: 'resolved' as const })) });
    expect(smsText(resolved, 480)).toBe('[RESOLVED] DatabaseDown (critical, production): The application database is unreachable.');
    const long = smsText(payload({ commonAnnotations: { summary: 'x'.repeat(1000) }, alerts: [] }), 100);
    expect(long).toHaveLength(100);
    // Alerts Alertmanager left out (max_alerts) still count in the head.
    expect(smsText(payload({ truncatedAlerts: 49 }), 480)).toMatch(/^\[FIRING:50\] DatabaseDown/);
  });

  it('spends a rate-limit slot only on a delivered SMS: a Twilio outage answers 502 and leaves the cap intact', async () => {
    let up = false;
    const twilio = await recordingServer((_r, res) => (up ? res.writeHead(201).end('{"sid":"SM1"}') : res.writeHead(502).end('bad gateway')));
    const b = await bridge({ TWILIO_BASE_URL: twilio.url, MAX_ALERTS_PER_HOUR: '2', SMS_TO: '+15551230001' });
    servers.push(twilio.server, b.server);
    // The issue's reproduction: ten failed sends used to exhaust a cap of ten.
    for (let i = 0; i < 10; i++) expect(await b.post(payload())).toEqual({ status: 502, json: { sent: 0, failed: 1 } });
    up = true;
    const after = [];
    for (let i = 0; i < 3; i++) after.push(await b.post(payload()));
    expect(after.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(after.map((r) => r.json)).toEqual([{ sent: 1, failed: 0 }, { sent: 1, failed: 0 }, { sent: 0, dropped: 'rate_limited' }]);
    const m = await b.metrics();
    expect(m).toContain('immigration_ai_sms_messages_total{outcome="failed"} 10');
    expect(m).toContain('immigration_ai_sms_messages_total{outcome="sent"} 2');
    expect(m).toContain('immigration_ai_sms_notifications_dropped_total{reason="rate_limited"} 1');
  });

  it('answers 502 within TWILIO_TIMEOUT_MS when Twilio hangs, and logs neither the URL nor the number', async () => {
    const hung: import('node:http').ServerResponse[] = [];
    const twilio = await recordingServer((_r, res) => void hung.push(res));
    const b = await bridge({ TWILIO_BASE_URL: twilio.url, TWILIO_TIMEOUT_MS: '300', SMS_TO: '+15551230001' });
    servers.push(twilio.server, b.server);
    const t0 = Date.now();
    expect(await b.post(payload())).toEqual({ status: 502, json: { sent: 0, failed: 1 } });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(b.out.text).toContain('no answer from Twilio within TWILIO_TIMEOUT_MS');
    expect(b.out.text).not.toContain(twilio.url);
    expect(b.out.text).not.toContain('+1555123');
    for (const r of hung) r.destroy();
  });

  it('answers 413 to a body over the limit (not a reset connection), and skips a notification without firing alerts', async () => {
    const twilio = await recordingServer((_r, res) => res.writeHead(201).end('{}'));
    const b = await bridge({ TWILIO_BASE_URL: twilio.url });
    servers.push(twilio.server, b.server);
    const big = JSON.stringify({ ...payload(), padding: 'x'.repeat(10 * 1024 * 1024) });
    expect((await b.post(big)).status).toBe(413);
    expect(await b.post(payload({ alerts: [] }))).toEqual({ status: 200, json: { sent: 0, skipped: 'no firing alert' } });
    expect(twilio.requests).toHaveLength(0);
    expect((await b.post(payload())).json).toEqual({ sent: 2, failed: 0 });
  });

  it('with a shared secret, refuses webhooks without it (bearer and basic)', async () => {
    const twilio = await recordingServer((_r, res) => res.writeHead(201).end('{}'));
    const dir = mkdtempSync(join(tmpdir(), 'iao-sms-'));
    writeFileSync(join(dir, 'credentials'), 's3cret-webhook-token\n');
    try {
      const bearer = await bridge({ TWILIO_BASE_URL: twilio.url, SMS_TO: '+15551230001', ALERTS_CREDENTIALS_FILE: join(dir, 'credentials') });
      const basic = await bridge({ TWILIO_BASE_URL: twilio.url, SMS_TO: '+15551230001', ALERTS_AUTH_TYPE: 'basic', ALERTS_USERNAME: 'alertmanager', ALERTS_CREDENTIALS_FILE: join(dir, 'credentials') });
      servers.push(twilio.server, bearer.server, basic.server);
      const post = (url: string, authorization?: string) =>
        fetch(`${url}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(payload()) });
      expect((await post(bearer.url)).status).toBe(401);
      expect((await post(bearer.url, 'Bearer wrong')).status).toBe(401);
      expect((await post(bearer.url, 'Bearer s3cret-webhook-token')).status).toBe(200);
      expect((await post(basic.url, 'Bearer s3cret-webhook-token')).status).toBe(401);
      expect((await post(basic.url, `Basic ${Buffer.from('alertmanager:s3cret-webhook-token').toString('base64')}`)).status).toBe(200);
      expect(twilio.requests).toHaveLength(2);
      expect(bearer.out.text + basic.out.text).not.toContain('s3cret-webhook-token');
      expect(() => loadSmsBridgeConfig({ ALERTS_AUTH_TYPE: 'digest', ALERTS_CREDENTIALS: 'x' })).toThrow(/ALERTS_AUTH_TYPE: must be bearer or basic/);
      expect(() => loadSmsBridgeConfig({ ALERTS_AUTH_TYPE: 'basic', ALERTS_CREDENTIALS: 'x' })).toThrow(/ALERTS_USERNAME: required/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cuts the text on a character boundary and removes control and bidi-override characters', () => {
    const hostile = payload({
      commonLabels: { alertname: 'Database\u202EnwoD', severity: 'critical\r\nSTOP', environment: 'prod\u0000\u2066uction\u2069' },
      commonAnnotations: { summary: 'x' },
      alerts: [{ ...payload().alerts[0], annotations: { summary: `${'a'.repeat(37)}\u{1F6A8}\u{1F6A8}\u200F line\u2028two` } }],
    });
    const text = smsText(hostile, 480);
    expect(text).toBe('[FIRING:1] DatabasenwoD (critical STOP, prod uction): aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\u{1F6A8}\u{1F6A8} line two');
    expect(text).not.toMatch(/[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\u2028\u2029]/u);
    // Every cut length keeps whole characters: no lone surrogate, and the ellipsis ends it.
    for (let max = 40; max <= text.length + 2; max++) {
      const cut = smsText(hostile, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(cut === text || cut.endsWith('…')).toBe(true);
    }
    // A family emoji (one grapheme of 11 code units) is kept or dropped whole.
    const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}';
    const cut = smsText(payload({ commonLabels: { alertname: 'A' }, alerts: [{ ...payload().alerts[0], annotations: { summary: `${'b'.repeat(20)}${family}${'c'.repeat(40)}` } }] }), 45);
    expect(cut.includes(family) || !cut.includes('\u{1F468}')).toBe(true);
  });

  it('delivers every page once Twilio returns, through a real Alertmanager retrying a failing then hanging Twilio', async () => {
    // Twilio fails (503) for the first seconds, then hangs, then comes back.
    let phase: 'failing' | 'hanging' | 'up' = 'failing';
    const hung: import('node:http').ServerResponse[] = [];
    const delivered: string[] = [];
    const twilio = await recordingServer((r, res) => {
      if (phase === 'failing') res.writeHead(503, { 'content-type': 'application/json' }).end('{"code":20429,"message":"Too Many Requests"}');
      else if (phase === 'hanging') hung.push(res);
      else {
        delivered.push(new URLSearchParams(r.body).get('Body') ?? '');
        res.writeHead(201).end('{"sid":"SM1"}');
      }
    });
    const dir = mkdtempSync(join(tmpdir(), 'iao-sms-'));
    writeFileSync(join(dir, 'credentials'), 'am-to-bridge-secret\n');
    // Three distinct pages with a cap of three: had failed attempts spent slots, some would be dropped.
    const b = await bridge({ TWILIO_BASE_URL: twilio.url, SMS_TO: '+15551230001', MAX_ALERTS_PER_HOUR: '3', TWILIO_TIMEOUT_MS: '500', ALERTS_CREDENTIALS_FILE: join(dir, 'credentials') });
    servers.push(twilio.server, b.server);
    try {
      await withAlertmanager(
        smsReceiverConfig(b.url, ['http_config:', '  authorization:', '    type: Bearer', `    credentials_file: ${join(dir, 'credentials')}`]),
        async (api) => {
          const names = ['DatabaseDown', 'AppDown', 'DiskAlmostFull'];
          const alerts = names.map((alertname) => ({ labels: { alertname, severity: 'critical' }, annotations: { summary: `${alertname} summary.` } }));
          expect((await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) })).ok).toBe(true);
          // Alertmanager's attempts fail while Twilio is down...
          await waitFor(() => twilio.requests.length >= 6, 30_000, 100);
          phase = 'hanging';
          const seen = twilio.requests.length;
          await waitFor(() => twilio.requests.length >= seen + 3, 30_000, 100);
          expect(delivered).toEqual([]);
          phase = 'up';
          const upAt = Date.now();
          // ...and every page is delivered, once, after it comes back.
          await waitFor(() => names.every((n) => delivered.some((d) => d.includes(n))), 60_000, 100);
          const afterMs = Date.now() - upAt;
          await new Promise((r) => setTimeout(r, 2500));
          expect(delivered.sort()).toEqual(names.map((n) => `[FIRING:1] ${n} (critical): ${n} summary.`).sort());
          const m = await b.metrics();
          expect(m).toContain('immigration_ai_sms_messages_total{outcome="sent"} 3');
          expect(m).toContain('immigration_ai_sms_notifications_dropped_total{reason="rate_limited"} 0');
          expect(Number(/immigration_ai_sms_messages_total\{outcome="failed"\} (\d+)/.exec(m)?.[1])).toBeGreaterThanOrEqual(9);
          process.stdout.write(`sms outage: ${twilio.requests.length - delivered.length} failed or hung Twilio calls and 0 SMS delivered during the outage; ${delivered.length} of ${names.length} pages delivered ${afterMs} ms after Twilio returned, each once\n`);
        },
      );
    } finally {
      for (const r of hung) r.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('receives a real Alertmanager webhook and texts it', async () => {
    const twilio = await recordingServer((_r, res) => res.writeHead(201).end('{}'));
    const b = await bridge({ TWILIO_BASE_URL: twilio.url, SMS_TO: '+15551230001' });
    servers.push(twilio.server, b.server);
    await withAlertmanager(smsReceiverConfig(b.url), async (api) => {
      const alert = [{ labels: { alertname: 'HighErrorRate', severity: 'critical', environment: 'staging' }, annotations: { summary: 'An endpoint fails more than 10% of requests.' } }];
      const r = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alert) });
      expect(r.ok).toBe(true);
      const sms = await waitFor(() => twilio.requests[0], 30_000, 100);
      expect(Object.fromEntries(new URLSearchParams(sms.body))).toMatchObject({ To: '+15551230001', Body: '[FIRING:1] HighErrorRate (critical, staging): An endpoint fails more than 10% of requests.' });
    });
  });
});

/** alertmanager.yml with one webhook receiver (the bridge), grouping by alert name, flushing every second. */
function smsReceiverConfig(bridgeUrl: string, httpConfig: string[] = []): string {
  return [
    'route:',
    '  receiver: sms',
    '  group_by: [alertname]',
    '  group_wait: 0s',
    '  group_interval: 1s',
    '  repeat_interval: 1h',
    'receivers:',
    '  - name: sms',
    '    webhook_configs:',
    `      - url: ${bridgeUrl}/alerts`,
    '        send_resolved: false',
    ...httpConfig.map((l) => `        ${l}`),
    '',
  ].join('\n');
}

/** Runs a real Alertmanager 0.25 with `config` (files written next to it) around `fn(alertsApiUrl, dir)`. */
async function withAlertmanager(config: string, fn: (api: string, dir: string) => Promise<void>, files: Record<string, string> = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'iao-am-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'alertmanager.yml'), config.replaceAll('$DIR', dir));
  const started: ChildProcess[] = [];
  try {
    // A free port can be taken by another process before Alertmanager binds it: retry.
    let port = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      port = await freePort();
      const proc = spawn(requireTool('alertmanager'), [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'], { stdio: 'ignore' });
      started.push(proc);
      const ready = await waitFor(async () => proc.exitCode !== null || (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok, 30_000, 100);
      if (ready && proc.exitCode === null) break;
    }
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok, 20_000, 100);
    await fn(`http://127.0.0.1:${port}/api/v2/alerts`, dir);
  } finally {
    // Alertmanager writes its state files on shutdown: wait for it to exit before removing its folder.
    await Promise.all(started.filter((p) => p.exitCode === null && p.signalCode === null).map((p) => new Promise((r) => {
      p.once('exit', r);
      p.kill('SIGTERM');
    })));
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}
