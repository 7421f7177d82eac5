/**
 * No secret in any output: canary values in every credential variable of the exporter and the SMS
 * bridge, then every response, log line and metric of both services (talking to failing
 * dependencies that echo what they were sent) is searched for them, raw and base64-encoded.
 * URLs carrying credentials are refused at start, naming the variable and the fix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../exporters/logging/logger.js';
import { ConfigError, loadExporterConfig } from '../exporters/health-exporter/config.js';
import { startExporter } from '../exporters/health-exporter/exporter.js';
import { loadSmsBridgeConfig } from '../exporters/sms-bridge/config.js';
import { createSmsBridge } from '../exporters/sms-bridge/server.js';
import { LineCollector, close, listen, recordingServer } from './helpers/net.js';

const CANARY = {
  databasePassword: 'canaryDbPw7d1f',
  awsAccessKeyId: 'AKIACANARY0KEYID7Q2',
  awsSecret: 'canaryAwsSecret9x4kQ',
  awsSession: 'canaryAwsSession3m8',
  twilioSid: 'ACcanary00000000000000000000000042',
  twilioToken: 'canaryTwilioToken5z1',
  webhookSecret: 'canaryWebhookSecret2h6',
  lokiPassword: 'canaryLokiPassword8w3',
};

/** Every canary and the forms it may take on the wire (base64 of the basic-auth pairs, percent-encoding). */
function needles(): string[] {
  const raw = Object.values(CANARY);
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return [...raw, ...raw.map(encodeURIComponent), b64(`${CANARY.twilioSid}:${CANARY.twilioToken}`), b64(`loki:${CANARY.lokiPassword}`), b64(`alertmanager:${CANARY.webhookSecret}`)];
}

const found = (text: string): string[] => needles().filter((n) => text.includes(n));

