/**
 * Every alert's `dashboard_url` opens the panel that explains it: the link names a real dashboard
 * and a real panel (`viewPanel`), its variables are dashboard variables the panel's queries use,
 * set from labels the alert carries, and the panel reads the alert's recording rules (or, for an
 * alert on raw series, its series) with the alert's thresholds and low-traffic guard. That the
 * Go templates in the links render (and escape) as expected is proved by promtool in
 * alert-rules-promtool.test.ts and resource-rules-promtool.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { alertingRules, buildRuleGroups } from '../alert-rules/index.js';
import { FILL_PREDICTION_MIN_USAGE } from '../alert-rules/resource-alerts.js';
import { ALERTS, type AlertKey, STACK_ALERTS } from '../contract/alerts.js';
import { ENVIRONMENT_NAMES, loadConfig } from '../contract/config/index.js';
import { DASHBOARD_UIDS, KEYED_PANEL_ID_BASE, type PanelKey, PANELS, panelId } from '../contract/dashboards.js';
import { RECORDED_NAMES, recordedSeries } from '../contract/recording-rules.js';
import { isRecordingRule, type AlertingRule } from '../contract/rules.js';
import { SLO_RECORDED_NAMES } from '../contract/slo.js';
import { buildDashboards } from '../dashboards/index.js';
import { defaultVariableValues, listQueries, panelsOf, substitute } from './helpers/dashboard-queries.js';
import { lintPromQL, lintRuleExpr } from './helpers/query-lint.js';

type Json = Record<string, any>;

const configs = ENVIRONMENT_NAMES.map((env) => loadConfig(env, {}));
/** The alerts on Prometheus and Alertmanager themselves, and the Watchdog: no dashboard of ours explains them. */
const UNLINKED = new Set<string>([ALERTS.watchdog, ...STACK_ALERTS.map((k: AlertKey) => ALERTS[k])]);
const LABEL_TEMPLATE = /\{\{ \$labels\.(\w+) \| urlquery \}\}/g;

interface Resolved {
  rule: AlertingRule;
  uid: string;
  panel: Json;
  variables: [string, string][];
  /** The panel's expressions as Grafana sends them (variables at their defaults). */
  queries: string[];
  panelMetrics: Set<string>;
  steps: number[];
  dashboardVariables: string[];
}

function resolve(config: (typeof configs)[number]): { resolved: Resolved[]; problems: string[] } {
  const dashboards = buildDashboards(config);
  const problems: string[] = [];
  const resolved: Resolved[] = [];
  for (const rule of alertingRules(config)) {
    const where = `${config.environment} ${rule.alert} (${rule.labels?.severity})`;
    const url = rule.annotations.dashboard_url;
    if (url === undefined) {
      if (!UNLINKED.has(rule.alert)) problems.push(`${where}: no dashboard_url`);
      continue;
    }
    const variables: [string, string][] = [];
    const u = new URL(url.replace(LABEL_TEMPLATE, (_m, label: string) => `__label_${label}`));
    const m = new RegExp(`^${config.links.grafanaUrl}/d/([^/?]+)$`).exec(`${u.origin}${u.pathname}`);
    const d = m ? dashboards.find((x) => x.uid === m[1]) : undefined;
    if (!d) {
      problems.push(`${where}: ${url} is no dashboard of ours`);
      continue;
    }
    const id = Number(u.searchParams.get('viewPanel'));
    const panel = panelsOf(d.model).find((p) => p.id === id);
    if (!panel) {
      problems.push(`${where}: ${d.uid} has no panel ${id}`);
      continue;
    }
    for (const [k, v] of u.searchParams) if (k.startsWith('var-')) variables.push([k.slice(4), v]);
    const values = defaultVariableValues(d.model);
    const raw = listQueries(d.model).filter((q) => q.source === 'panel' && q.panelId === id);
    const queries = raw.map((q) => substitute(q.expr, values).text);
    const panelMetrics = new Set(queries.flatMap((q) => lintPromQL(q).metrics));
    const steps = (((panel.fieldConfig as Json)?.defaults?.thresholds?.steps as Json[]) ?? []).map((s) => s.value).filter((v): v is number => typeof v === 'number');
    const dashboardVariables = ((d.model.templating?.list ?? []) as Json[]).map((v) => v.name as string);
    resolved.push({ rule, uid: d.uid, panel: { ...panel, rawQueries: raw.map((q) => q.expr) }, variables, queries, panelMetrics, steps, dashboardVariables });
  }
  return { resolved, problems };
}

const recordedNames = (config: (typeof configs)[number]): Set<string> =>
  new Set(buildRuleGroups(config).flatMap((g) => g.rules).filter(isRecordingRule).map((r) => r.record));

