/**
 * The operator profile routes every alert it ships. The Prometheus Operator merges our
 * AlertmanagerConfig into kube-prometheus-stack's Alertmanager configuration (emulated in
 * helpers/operator-alertmanager.ts from the operator's own source); amtool then routes the label
 * set of every alert our PrometheusRule can fire (derived from the rules, helpers/alert-labels.ts)
 * and each must reach the receiver our own routing gives it, renamed by the operator.
 *
 * With the operator's default `alertmanagerConfigMatcherStrategy: OnNamespace`, only alerts whose
 * `namespace` label is ours reach our routes, which is why the profile's rules carry it. The
 * controls show both halves of that decision: without the label, the alerts that aggregate
 * `namespace` away (API, SLO, Watchdog) fall to the stack's `null` receiver; and with
 * `alertmanagerConfigMatcherStrategy: None` instead, other teams' alerts would page us.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { operatorAlertmanagerConfig } from '../charts/operator.js';
import { alertmanagerYaml, DEFAULT_ALERTMANAGER_PATHS } from '../contract/alertmanager.js';
import { ALERTS } from '../contract/alerts.js';
import { loadConfig, type MonitoringConfig } from '../contract/config/index.js';
import { SCRAPE_JOBS } from '../contract/metric-catalog.js';
import type { RuleGroup } from '../contract/rules.js';
import { toYaml } from '../contract/serialize.js';
import { buildAlertmanager } from '../alert-rules/index.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { AlertLabelAnalyzer, type AlertLabelSet } from './helpers/alert-labels.js';
import { find, objectsIn } from './helpers/manifests.js';
import { type MatcherStrategy, operatorAlertmanagerYaml } from './helpers/operator-alertmanager.js';
import { REPO_ROOT } from './helpers/dist.js';
import { requireTool } from './helpers/tools.js';

const KPS_BASE = parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'kube-prometheus-stack-alertmanager.yaml'), 'utf8')) as Record<string, unknown>;
/** The receiver kube-prometheus-stack's own routes send its Watchdog to (and everything nobody routes). */
const KPS_NULL = 'null';

// Created at load time: the describe blocks set up their files while jest collects them.
const work = mkdtempSync(join(tmpdir(), 'operator-routing-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function amtool(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(requireTool('amtool'), args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}`.trim() };
}

/** `amtool config routes test`: the receivers the labels reach, comma separated (stdout only; amtool warns on stderr). */
function routeOf(file: string, labels: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(requireTool('amtool'), ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`amtool config routes test: ${err}`))));
  });
}

/** Runs `f` over `items`, four at a time (amtool is a process per label set). */
async function pool<T, R>(items: readonly T[], f: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  }));
  return out;
}

/** Where the series of a job come from in a cluster with kube-prometheus-stack (ServiceMonitor target labels). */
function labelSets(config: MonitoringConfig, groups: RuleGroup[]): AlertLabelSet[] {
  const ours = new Set<string>([SCRAPE_JOBS.exporter, SCRAPE_JOBS['sms-bridge']]);
  return new AlertLabelAnalyzer(groups, {
    targetLabels: ['job', 'instance', 'namespace', 'pod', 'service', 'endpoint', 'container'],
    namespaceOf: (job) => (job === SCRAPE_JOBS.app ? config.kubernetes.appNamespace : job !== undefined && ours.has(job) ? config.namespace : config.kubernetes.operatorProfile.stackNamespace),
  }).alertLabelSets();
}

interface Setup {
  config: MonitoringConfig;
  /** Our own routing of the profile, rendered alone: the receiver each alert must get. */
  ownFile: string;
  /** The AlertmanagerConfig object as the profile ships it. */
  crd: { namespace: string; name: string; spec: any };
  /** The PrometheusRule groups as the profile ships them. */
  groups: RuleGroup[];
  /** Our notification templates (the docs tell operators to add them to kube-prometheus-stack's). */
  templatesDir: string;
}

function setup(name: string, extra?: Parameters<typeof loadConfig>[2]): Setup {
  const config = loadConfig('production', {}, extra);
  const objects = objectsIn(synthesizeEnvironment(config), '', 'operator');
  const crd = find(objects, 'AlertmanagerConfig', 'immigration-ai');
  const groups = (find(objects, 'PrometheusRule', 'immigration-ai').spec as { groups: RuleGroup[] }).groups;
  const dir = join(work, name);
  mkdirSync(join(dir, 'templates'), { recursive: true });
  const artifact = buildAlertmanager(config);
  for (const t of artifact.templates) writeFileSync(join(dir, 'templates', t.name), t.text);
  const own = alertmanagerYaml(operatorAlertmanagerConfig(artifact.config, !config.kubernetes.operatorProfile.stackDefaultRules), { ...DEFAULT_ALERTMANAGER_PATHS, templatesDir: join(dir, 'templates') });
  writeFileSync(join(dir, 'own.yml'), toYaml(own));
  return { config, ownFile: join(dir, 'own.yml'), crd: { namespace: crd.metadata.namespace as string, name: crd.metadata.name, spec: crd.spec }, groups, templatesDir: join(dir, 'templates') };
}

/** Writes the operator's merged configuration for one strategy; amtool check-config must accept it. */
function merged(s: Setup, strategy: MatcherStrategy, name: string): string {
  const base = { ...KPS_BASE, templates: [join(s.templatesDir, '*.tmpl')] };
  const file = join(work, `${name}-${strategy}.yml`);
  writeFileSync(file, toYaml(operatorAlertmanagerYaml(base, [s.crd], strategy, s.config.kubernetes.operatorProfile.stackNamespace)));
  const check = amtool(['check-config', file]);
  if (check.status !== 0) throw new Error(`amtool check-config ${file}: ${check.out}`);
  return file;
}

