/**
 * The generated routing, inhibition and notification templates, run by the real Alertmanager
 * (Debian's 0.25). Slack, the SMS bridge and the dead man's switch are loopback HTTP stubs and email
 * goes to a loopback SMTP server, so nothing leaves the machine. Proves what amtool cannot: the
 * messages a person reads, the heartbeat's Authorization header, and inhibition.
 */
import { panelUrl } from '../contract/dashboards.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { alertingRules } from '../alert-rules/index.js';
import { alertmanagerTree } from './helpers/rendered.js';
import { requireTool } from './helpers/tools.js';
import { loadConfig, type MonitoringConfig } from '../contract/config/index.js';

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Annotations of a generated rule, with its description template filled in by hand. */
function annotationsOf(config: MonitoringConfig, alert: string, severity: string, description: string): Record<string, string> {
  const rule = alertingRules(config).find((r) => r.alert === alert && r.labels.severity === severity);
  if (!rule) throw new Error(`no rule ${alert}/${severity}`);
  return { ...rule.annotations, description };
}

describe('generated Alertmanager config, live (Alertmanager 0.25 with loopback stubs)', () => {
  const http: Received[] = [];
  const mails: string[] = [];
  let httpServer: Server;
  let smtp: SMTPServer;
  let am: ChildProcess;
  let amUrl: string;
  let amLog = '';
  let config: MonitoringConfig;
  let cleanup: () => void = () => undefined;

  beforeAll(async () => {
    httpServer = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        http.push({ path: req.url ?? '', headers: req.headers, body: data ? JSON.parse(data) : undefined });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
    const httpPort = (httpServer.address() as AddressInfo).port;
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, cb) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
        stream.on('end', () => {
          mails.push(raw);
          cb();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    const smtpPort = ((smtp as unknown as { server: Server }).server.address() as AddressInfo).port;

    const stub = `http://127.0.0.1:${httpPort}`;
    config = loadConfig('production', {}, {
      channels: {
        email: { smtpServer: 'localhost', smtpPort, requireTls: false, username: '' },
        sms: { bridgeUrl: `${stub}/sms` },
        heartbeat: { url: `${stub}/heartbeat` },
      },
    });
    const base = mkdtempSync(join(tmpdir(), 'am-live-'));
    cleanup = () => rmSync(base, { recursive: true, force: true });
    const amDir = join(base, 'alertmanager');
    const tree = alertmanagerTree(config, { secretsDir: join(amDir, 'secrets'), templatesDir: 'templates' });
    for (const [path, content] of tree.entries()) {
      mkdirSync(join(base, path, '..'), { recursive: true });
      writeFileSync(join(base, path), content);
    }
    // The Secrets the charts would mount, here as files in a temporary folder.
    mkdirSync(join(amDir, 'secrets', 'alertmanager-slack'), { recursive: true });
    writeFileSync(join(amDir, 'secrets', 'alertmanager-slack', 'webhook-url'), `${stub}/slack`);
    mkdirSync(join(amDir, 'secrets', 'alertmanager-heartbeat'), { recursive: true });
    writeFileSync(join(amDir, 'secrets', 'alertmanager-heartbeat', 'credentials'), 'test-heartbeat-key');

    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    am = spawn(
      requireTool('alertmanager'),
      [`--config.file=${join(amDir, 'alertmanager.yml')}`, `--storage.path=${join(base, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=debug'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    am.stdout?.on('data', (c) => (amLog += c));
    am.stderr?.on('data', (c) => (amLog += c));
    await waitFor('Alertmanager to be ready', async () => {
      try {
        return (await fetch(`${amUrl}/-/ready`)).ok ? true : undefined;
      } catch {
        return undefined;
      }
    });
  });

  afterAll(async () => {
    if (process.env.AM_LIVE_LOG) writeFileSync(process.env.AM_LIVE_LOG, amLog);
    // Wait for the exit: Alertmanager writes its snapshots on shutdown, which would recreate the temp folder.
    if (am && am.exitCode === null) {
      const exited = new Promise((r) => am.once('exit', r));
      am.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => httpServer?.close(r));
    await new Promise((r) => smtp?.close(() => r(undefined)));
    cleanup();
  });

  const post = async (alerts: { labels: Record<string, string>; annotations?: Record<string, string> }[]): Promise<void> => {
    const r = await fetch(`${amUrl}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    expect(r.status).toBe(200);
  };
  const alertsNamed = async (name: string): Promise<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }[]> =>
    (await (await fetch(`${amUrl}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${name}"`)}`)).json()) as never;

  it('pages a critical alert by Slack, email and SMS with everything a person needs; inhibits the warning twin; beats the heartbeat', async () => {
    const dbDescription = 'No replica of immigration-ai-exporter reaches the application database: every health check reports no connectivity (health status 0).';
    // The two severities of a scrape-job alert carry the same labels as the rules emit them (job
    // only, see the promtool cases), so the critical inhibits the warning.
    const appDown = (severity: string, description: string) => ({
      labels: { alertname: 'ImmigrationAiAppDown', severity, job: 'immigration-ai' },
      annotations: annotationsOf(config, 'ImmigrationAiAppDown', severity, description),
    });
    await post([
      { labels: { alertname: 'Watchdog', severity: 'none' }, annotations: annotationsOf(config, 'Watchdog', 'none', 'Watchdog fires at all times (value 1).') },
      { labels: { alertname: 'ImmigrationAiDatabaseDown', severity: 'critical', job: 'immigration-ai-exporter', component: 'database' }, annotations: annotationsOf(config, 'ImmigrationAiDatabaseDown', 'critical', dbDescription) },
      { labels: { alertname: 'ImmigrationAiHighCpuUsage', severity: 'critical', instance: 'node-1' }, annotations: annotationsOf(config, 'ImmigrationAiHighCpuUsage', 'critical', 'CPU usage on node-1 is 95%.') },
      { labels: { alertname: 'ImmigrationAiHighCpuUsage', severity: 'warning', instance: 'node-1' }, annotations: annotationsOf(config, 'ImmigrationAiHighCpuUsage', 'warning', 'CPU usage on node-1 is 95%.') },
      { labels: { alertname: 'ImmigrationAiHighCpuUsage', severity: 'warning', instance: 'node-2' }, annotations: annotationsOf(config, 'ImmigrationAiHighCpuUsage', 'warning', 'CPU usage on node-2 is 85%.') },
      appDown('critical', 'No target of job immigration-ai answers Prometheus\' scrapes.'),
      appDown('warning', '3 target(s) of job immigration-ai do not answer Prometheus\' scrapes.'),
    ]);

    // Heartbeat: no group wait, the credentials from the Secret file in the Authorization header.
    const beat = await waitFor('the heartbeat', () => http.find((r) => r.path === '/heartbeat'));
    expect(beat.headers.authorization).toBe('GenieKey test-heartbeat-key');
    expect(beat.body.alerts.map((a: { labels: { alertname: string } }) => a.labels.alertname)).toEqual(['Watchdog']);

    // Slack: title, severity, summary, description, runbook and dashboard links.
    const slack = await waitFor('the Slack page', () => http.find((r) => r.path === '/slack' && JSON.stringify(r.body).includes('ImmigrationAiDatabaseDown')));
    expect(slack.body).toMatchObject({ channel: '#ops-alerts', username: 'Immigration AI Monitor', icon_emoji: ':warning:' });
    const attachment = slack.body.attachments[0];
    expect(attachment.title).toBe('[FIRING:1] CRITICAL: ImmigrationAiDatabaseDown');
    expect(attachment.color).toBe('danger');
    expect(attachment.text).toContain('*The application database is unreachable.*');
    expect(attachment.text).toContain(dbDescription);
    expect(attachment.text).toContain('*Severity:* critical');
    expect(attachment.text).toContain(`<${config.links.runbookBaseUrl}/ImmigrationAiDatabaseDown.md|Runbook>`);
    // The dashboard link opens the panel that explains the alert.
    expect(attachment.text).toContain(`<${panelUrl(config.links.grafanaUrl, 'databaseUp')}|Dashboard>`);

    // SMS bridge: Alertmanager's webhook payload for the critical receiver.
    const sms = await waitFor('the SMS bridge call', () => http.find((r) => r.path === '/sms' && JSON.stringify(r.body).includes('ImmigrationAiDatabaseDown')));
    expect(sms.body).toMatchObject({ version: '4', status: 'firing', receiver: 'critical', commonLabels: { severity: 'critical' } });

    // Email: subject and body.
    const mail = await waitFor('the email', () => mails.find((m) => m.includes('ImmigrationAiDatabaseDown')));
    const decoded = mail.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(decoded).toMatch(/Subject: \[FIRING:1\] CRITICAL: ImmigrationAiDatabaseDown/);
    expect(decoded).toContain(dbDescription);
    expect(decoded).toContain(`Runbook: ${config.links.runbookBaseUrl}/ImmigrationAiDatabaseDown.md`);
    expect(decoded).toContain(`Dashboard: ${panelUrl(config.links.grafanaUrl, 'databaseUp')}`);
    expect(decoded).toMatch(/To: admin@immigrationai\.com, ops-team@immigrationai\.com/);

    // Inhibition: the critical CPU alert silences its warning twin on node-1, not node-2's warning.
    const cpu = await alertsNamed('ImmigrationAiHighCpuUsage');
    const state = (sev: string, instance: string) => cpu.find((a) => a.labels.severity === sev && a.labels.instance === instance)?.status;
    expect(state('critical', 'node-1')?.state).toBe('active');
    expect(state('warning', 'node-1')).toMatchObject({ state: 'suppressed', inhibitedBy: [expect.any(String)] });
    expect(state('warning', 'node-2')?.state).toBe('active');
    // The dead app pages; its "some pods down" warning is inhibited by the page.
    const app = await alertsNamed('ImmigrationAiAppDown');
    expect(app.find((a) => a.labels.severity === 'critical')?.status.state).toBe('active');
    expect(app.find((a) => a.labels.severity === 'warning')?.status).toMatchObject({ state: 'suppressed', inhibitedBy: [expect.any(String)] });
    // Nothing was ever sent to a real address.
    expect(amLog).not.toMatch(/hooks\.slack\.com|smtp\.gmail\.com|api\.opsgenie\.com/);
  }, 60_000);

  it('resource alerts: a node\'s page stands for its containers, a disk\'s page for its warnings, and nothing more', async () => {
    const cpu = 'ImmigrationAiHighCpuUsage';
    const disk = 'ImmigrationAiDiskAlmostFull';
    const node = (n: string, severity: string) => ({ alertname: cpu, severity, scope: 'node', job: 'node-exporter', instance: n, node: n });
    const container = (n: string, c: string, severity: string) => ({ alertname: cpu, severity, scope: 'container', job: 'kubelet', node: n, namespace: 'immigration-ai', pod: `${c}-0`, container: c });
    const fs = (severity: string, extra: Record<string, string> = {}) => ({
      alertname: disk, severity, scope: 'node', job: 'node-exporter', instance: 'node-r1', node: 'node-r1', device: '/dev/nvme0n1p1', fstype: 'ext4', mountpoint: '/', resource: 'space', ...extra,
    });
    await post([
      { labels: node('node-r1', 'critical') },
      { labels: container('node-r1', 'api', 'critical') },
      { labels: container('node-r1', 'worker', 'warning') },
      { labels: node('node-r2', 'warning') },
      { labels: container('node-r2', 'api', 'critical') },
      { labels: container('node-r2', 'worker', 'warning') },
      { labels: container('node-r3', 'api', 'critical') },
      { labels: fs('critical') },
      { labels: fs('warning') },
      { labels: fs('warning', { condition: 'filling_up' }) },
      { labels: fs('warning', { resource: 'inodes' }) },
    ]);
    const state = async (name: string, labels: Record<string, string>): Promise<string | undefined> => {
      const found = (await alertsNamed(name)).find((a) => Object.entries(labels).every(([k, v]) => a.labels[k] === v) && Object.keys(a.labels).length === Object.keys(labels).length);
      return found?.status.state;
    };
    // Inhibition is computed when Alertmanager is asked; give the posted alerts a moment to be indexed.
    await waitFor('the container page on the paging node to be inhibited', async () => ((await state(cpu, container('node-r1', 'api', 'critical'))) === 'suppressed' ? true : undefined));
    const expected: [string, Record<string, string>, string][] = [
      [cpu, node('node-r1', 'critical'), 'active'],
      // node-r1 pages: its containers' alerts, page or warning, are the same incident.
      [cpu, container('node-r1', 'worker', 'warning'), 'suppressed'],
      // node-r2 only warns: it silences a container's warning, never a container's page.
      [cpu, node('node-r2', 'warning'), 'active'],
      [cpu, container('node-r2', 'api', 'critical'), 'active'],
      [cpu, container('node-r2', 'worker', 'warning'), 'suppressed'],
      // A container on a node without an alert is on its own.
      [cpu, container('node-r3', 'api', 'critical'), 'active'],
      // The disk's page silences its threshold and its "filling up" warnings, not its inode warning.
      [disk, fs('critical'), 'active'],
      [disk, fs('warning'), 'suppressed'],
      [disk, fs('warning', { condition: 'filling_up' }), 'suppressed'],
      [disk, fs('warning', { resource: 'inodes' }), 'active'],
    ];
    for (const [name, labels, want] of expected) expect({ labels, state: await state(name, labels) }).toEqual({ labels, state: want });
  }, 30_000);

  it('maintenance mode inhibits every alert but Watchdog and the warning that it lasts too long', async () => {
    await post([
      { labels: { alertname: 'ImmigrationAiMaintenanceMode', severity: 'none', job: 'immigration-ai-exporter' } },
      { labels: { alertname: 'ImmigrationAiMaintenanceTooLong', severity: 'warning', job: 'immigration-ai-exporter' } },
      { labels: { alertname: 'ImmigrationAiDiskAlmostFull', severity: 'critical', mountpoint: '/data' } },
      { labels: { alertname: 'Watchdog', severity: 'none' } },
    ]);
    const disk = await waitFor('the disk alert to be inhibited', async () => {
      const [a] = await alertsNamed('ImmigrationAiDiskAlmostFull');
      return a?.status.state === 'suppressed' ? a : undefined;
    });
    expect(disk.status.inhibitedBy).toHaveLength(1);
    const [watchdog] = await alertsNamed('Watchdog');
    expect(watchdog.status.state).toBe('active');
    const [maintenance] = await alertsNamed('ImmigrationAiMaintenanceMode');
    expect(maintenance.status.state).toBe('active');
    const [tooLong] = await alertsNamed('ImmigrationAiMaintenanceTooLong');
    expect(tooLong.status.state).toBe('active');
  }, 30_000);
});
