/**
 * The `local` environment behind `npm run stack:local` and the e2e tests: production's rules and
 * routes with time compressed. Its generated files must load in the real tools, and the
 * compression must only touch durations (never names, thresholds or receivers).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildAlertmanagerConfig, buildRuleGroups } from '../alert-rules/index.js';
import { RECORDED_NAMES } from '../contract/recording-rules.js';
import { generateLocalFiles, localConfig } from './local-stack/generate.js';
import { ALERTMANAGER_PEER_TIMEOUT_SECONDS } from './local-stack/servers.js';
import { pipelineTiming } from './local-stack/timing.js';
import { ALERTMANAGER_REPLICAS, allocateTopology, EXPORTER_REPLICAS, PROMETHEUS_REPLICAS, type Topology } from './local-stack/topology.js';
import { requireTool } from './helpers/tools.js';
import { loadConfig } from '../contract/config/index.js';

const production = loadConfig('production', {});
const local = loadConfig('local', {});

const exprs = (c: typeof local): string[] => buildRuleGroups(c).flatMap((g) => g.rules.map((r) => r.expr));

describe('local environment', () => {
  let dir: string;
  let topology: Topology;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'local-stack-config-'));
    topology = await allocateTopology(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the recording rule names and alert names of production, with 20 s windows instead of 5m', () => {
    const names = (c: typeof local): string[] => buildRuleGroups(c).flatMap((g) => g.rules.map((r) => ('alert' in r ? r.alert : r.record)));
    expect(names(local)).toEqual(names(production));
    for (const n of RECORDED_NAMES) expect(names(local)).toContain(n);
    expect(exprs(production).join('\n')).not.toContain('[20s]');
    const http = buildRuleGroups(local).find((g) => g.rules.some((r) => 'record' in r && r.record === RECORDED_NAMES[0]));
    for (const r of http?.rules ?? []) expect(r.expr).not.toContain('[5m]');
    expect(http?.rules.some((r) => r.expr.includes('[20s]'))).toBe(true);
  });

  it('runs production\'s replica counts where they matter: 2 Prometheus, 3 Alertmanagers, 2 exporters', () => {
    expect([local.replicas.prometheus, local.replicas.alertmanager, local.replicas.exporter]).toEqual([production.replicas.prometheus, production.replicas.alertmanager, production.replicas.exporter]);
    expect([PROMETHEUS_REPLICAS, ALERTMANAGER_REPLICAS, EXPORTER_REPLICAS]).toEqual([local.replicas.prometheus, local.replicas.alertmanager, local.replicas.exporter]);
  });

  it('routes like production, only faster: same receivers, shorter waits', () => {
    const am = buildAlertmanagerConfig(local);
    const prod = buildAlertmanagerConfig(production);
    expect(am.receivers.map((r) => r.name)).toEqual(prod.receivers.map((r) => r.name));
    const t = pipelineTiming(local, am);
    const p = pipelineTiming(production, prod);
    expect(t.routes.critical.groupWaitSeconds).toBeLessThan(p.routes.critical.groupWaitSeconds);
    expect(t.routes.warning.groupIntervalSeconds).toBeLessThan(p.routes.warning.groupIntervalSeconds);
    // A backup Alertmanager re-checks the notification log (replicas - 1) peer timeouts after the
    // first replica; at or above group_interval it would re-check at the first one's next flush and send twice.
    const replicas = local.replicas.alertmanager;
    for (const r of Object.values(t.routes)) expect(r.groupIntervalSeconds).toBeGreaterThan((replicas - 1) * ALERTMANAGER_PEER_TIMEOUT_SECONDS);
    expect(t.routes.heartbeat.repeatEverySeconds).toBe(local.channels.heartbeat.repeatIntervalSeconds);
  });

  it('production keeps the monitoring guide timings (30 s / 10 s group_wait, 5m windows)', () => {
    const t = pipelineTiming(production, buildAlertmanagerConfig(production));
    expect(t.routes.warning.groupWaitSeconds).toBe(30);
    expect(t.routes.critical.groupWaitSeconds).toBe(10);
    expect(production.alerting.rateWindowSeconds).toBe(300);
  });

  it('generates files the real promtool and amtool accept, with secrets as files and receivers on loopback', () => {
    const files = generateLocalFiles(localConfig(topology, '127.0.0.1', 'http://127.0.0.1:9095/alerts'), topology, { exporterTargets: ['127.0.0.1:8080', '127.0.0.1:8081'], smsBridgeTarget: '127.0.0.1:9095' });
    const promtool = requireTool('promtool');
    for (const f of files.prometheusConfigs) execFileSync(promtool, ['check', 'config', f], { stdio: 'pipe' });
    execFileSync(requireTool('amtool'), ['check-config', files.alertmanagerConfig], { stdio: 'pipe' });
    const am = readFileSync(files.alertmanagerConfig, 'utf8');
    const prom = parse(readFileSync(files.prometheusConfigs[0], 'utf8')) as { global: { external_labels: Record<string, string> } };
    expect(prom.global.external_labels.replica).toBe('prometheus-0');
    // Only loopback addresses; the Slack webhook URL stays in its secret file.
    for (const host of am.match(/https?:\/\/[^/\s"']+/g) ?? []) expect(host).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(am).toContain('api_url_file');
    expect(am).not.toContain('/services/T00000000');
  });
});