describe('alert links land on the panel that explains the alert', () => {
  it.each(configs.map((c) => [c.environment, c] as const))('%s: every alert but the stack\'s own links a panel that exists', (_env, config) => {
    const { resolved, problems } = resolve(config);
    expect(problems).toEqual([]);
    expect(resolved.length).toBeGreaterThan(30);
  });

  it.each(configs.map((c) => [c.environment, c] as const))('%s: the panel reads the alert\'s recording rules (or its series)', (_env, config) => {
    const recorded = recordedNames(config);
    const shared = new Set([...RECORDED_NAMES, ...SLO_RECORDED_NAMES]);
    const problems: string[] = [];
    for (const r of resolve(config).resolved) {
      // `up` gates an alert on other series (the exporter's host alerts only where no node-exporter is up): the panel shows those series.
      const read = lintRuleExpr(r.rule.expr, recorded).metrics;
      const alertMetrics = read.some((x) => x !== 'up') ? read.filter((x) => x !== 'up') : read;
      const viaRules = alertMetrics.filter((x) => shared.has(x));
      const required = viaRules.length > 0 ? viaRules : alertMetrics;
      const missing = required.filter((x) => !r.panelMetrics.has(x));
      if (missing.length > 0) problems.push(`${r.rule.alert} ${JSON.stringify(r.rule.labels)} -> ${r.uid} "${r.panel.title}" does not read ${missing.join(', ')}`);
    }
    expect(problems).toEqual([]);
  });

  it.each(configs.map((c) => [c.environment, c] as const))('%s: the panel uses the alert\'s thresholds and low-traffic guard', (_env, config) => {
    const problems: string[] = [];
    for (const r of resolve(config).resolved) {
      const text = r.queries.join('\n');
      for (const m of r.rule.expr.matchAll(/(>=|>)\s*\(?\s*(\d[\d.]*(?:e[+-]?\d+)?)/g)) {
        const n = Number(m[2]);
        // "> 0" is "any"; the fill prediction's minimum usage only keeps near-empty disks out of a trend warning.
        if (n === 0 || n === FILL_PREDICTION_MIN_USAGE) continue;
        const asThreshold = r.steps.includes(n);
        const asGuard = text.includes(`${m[1]} ${m[2]}`);
        if (!asThreshold && !asGuard) problems.push(`${r.rule.alert} ${JSON.stringify(r.rule.labels)}: "${m[0]}" is neither a threshold of ${r.uid} "${r.panel.title}" (${r.steps.join(', ')}) nor in its query`);
      }
      // A burn rate is measured against the budget, 1 - objective: the panel divides by the same.
      for (const m of r.rule.expr.matchAll(/\(1 - [\d.]+\)/g)) {
        if (!text.includes(m[0])) problems.push(`${r.rule.alert}: ${r.uid} "${r.panel.title}" does not measure against ${m[0]}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(configs.map((c) => [c.environment, c] as const))('%s: link variables are dashboard variables the panel filters by, set from labels the alert carries', (_env, config) => {
    const recorded = recordedNames(config);
    const problems: string[] = [];
    let withVariables = 0;
    for (const r of resolve(config).resolved) {
      if (r.variables.length > 0) withVariables++;
      for (const [name, value] of r.variables) {
        const label = /^__label_(\w+)$/.exec(value)?.[1];
        if (!label) problems.push(`${r.rule.alert}: var-${name}=${value} is not an alert label`);
        if (!r.dashboardVariables.includes(name)) problems.push(`${r.rule.alert}: ${r.uid} has no variable ${name}`);
        if (!(r.panel.rawQueries as string[]).some((q) => q.includes(`$${name}`))) problems.push(`${r.rule.alert}: ${r.uid} "${r.panel.title}" does not filter by $${name}`);
        const carried = lintRuleExpr(r.rule.expr, recorded).metrics.some((x) => recordedSeries(x)?.labels.includes(label ?? ''));
        if (!carried) problems.push(`${r.rule.alert}: its series carry no label ${label}`);
      }
    }
    expect(problems).toEqual([]);
    // The endpoint alerts open their route, the node alerts their node.
    expect(withVariables).toBeGreaterThanOrEqual(10);
  });

  it('every keyed panel is some alert\'s link target (no stale keys)', () => {
    const config = loadConfig('production', {});
    const linked = new Set(resolve(config).resolved.map((r) => r.panel.id as number));
    for (const key of Object.keys(PANELS) as PanelKey[]) expect({ key, linked: linked.has(panelId(key)) }).toEqual({ key, linked: true });
  });
});

describe('keyed panel ids', () => {
  const FIXTURE: Record<string, { dashboard: string; id: number }> = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'panel-ids.json'), 'utf8'));

  it('stay as checked in (a changed id breaks the links in past notifications: update test/fixtures/panel-ids.json only on purpose)', () => {
    const actual = Object.fromEntries((Object.keys(PANELS) as PanelKey[]).map((k) => [k, { dashboard: PANELS[k], id: panelId(k) }]));
    expect(actual).toEqual(FIXTURE);
  });

  it('are unique on their dashboard, above the packer\'s sequential ids, and placed where the contract says', () => {
    for (const config of configs) {
      for (const d of buildDashboards(config)) {
        const ids = panelsOf(d.model).map((p) => p.id as number);
        const keyed = (Object.keys(PANELS) as PanelKey[]).filter((k) => DASHBOARD_UIDS[PANELS[k]] === d.uid);
        for (const k of keyed) expect({ key: k, placed: ids.filter((i) => i === panelId(k)).length }).toEqual({ key: k, placed: 1 });
        for (const i of ids) if (!keyed.some((k) => panelId(k) === i)) expect(i).toBeLessThan(KEYED_PANEL_ID_BASE);
      }
    }
  });
});
