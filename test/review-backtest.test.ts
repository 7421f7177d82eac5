/**
 * The backtest against a real Prometheus (Debian 2.42, started here on a free loopback port):
 * Prometheus runs the base rules of the time-compressed `local` environment (1 s scrape and
 * evaluation, critical `for` 3 s) and scrapes a small exporter whose CPU gauge the test scripts
 * through a fault: two CPU peaks above the critical threshold and a blip too short for `for`.
 * The head raises the threshold, lengthens the critical `for` and adds an alert on a new
 * recording rule that was never recorded. The backtest must count the base rule's firing episodes
 * exactly as Prometheus recorded them in ALERTS, and the new rules as the script implies.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BacktestRow, FiringSummary, Report } from '../stacks/review/findings.js';
import { close, listen } from './helpers/net.js';
import { freePort } from './helpers/postgres.js';
import { startPrometheus, type TestPrometheus } from './helpers/prometheus.js';
import { runDiff, scratchTree, type ScratchTree } from './helpers/review.js';

const ENV = 'local';
const NEW_RULES = `groups:
  - name: review-test.rules
    rules:
      - record: job:review_test_cpu:max
        expr: max by (job) (immigration_ai_system_cpu_usage_ratio{job="immigration-ai-exporter"})
      - alert: ReviewTestCpuHot
        expr: job:review_test_cpu:max{job="immigration-ai-exporter"} > 0.95
        for: 3s
        labels:
          severity: warning
        annotations:
          summary: Test alert on a recording rule Prometheus never recorded.
`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Firing episodes of ALERTS{...} in Prometheus itself, counted here independently of the tool. */
async function recordedEpisodes(url: string, matchers: string, start: number, end: number): Promise<number> {
  const params = new URLSearchParams({ query: `ALERTS{${matchers}, alertstate="firing"}`, start: String(start), end: String(end), step: '1' });
  const reply = (await (await fetch(`${url}/api/v1/query_range?${params}`)).json()) as { data: { result: { values: [number, string][] }[] } };
  let episodes = 0;
  for (const s of reply.data.result) {
    let prev: number | undefined;
    for (const [t] of s.values) {
      if (prev === undefined || t - prev > 1.5) episodes++;
      prev = t;
    }
  }
  return episodes;
}