function configProblems(load: () => unknown): string {
  try {
    load();
    return '';
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
}

describe('no secret in any output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iao-canary-'));
  const file = (name: string, value: string): string => {
    writeFileSync(join(dir, name), `${value}\n`);
    return join(dir, name);
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses URLs with credentials at start, naming the variable and the *_FILE fix, without echoing them', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['S3_ENDPOINT', () => loadExporterConfig({ S3_ENDPOINT: `http://${CANARY.awsAccessKeyId}:${CANARY.awsSecret}@s3.local:9000`, S3_BUCKETS: 'b', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }), /S3_ENDPOINT: must not contain a user name, password.*AWS_ACCESS_KEY_ID_FILE and AWS_SECRET_ACCESS_KEY_FILE/],
      ['S3_ENDPOINT', () => loadExporterConfig({ S3_ENDPOINT: `https://s3.local/?X-Amz-Security-Token=${CANARY.awsSession}`, S3_BUCKETS: 'b', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }), /S3_ENDPOINT: must not contain .*query string/],
      ['LOKI_URL', () => loadExporterConfig({ LOKI_URL: `http://loki:${CANARY.lokiPassword}@loki:3100` }), /LOKI_URL: .*set LOKI_USERNAME and LOKI_PASSWORD_FILE instead/],
      ['TWILIO_BASE_URL', () => loadSmsBridgeConfig({ TWILIO_BASE_URL: `https://${CANARY.twilioSid}:${CANARY.twilioToken}@api.twilio.com` }), /TWILIO_BASE_URL: .*TWILIO_ACCOUNT_SID_FILE and TWILIO_AUTH_TOKEN_FILE/],
      ['LOKI_URL', () => loadSmsBridgeConfig({ LOKI_URL: `http://loki:3100/?token=${CANARY.lokiPassword}` }), /LOKI_URL: /],
    ];
    for (const [variable, load, expected] of cases) {
      const message = configProblems(load);
      expect({ variable, message }).toEqual({ variable, message: expect.stringMatching(expected) });
      expect(found(message)).toEqual([]);
    }
    // A database connection string carries its password by design (and comes from a Secret file).
    expect(loadExporterConfig({ DATABASE_URL: `postgres://u:${CANARY.databasePassword}@db:5432/app` }).databaseUrl).toContain(CANARY.databasePassword);
  });

  it('exporter and SMS bridge with canaries in every credential variable and failing dependencies: 0 canaries in responses, metrics and logs', async () => {
    // A database port that accepts and closes; an S3 endpoint that echoes the request (headers
    // included) in an error body; a Twilio that echoes the Authorization header it received.
    const sockets: Socket[] = [];
    const db = createTcpServer((s) => {
      sockets.push(s);
      s.end();
    });
    await new Promise<void>((r) => db.listen(0, '127.0.0.1', () => r()));
    const dbPort = (db.address() as { port: number }).port;
    const echo = (status: number) => (r: { headers: Record<string, unknown>; url: string }, res: import('node:http').ServerResponse) =>
      res.writeHead(status, { 'content-type': 'application/xml' }).end(`<Error><Code>SignatureDoesNotMatch</Code><Message>${JSON.stringify(r.headers)} ${r.url}</Message></Error>`);
    const s3 = await recordingServer(echo(403));
    const twilio = await recordingServer((r, res) =>
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20003, message: `Authenticate ${String(r.headers.authorization)} ${r.url}` })),
    );

    const exporterOut = new LineCollector();
    const exporter = await startExporter(
      loadExporterConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        METRICS_MAX_AGE: '0',
        HEALTH_CHECK_TIMEOUT_MS: '1500',
        DATABASE_URL_FILE: file('database-url', `postgres://monitor:${CANARY.databasePassword}@127.0.0.1:${dbPort}/app`),
        S3_ENDPOINT: s3.url,
        S3_BUCKETS: 'documents,avatars',
        AWS_ACCESS_KEY_ID_FILE: file('akid', CANARY.awsAccessKeyId),
        AWS_SECRET_ACCESS_KEY_FILE: file('aws-secret', CANARY.awsSecret),
        AWS_SESSION_TOKEN: CANARY.awsSession,
        LOKI_USERNAME: 'loki',
        LOKI_PASSWORD_FILE: file('loki-password', CANARY.lokiPassword),
        DISK_PATHS: tmpdir(),
      }),
      { logger: createLogger({ component: 'exporter', level: 'trace', destination: exporterOut }), background: false },
    );
    const bridgeOut = new LineCollector();
    const bridge = createSmsBridge(
      loadSmsBridgeConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        TWILIO_BASE_URL: twilio.url,
        TWILIO_ACCOUNT_SID_FILE: file('sid', CANARY.twilioSid),
        TWILIO_AUTH_TOKEN_FILE: file('token', CANARY.twilioToken),
        TWILIO_FROM: '+15005550006',
        SMS_TO: '+15551230001',
        ALERTS_AUTH_TYPE: 'basic',
        ALERTS_USERNAME: 'alertmanager',
        ALERTS_CREDENTIALS_FILE: file('webhook', CANARY.webhookSecret),
        LOKI_USERNAME: 'loki',
        LOKI_PASSWORD: CANARY.lokiPassword,
      }),
      createLogger({ component: 'sms-bridge', level: 'trace', destination: bridgeOut }),
    );
    const b = await listen(bridge.server);
    const outputs: string[] = [];
    let responses = 0;
    try {
      const base = `http://127.0.0.1:${exporter.port}`;
      for (let round = 0; round < 2; round++) {
        for (const path of ['/api/health', '/api/health/database', '/api/health/storage', '/api/health/system', '/metrics', '/api/metrics', '/healthz', '/nope']) {
          const r = await fetch(base + path);
          outputs.push(`${r.status} ${JSON.stringify([...r.headers])} ${await r.text()}`);
          responses++;
        }
        if (round === 0) await exporter.monitor.runAll();
      }
      const health = JSON.parse(outputs[0].slice(outputs[0].indexOf('{"')));
      // The dependencies really failed (the canaries had a chance to leak through error paths).
      expect(health.checks.database.status).toBe('unhealthy');
      expect(health.checks.storage.status).toBe('unhealthy');
      expect(s3.requests.length).toBeGreaterThan(0);

      const alert = { version: '4', status: 'firing', receiver: 'sms', groupKey: 'k', groupLabels: {}, commonLabels: { alertname: 'DatabaseDown', severity: 'critical' }, commonAnnotations: { summary: 's' }, externalURL: '', alerts: [{ status: 'firing', labels: { alertname: 'DatabaseDown' }, annotations: { summary: 's' }, startsAt: '', endsAt: '' }] };
      const good = `Basic ${Buffer.from(`alertmanager:${CANARY.webhookSecret}`).toString('base64')}`;
      for (const authorization of [good, 'Basic bm9wZQ==', undefined, good]) {
        const r = await fetch(`${b.url}/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(alert) });
        outputs.push(`${r.status} ${JSON.stringify([...r.headers])} ${await r.text()}`);
        responses++;
      }
      expect(twilio.requests.length).toBe(2);
      for (const path of ['/metrics', '/healthz', '/nope']) {
        const r = await fetch(b.url + path);
        outputs.push(`${r.status} ${await r.text()}`);
        responses++;
      }
      exporter.logger.flush();
      const text = [...outputs, exporterOut.text, bridgeOut.text].join('\n');
      const leaks = found(text);
      process.stdout.write(`canary secrets: ${leaks.length} found in ${responses} responses, ${exporterOut.lines.length + bridgeOut.lines.length} log lines and 2 /metrics pages per service (${needles().length} needles)\n`);
      expect(leaks).toEqual([]);
      // The searches can fail: the canaries did reach the failing dependencies.
      expect(JSON.stringify(twilio.requests)).toContain(Buffer.from(`${CANARY.twilioSid}:${CANARY.twilioToken}`).toString('base64'));
      expect(JSON.stringify(s3.requests)).toContain(CANARY.awsAccessKeyId);
    } finally {
      await exporter.stop();
      await close(bridge.server);
      await close(s3.server);
      await close(twilio.server);
      for (const s of sockets) s.destroy();
      await new Promise((r) => db.close(() => r(undefined)));
    }
  });
});
