/** verify and report, run against the real exporter, a real PostgreSQL and a real Prometheus. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { main as reportMain, type Report } from '../exporters/cli/report.js';
import { countProductSamples, healthOf } from '../exporters/cli/verify.js';
import { createDemoApp } from './demo-app/app.js';
import { runTraffic } from './demo-app/traffic.js';
import { createLogger } from '../exporters/logging/logger.js';
import { loadExporterConfig } from '../exporters/health-exporter/config.js';
import { startExporter } from '../exporters/health-exporter/exporter.js';
import { REPO_ROOT } from './helpers/dist.js';
import { LineCollector, close, listen, recordingServer } from './helpers/net.js';
import { TestPostgres, freePort } from './helpers/postgres.js';
import { startPrometheus, type TestPrometheus } from './helpers/prometheus.js';

const VERIFY = join(REPO_ROOT, 'build', 'exporters', 'cli', 'verify.js');

function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

class Sink extends Writable {
  text = '';
  _write(c: Buffer, _e: BufferEncoding, cb: () => void): void {
    this.text += c.toString();
    cb();
  }
}

describe('verify', () => {
  let db: TestPostgres;
  let storage: string;
  beforeAll(async () => {
    db = await TestPostgres.create();
    storage = mkdtempSync(join(tmpdir(), 'iao-verify-'));
    mkdirSync(join(storage, 'documents'));
  });
  afterAll(async () => {
    await db?.destroy();
    rmSync(storage, { recursive: true, force: true });
  });

  it('waits until the deployment is healthy, checks metrics, reports to Slack; fails clearly otherwise', async () => {
    const slack = await recordingServer();
    const exporter = await startExporter(
      loadExporterConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_URL: db.url, STORAGE_DIR: storage, HEALTH_CHECK_TIMEOUT_MS: '1000', BUSINESS_METRICS: 'false', SYSTEM_CPU_UNHEALTHY_RATIO: '1', SYSTEM_MEMORY_UNHEALTHY_RATIO: '1', SYSTEM_DISK_UNHEALTHY_RATIO: '1' }),
      { logger: createLogger({ component: 'exporter', destination: new LineCollector() }), background: false },
    );
    const url = `http://127.0.0.1:${exporter.port}`;
    // The exporter's own health and metrics paths (the app's defaults are /healthz and /metrics).
    const paths = ['--health-path', '/api/health', '--metrics-path', '/api/metrics'];
    try {
      await db.stop();
      // Database down past the deadline: exit 1, failure posted.
      const failed = await run(VERIFY, ['--url', url, ...paths, '--timeout', '1', '--interval', '0.3', '--slack'], { SLACK_WEBHOOK_URL: `${slack.url}/hook` });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/not healthy within 1s \(last: HTTP 503, overall_status unhealthy\)/);
      expect(JSON.parse(slack.requests[0].body).text).toMatch(/^:x: Deployment verification failed/);

      // Database comes back while verify waits: exit 0.
      const pending = run(VERIFY, ['--url', url, ...paths, '--timeout', '30', '--interval', '0.3', '--slack'], { SLACK_WEBHOOK_URL: `${slack.url}/hook` });
      await new Promise((r) => setTimeout(r, 800));
      await db.start();
      const ok = await pending;
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/Deployment completed and monitoring verified: healthy, \d+ immigration_ai_ samples at \/api\/metrics/);
      expect(JSON.parse(slack.requests[1].body).text).toMatch(/^:white_check_mark: Deployment completed and monitoring verified/);

      expect((await run(VERIFY, [], {})).code).toBe(64);
      expect((await run(VERIFY, ['--url', url, '--timeout', '0'], {})).stderr).toMatch(/--timeout must be a positive number/);
      expect((await run(VERIFY, ['--url', url, '--health-path', 'healthz'], {})).stderr).toMatch(/--health-path must be a path starting with \//);
      // A server without immigration_ai_ metrics (here: the health endpoint of a plain server) fails with 2.
      const plain = createServer((req, res) => (req.url === '/api/health' ? res.end('{"overall_status":"healthy"}') : res.end('up 1\n')));
      const p = await listen(plain);
      try {
        expect((await run(VERIFY, ['--url', p.url, ...paths, '--timeout', '5'], {})).code).toBe(2);
      } finally {
        await close(plain);
      }
    } finally {
      await exporter.stop();
      await close(slack.server);
    }
  });

  it('reads health as 2xx, and overall_status healthy when the JSON body has one', () => {
    expect(healthOf(200, 'ok\n').healthy).toBe(true);
    expect(healthOf(200, '{"overall_status":"healthy"}').healthy).toBe(true);
    expect(healthOf(200, '{"overall_status":"degraded"}')).toEqual({ healthy: false, detail: 'HTTP 200, overall_status degraded' });
    expect(healthOf(503, 'ok')).toEqual({ healthy: false, detail: 'HTTP 503' });
    expect(healthOf(200, 'null').healthy).toBe(true);
  });

  it('counts product samples only', () => {
    expect(countProductSamples('# HELP immigration_ai_x X.\nimmigration_ai_x 1\nprocess_cpu 2\n')).toBe(1);
  });
});

describe('report', () => {
  let prom: TestPrometheus | undefined;
  let promUrl = '';
  let appServer: Server | undefined;
  let dir = '';

  beforeAll(async () => {
    const demo = createDemoApp(createLogger({ component: 'demo-app', destination: new LineCollector() }));
    const app = await listen(createServer(demo.app));
    appServer = app.server;
    dir = mkdtempSync(join(tmpdir(), 'iao-prom-'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      ['global:', '  scrape_interval: 1s', '  evaluation_interval: 1s', 'rule_files: [rules.yml]', 'scrape_configs:', '  - job_name: immigration-ai', '    static_configs:', `      - targets: ['127.0.0.1:${app.port}']`, ''].join('\n'),
    );
    writeFileSync(join(dir, 'rules.yml'), ['groups:', '  - name: report-test', '    rules:', '      - alert: ReportTestAlert', '        expr: vector(1)', '        labels: {severity: warning}', ''].join('\n'));
    // Ready after the first scrape, before traffic, so increase() sees the counters start.
    prom = await startPrometheus(dir);
    promUrl = prom.url;
    await runTraffic({ baseUrl: app.url, ratePerSecond: 60, durationSeconds: 3 });
    // Until a scrape after the traffic has landed (a fixed sleep is too short on a busy machine).
    const ended = Date.now();
    const deadline = ended + 60_000;
    for (;;) {
      const targets = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as { data: { activeTargets: { lastScrape: string; health: string }[] } };
      if (targets.data.activeTargets.some((t) => t.health === 'up' && Date.parse(t.lastScrape) > ended + 1000)) break;
      if (Date.now() > deadline) throw new Error('no scrape of the demo app after the traffic within 60 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  afterAll(async () => {
    await prom?.stop();
    await close(appServer);
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('summarises the period from Prometheus and delivers to Slack and email', async () => {
    const slack = await recordingServer();
    const mails: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, cb) {
        let m = '';
        stream.on('data', (c: Buffer) => (m += c.toString()));
        stream.on('end', () => {
          mails.push(m.replace(/=\r?\n/g, '')); // undo quoted-printable soft breaks
          cb();
        });
      },
    });
    const smtpPort = await freePort();
    await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', () => r()));
    try {
      const out = new Sink();
      const err = new Sink();
      const code = await reportMain(['--period', 'daily', '--prometheus', promUrl, '--json', '--slack', '--email'], {
        SLACK_WEBHOOK_URL: `${slack.url}/hook`,
        SMTP_SERVER: '127.0.0.1',
        SMTP_PORT: String(smtpPort),
        SMTP_TLS: 'off',
        REPORT_EMAIL_TO: 'ops@example.org',
      }, out as never, err as never);
      expect(err.text).toBe('');
      expect(code).toBe(0);
      const rep = JSON.parse(out.text) as Report;
      expect(rep.period).toBe('daily');
      expect(rep.registrations).toBeGreaterThan(0);
      expect(rep.uploads.total).toBeGreaterThan(0);
      expect(rep.uploads.avgSizeMb).toBeGreaterThan(0);
      expect(rep.chat.aiResponses).toBeGreaterThan(0);
      expect(rep.chat.avgAiResponseSeconds).toBeGreaterThan(0);
      expect(rep.chat.satisfactionAvg).toBeGreaterThanOrEqual(1);
      expect(rep.http.requests).toBeGreaterThan(50);
      expect(rep.http.slowestEndpoints.length).toBeGreaterThan(0);
      expect(rep.http.slowestEndpoints[0].endpoint).toMatch(/^(GET|POST|PUT|DELETE) (\/|unmatched$)/);
      expect(rep.alertsFired).toEqual([{ alertname: 'ReportTestAlert', severity: 'warning' }]);
      expect(JSON.parse(slack.requests[0].body).text).toBe('Immigration AI daily report');
      expect(slack.requests[0].body).toContain('Slowest endpoints');
      expect(mails).toHaveLength(1);
      expect(mails[0]).toContain('Subject: Immigration AI daily report');
      expect(mails[0]).toContain('Alerts fired: ReportTestAlert (warning)');
    } finally {
      await close(slack.server);
      await new Promise<void>((r) => smtp.close(() => r()));
    }
  });

  it('fails with exit 1 when Prometheus is unreachable and 64 on bad usage', async () => {
    const err = new Sink();
    expect(await reportMain(['--period', 'daily', '--prometheus', 'http://127.0.0.1:9'], {}, new Sink() as never, err as never)).toBe(1);
    expect(err.text).toMatch(/Prometheus at http:\/\/127.0.0.1:9/);
    expect(await reportMain(['--period', 'monthly', '--prometheus', promUrl], {}, new Sink() as never, new Sink() as never)).toBe(64);
  });
});