describe('backtest against a real Prometheus after a scripted fault', () => {
  let base: ScratchTree;
  let head: ScratchTree;
  let exporter: Server | undefined;
  let prom: TestPrometheus | undefined;
  let dir = '';
  let url = '';
  let cpu = 0.5;
  let scriptStart = 0;
  let scriptEnd = 0;

  beforeAll(async () => {
    base = scratchTree({ [ENV]: {} }, 'review-bt-base-');
    head = scratchTree({ [ENV]: { alerting: { thresholds: { critical: { cpuUsageRatio: 0.95 } }, criticalForSeconds: 5 } } }, 'review-bt-head-');
    head.write(ENV, 'prometheus/rules/review-test.yaml', NEW_RULES);
    exporter = createServer((_req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(`# TYPE immigration_ai_system_cpu_usage_ratio gauge\nimmigration_ai_system_cpu_usage_ratio ${cpu}\n`);
    });
    const e = await listen(exporter);
    dir = mkdtempSync(join(tmpdir(), 'review-bt-prom-'));
    // Prometheus runs the base side's rules, as the live Prometheus runs what is deployed.
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}',
        `rule_files: ['${base.path(ENV, 'prometheus/rules')}/*.yaml']`,
        'scrape_configs:',
        '  - job_name: immigration-ai-exporter',
        `    static_configs: [{targets: ['127.0.0.1:${e.port}']}]`,
        '',
      ].join('\n'),
    );
    prom = await startPrometheus(dir);
    url = prom.url;
    // The scripted fault: quiet, a peak above 0.9 only, quiet, a peak above 0.95, quiet, a 1 s blip, quiet.
    scriptStart = Math.floor(Date.now() / 1000);
    for (const [value, ms] of [[0.5, 3000], [0.93, 8000], [0.5, 3000], [0.97, 8000], [0.5, 3000], [0.93, 1000], [0.5, 4000]] as const) {
      cpu = value;
      await sleep(ms);
    }
    scriptEnd = Math.ceil(Date.now() / 1000);
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    await close(exporter);
    base?.cleanup();
    head?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('counts the old rule as Prometheus recorded it in ALERTS, the new rules as the fault implies', async () => {
    // A window that starts before Prometheus did: the history is all there is.
    const days = (Date.now() / 1000 - scriptStart + 120) / 86400;
    const out = join(dir, 'report.json');
    const r = await runDiff(['--base-dir', base.dir, '--head-dir', head.dir, '--env', ENV, '--prometheus', url, '--days', String(days), '--format', 'json', '--output', out]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/^diff: 1 environment/) });
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    const bt = report.environments[0].backtest;
    expect(bt?.prometheus).toBe(url);
    const row = (alert: string): BacktestRow => {
      const found = bt?.rows.find((x) => x.alert === alert);
      if (!found) throw new Error(`no backtest row ${alert} among ${bt?.rows.map((x) => x.alert).join(', ')}`);
      return found;
    };
    const ok = (o: BacktestRow['before']): FiringSummary & { notes: string[] } => {
      if (o?.status !== 'ok') throw new Error(`not backtested: ${JSON.stringify(o)}`);
      return o;
    };

    // The scripted fault is the exporter's host gauge (no node-exporter here): the `host` rule.
    const cpuRow = row('ImmigrationAiHighCpuUsage critical (scope=host)');
    expect(cpuRow.change).toBe('threshold, for');
    expect(cpuRow.stepSeconds).toBe(1);
    const before = ok(cpuRow.before);
    const after = ok(cpuRow.after);
    // Both peaks above 0.9 for 8 s fire the old rule (for 3 s); the blip does not.
    expect(before.episodes).toBe(2);
    // What Prometheus itself recorded, read by the tool and independently here.
    const recorded = cpuRow.recorded as FiringSummary;
    expect(recorded.episodes).toBe(before.episodes);
    expect(await recordedEpisodes(url, 'alertname="ImmigrationAiHighCpuUsage", scope="host", severity="critical"', scriptStart - 5, scriptEnd + 5)).toBe(before.episodes);
    expect(Math.abs(before.firingSeconds - recorded.firingSeconds)).toBeLessThanOrEqual(4);
    expect(before.firingSeconds).toBeGreaterThanOrEqual(8);
    // Only the 0.97 peak passes 0.95, and for 8 s: more than the new `for` of 5 s.
    expect(after.episodes).toBe(1);
    expect(after.firingSeconds).toBeLessThan(before.firingSeconds);

    // A rule on a recording rule that was never recorded: inlined from the head's rule files.
    const added = row('ReviewTestCpuHot warning');
    expect(added.change).toBe('added');
    expect(added.before).toBeUndefined();
    const newRule = ok(added.after);
    expect(newRule.episodes).toBe(1);
    expect(newRule.notes).toContain('inlined job:review_test_cpu:max');

    // Critical alerts whose `for` changed but whose metrics this Prometheus never saw: never fired, either way.
    const dbDown = row('ImmigrationAiDatabaseDown critical');
    expect([ok(dbDown.before).episodes, ok(dbDown.after).episodes, (dbDown.recorded as FiringSummary).episodes]).toEqual([0, 0, 0]);

    // The report says it in words.
    const text = await runDiff(['--base-dir', base.dir, '--head-dir', head.dir, '--env', ENV, '--prometheus', url, '--days', String(days), '--format', 'markdown']);
    expect(text.stdout).toContain('ImmigrationAiHighCpuUsage critical (scope=host): would have fired once');
    expect(text.stdout).toMatch(/instead of twice \(\d+s in all\)/);
  }, 120_000);

  it('a Prometheus that is not there is an error (exit 3), not an empty backtest', async () => {
    const port = await freePort();
    const r = await runDiff(['--base-dir', base.dir, '--head-dir', head.dir, '--env', ENV, '--prometheus', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^diff: cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+/);
  });
});