/** Expected receivers in the merged configuration: ours, renamed, plus the stack's own route for its Watchdog name. */
async function expectedFor(s: Setup, a: AlertLabelSet): Promise<string> {
  const own = await routeOf(s.ownFile, a.labels);
  return [`${s.crd.namespace}/${s.crd.name}/${own}`, ...(a.alert === ALERTS.watchdog ? [KPS_NULL] : [])].join(',');
}

describe.each([
  ['default', undefined],
  ['own-stack-alerts', { kubernetes: { operatorProfile: { stackDefaultRules: false } } }],
] as const)('operator profile (%s): every alert of the PrometheusRule reaches its receiver', (name, extra) => {
  const s = setup(name, extra);
  const sets = labelSets(s.config, s.groups);
  let expected: string[];
  beforeAll(async () => {
    expected = await pool(sets, (a) => expectedFor(s, a));
  });

  it('covers every alert the PrometheusRule defines', () => {
    const defined = new Set(s.groups.flatMap((g) => g.rules.filter((r) => 'alert' in r).map((r) => (r as { alert: string }).alert)));
    expect(new Set(sets.map((x) => x.alert))).toEqual(defined);
    expect(sets.every((x) => x.labels.namespace === s.config.namespace)).toBe(true);
    expect(sets.some((x) => x.alert === ALERTS.watchdog)).toBe(name !== 'default');
    // Production suppresses nothing: every critical alert pages, every warning notifies.
    for (const [i, a] of sets.entries()) {
      if (a.labels.severity === 'critical' || a.labels.severity === 'warning') expect({ alert: a.alert, to: expected[i] }).toEqual({ alert: a.alert, to: `${s.crd.namespace}/${s.crd.name}/${a.labels.severity}` });
    }
  });

  it.each(['OnNamespace', 'OnNamespaceExceptForAlertmanagerNamespace', 'None'] as const)('alertmanagerConfigMatcherStrategy %s (amtool config routes test)', async (strategy) => {
    const file = merged(s, strategy, name);
    const got = await pool(sets, (a) => routeOf(file, a.labels));
    const wrong = sets.map((a, i) => ({ alert: a.alert, severity: a.labels.severity, expected: expected[i], got: got[i] })).filter((r) => r.got !== r.expected);
    expect(wrong).toEqual([]);
    // amtool's own verification agrees on one page and one warning.
    for (const i of [sets.findIndex((a) => a.labels.severity === 'critical'), sets.findIndex((a) => a.labels.severity === 'warning')]) {
      const args = ['config', 'routes', 'test', `--config.file=${file}`, `--verify.receivers=${expected[i]}`, ...Object.entries(sets[i].labels).map(([k, v]) => `${k}=${v}`)];
      expect(amtool(args).status).toBe(0);
    }
  });
});

describe('the controls', () => {
  const s = setup('controls');

  it('without the namespace label, the default strategy drops the API, SLO and app alerts to the stack\'s null receiver', async () => {
    const unlabelled = s.groups.map((g) => ({ ...g, rules: g.rules.map((r) => ('alert' in r ? { ...r, labels: Object.fromEntries(Object.entries(r.labels ?? {}).filter(([k]) => k !== 'namespace')) } : r)) })) as RuleGroup[];
    const file = merged(s, 'OnNamespace', 'controls');
    const sets = labelSets(s.config, unlabelled);
    const got = await pool(sets, (a) => routeOf(file, a.labels));
    const dropped = new Set(sets.filter((a, i) => got[i] === KPS_NULL && a.labels.severity !== 'none').map((a) => a.alert));
    // Shared-state alerts aggregate over the exporter replicas (max/min by job), so even the
    // database alert loses the namespace its series carry through the ServiceMonitor.
    expect([...dropped]).toEqual(expect.arrayContaining([
      ALERTS.endpointErrorRateHigh, ALERTS.apiSlow, ALERTS.apiAvailabilityBudgetBurn, ALERTS.apiLatencyBudgetBurn, ALERTS.backupVerificationFailed, ALERTS.databaseDown, ALERTS.appDown,
    ]));
  });

  it('with strategy None, another namespace\'s critical alert would page through our receivers; with OnNamespace it does not', async () => {
    const foreign = { alertname: 'KubePodCrashLooping', namespace: 'payments', severity: 'critical' };
    expect(await routeOf(merged(s, 'None', 'controls'), foreign)).toBe(`${s.crd.namespace}/${s.crd.name}/critical`);
    expect(await routeOf(merged(s, 'OnNamespace', 'controls'), foreign)).toBe(KPS_NULL);
  });

  it('the operator adds our namespace to the top route and to both sides of every inhibit rule', () => {
    const cfg = parse(readFileSync(merged(s, 'OnNamespace', 'controls'), 'utf8')) as { route: { routes: { matchers?: string[]; continue?: boolean }[] }; inhibit_rules: { source_matchers: string[]; target_matchers: string[] }[] };
    const ns = `namespace="${s.config.namespace}"`;
    expect(cfg.route.routes[0]).toMatchObject({ continue: true });
    expect(cfg.route.routes[0].matchers).toContain(ns);
    const ours = cfg.inhibit_rules.slice((KPS_BASE.inhibit_rules as unknown[]).length);
    expect(ours.length).toBeGreaterThan(0);
    for (const r of ours) expect([r.source_matchers.includes(ns), r.target_matchers.includes(ns)]).toEqual([true, true]);
  });
});
