import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_EXTERNAL, externalJob } from '../contract/external-metrics.js';
import { RECORDED, RECORDED_NAMES, recordedSeries } from '../contract/recording-rules.js';
import { ALL_METRICS, jobOf, SCRAPE_JOBS, seriesNames } from '../contract/metric-catalog.js';
import { SLO_RECORDED_NAMES } from '../contract/slo.js';
import { ENVIRONMENT_NAMES, loadConfig } from '../contract/config/index.js';
import { toYaml } from '../contract/serialize.js';
import { buildDashboards } from '../dashboards/index.js';
import { DASHBOARD_UIDS } from '../contract/dashboards.js';
import { defaultVariableValues, listQueries, substitute, variableQueryExpr } from './helpers/dashboard-queries.js';
import { isKnownSeries, lintDashboard, lintLogQL, lintPromQL, lintRuleExpr } from './helpers/query-lint.js';
import { buildRuleGroups } from '../alert-rules/index.js';
import { isRecordingRule } from '../contract/rules.js';
import { requireTool } from './helpers/tools.js';

const configs = ENVIRONMENT_NAMES.map((env) => loadConfig(env, {}));
const production = buildDashboards(loadConfig('production', {}));

describe('query listing', () => {
  it('finds every panel target, variable query and annotation of every dashboard', () => {
    const all = production.flatMap((d) => listQueries(d.model));
    expect(all.filter((q) => q.language === 'promql').length).toBeGreaterThan(80);
    expect(all.filter((q) => q.language === 'logql').length).toBeGreaterThanOrEqual(10);
    expect(all.filter((q) => q.source === 'variable').map((q) => q.where).sort()).toEqual(['variable agency', 'variable node', 'variable route', 'variable route']);
    expect(all.filter((q) => q.source === 'annotation').length).toBe(3 * production.filter((d) => d.uid !== DASHBOARD_UIDS.logs).length);
    // Each panel target is listed once, with its location.
    let targets = 0;
    // (Panels of collapsed rows included: they run once the row opens.)
    for (const d of production) for (const p of (d.model.panels ?? []) as { targets?: unknown[]; panels?: { targets?: unknown[] }[] }[]) for (const q of [p, ...(p.panels ?? [])]) targets += q.targets?.length ?? 0;
    expect(all.filter((q) => q.source === 'panel')).toHaveLength(targets);
  });

  it('covers the monitoring guide LogQL queries for job immigration-ai', () => {
    const logql = production.flatMap((d) => listQueries(d.model)).filter((q) => q.language === 'logql').map((q) => q.expr);
    expect(logql).toEqual(
      expect.arrayContaining([
        '{job="immigration-ai"} |= "ERROR" | json | line_format "{{.timestamp}} {{.level}} {{.message}}"',
        '{job="immigration-ai"} |= "database" |= "error"',
        '{job="immigration-ai"} |= "authentication" |= "failed"',
        '{job="immigration-ai"} |= "slow query" | json | response_time > 1000',
        '{job="immigration-ai"} |= "memory" | json | memory_usage > 80',
      ]),
    );
  });

  it('substitutes macros and variables, and rejects a variable the dashboard does not define', () => {
    const s = substitute('rate(x{route=~"$route", a="${agency}", b="[[agency]]"}[$__rate_interval])', { route: '.*', agency: 'a1' });
    expect(s.text).toBe('rate(x{route=~".*", a="a1", b="a1"}[2m])');
    expect(s.spans.map((x) => [s.text.slice(x.from, x.to), x.name])).toEqual([['.*', 'route'], ['a1', 'agency'], ['a1', 'agency'], ['2m', '__rate_interval']]);
    expect(() => substitute('x{a="$missing"}', {})).toThrow(/unknown variable \$missing/);
    expect(substitute('label_replace(up, "a", "$1", "job", "(.*)")', {}).text).toContain('"$1"');
    expect(variableQueryExpr('label_values(up{job="x"}, instance)')).toBe('up{job="x"}');
  });

  it('gives "All" variables their all value and datasource variables their default UID', () => {
    const errors = production.find((d) => d.uid === DASHBOARD_UIDS.errors);
    expect(defaultVariableValues(errors?.model)).toEqual({ datasource: 'prometheus', loki_datasource: 'loki', route: '.*' });
  });
});

describe('every dashboard query parses and references only known series', () => {
  const cases = configs.flatMap((config) => buildDashboards(config).map((d) => [`${config.environment}/${d.uid}`, d] as const));
  it.each(cases)('%s', (_name, d) => {
    const reports = lintDashboard(d.model);
    expect(reports.length).toBeGreaterThan(0);
    const problems = reports.flatMap((r) => r.result.problems.map((p) => `${r.query.where}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('pins every selector of our series to the scrape job that publishes it', () => {
    const jobOfSeries = new Map<string, string>();
    for (const def of ALL_METRICS) for (const n of seriesNames(def)) jobOfSeries.set(n, `="${jobOf(def)}"`);
    for (const n of RECORDED_NAMES) jobOfSeries.set(n, `="${recordedSeries(n)!.job}"`);
    for (const def of ALL_EXTERNAL) jobOfSeries.set(def.name, `="${externalJob(def.source)}"`);
    for (const n of SLO_RECORDED_NAMES) jobOfSeries.set(n, `="${SCRAPE_JOBS.app}"`);
    const selectors = production.flatMap((d) => lintDashboard(d.model)).flatMap((r) => r.result.selectors);
    expect(selectors.length).toBeGreaterThan(100);
    for (const s of selectors) {
      const job = jobOfSeries.get(s.metric);
      if (job !== undefined) expect({ metric: s.metric, job: s.matchers.job }).toEqual({ metric: s.metric, job });
      else expect(['up', 'ALERTS', 'alertmanager_notifications_total'].includes(s.metric) || /^(process|nodejs)_/.test(s.metric)).toBe(true);
    }
  });

  it('uses recording rules where the alerts do, and the catalog everywhere else', () => {
    const metrics = new Set(production.flatMap((d) => lintDashboard(d.model)).flatMap((r) => r.result.metrics));
    for (const name of Object.values(RECORDED)) expect(metrics).toContain(name);
    expect([...metrics].filter((m) => m.startsWith('immigration_ai_')).length).toBeGreaterThan(25);
  });
});

describe('the lint catches what it claims to (each case must fail)', () => {
  it.each([
    ['syntax error', 'sum(rate(immigration_ai_http_requests_total{job="immigration-ai"}[$__rate_interval])', /syntax error/],
    ['metric not in the catalog', 'immigration_ai_response_time_ms', /unknown metric immigration_ai_response_time_ms/],
    ['guide metric that does not exist', 'immigration_ai_error_rate{job="immigration-ai"}', /unknown metric/],
    ['histogram without _bucket', 'histogram_quantile(0.9, rate(immigration_ai_http_request_duration_seconds[$__rate_interval]))', /unknown metric/],
    ['unknown recording rule', 'job:immigration_ai_http_requests:rate1h', /unknown metric/],
    ['label the metric does not have', 'immigration_ai_health_status{job="immigration-ai-exporter", endpoint="x"}', /has no label "endpoint"/],
    ['node-exporter series we do not read', 'node_load1{job="node-exporter"}', /unknown metric node_load1/],
    ['cAdvisor label that does not exist', 'container_memory_working_set_bytes{job="kubelet", deployment="api"}', /has no label "deployment"/],
    ['resource recording rule label it drops', 'namespace_persistentvolumeclaim:immigration_ai_volume_used:ratio{job="kubelet", node="a"}', /has no label "node"/],
    ['hard-coded rate range', 'rate(immigration_ai_http_requests_total[5m])', /rate\(\) must run over \[\$__rate_interval\]/],
    ['increase over $__interval', 'increase(immigration_ai_http_requests_total[$__interval])', /increase\(\) must run over/],
    ['rate over a subquery', 'rate(immigration_ai_http_requests_total[$__rate_interval:1m])', /must run over/],
    ['$__range in a range query', 'increase(immigration_ai_http_requests_total[$__range])', /increase\(\) must run over \[\$__rate_interval\]:/],
    ['__name__ matcher', '{__name__=~"immigration_ai_.*"}', /without a metric name|__name__/],
    ['undefined variable', 'immigration_ai_agency_active_clients{agency_id="$agencyy"}', /unknown variable/],
  ])('PromQL: %s', (_name, expr, problem) => {
    const r = lintPromQL(expr, { variables: { agency: 'a' } });
    expect(r.problems.join('\n')).toMatch(problem);
  });

  it('accepts $__range in instant queries (totals over the selected time range)', () => {
    expect(lintPromQL('sum(increase(immigration_ai_http_requests_total[$__range]))', { instant: true }).problems).toEqual([]);
    expect(lintPromQL('sum(increase(immigration_ai_http_requests_total[1d]))', { instant: true }).problems.join()).toMatch(/or \[\$__range\]/);
  });

  it('accepts recording rules, standard series and process metrics', () => {
    expect(lintPromQL(`${RECORDED.httpDurationQuantile5m}{job="immigration-ai", quantile="0.99"}`).problems).toEqual([]);
    expect(lintPromQL('count(ALERTS{alertstate="firing"}) + sum(up{job="immigration-ai"})').problems).toEqual([]);
    expect(lintPromQL('rate(process_cpu_seconds_total[$__rate_interval]) + nodejs_eventloop_lag_p99_seconds').problems).toEqual([]);
    expect(lintPromQL('instance:immigration_ai_node_cpu_busy:ratio_rate5m{job="node-exporter", node="n"}').problems).toEqual([]);
    expect(lintPromQL('kubelet_volume_stats_available_bytes{job="kubelet", metrics_path="/metrics", persistentvolumeclaim="data"}').problems).toEqual([]);
    expect(isKnownSeries('immigration_ai_http_request_duration_seconds_bucket')).toBe(true);
    expect(isKnownSeries('immigration_ai_http_request_duration_seconds')).toBe(false);
  });

  it.each([
    ['unclosed selector', '{job="immigration-ai" |= "x"', /syntax error/],
    ['unquoted value', '{job=immigration-ai}', /syntax error/],
    ['bad pipeline', '{job="immigration-ai"} | json | > 1000', /syntax error/],
    ['hard-coded range', 'sum(count_over_time({job="immigration-ai"} |= "ERROR" [5m]))', /range must be a Grafana macro/],
  ])('LogQL: %s', (_name, expr, problem) => {
    expect(lintLogQL(expr).problems.join('\n')).toMatch(problem);
  });
});

describe('shared state is read replica-safely (two exporter replicas publish the same values)', () => {
  const allConfigs = [...configs, loadConfig('local', {})];

  it('every alerting and recording rule of every environment passes the rule lint', () => {
    let checked = 0;
    for (const config of allConfigs) {
      const groups = buildRuleGroups(config);
      const recorded = new Set(groups.flatMap((g) => g.rules.filter(isRecordingRule).map((r) => r.record)));
      for (const g of groups) {
        for (const r of g.rules) {
          checked++;
          expect({ rule: `${config.environment}/${g.name}/${'alert' in r ? r.alert : r.record}`, problems: lintRuleExpr(r.expr, recorded).problems }).toEqual({
            rule: expect.any(String),
            problems: [],
          });
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  const ACTIVE = 'immigration_ai_agency_active_clients{job="immigration-ai-exporter"}';
  it.each([
    ['no aggregation at all', ACTIVE, /describes shared state.*aggregate it over the replicas/],
    ['sum over replicas', `sum(${ACTIVE})`, /sum over it adds up/],
    ['sum by the business label', `sum by (agency_id) (${ACTIVE})`, /sum over it adds up/],
    ['count of series', `count(${ACTIVE})`, /count over it/],
    ['topk of the raw series', `topk(10, ${ACTIVE})`, /topk over it/],
    ['max keeping the instance', `max by (agency_id, instance) (${ACTIVE})`, /grouping by instance keeps one series per replica/],
    ['max keeping the pod', `max by (pod) (${ACTIVE})`, /grouping by pod/],
    ['aggregation without (...)', `max without (instance) (${ACTIVE})`, /by \(labels\), not without/],
    ['comparison of the raw series', 'immigration_ai_health_status{job="immigration-ai-exporter", component="database"} == 0', /immigration_ai_health_status describes shared state/],
    ['a rate of a raw shared gauge', 'deriv(immigration_ai_database_size_bytes{job="immigration-ai-exporter"}[$__rate_interval])', /immigration_ai_database_size_bytes describes shared state/],
  ])('flags %s, in dashboards and in rules', (_name, expr, problem) => {
    expect(lintPromQL(expr).problems.join('\n')).toMatch(problem);
    expect(lintRuleExpr(expr.replace('$__rate_interval', '5m')).problems.join('\n')).toMatch(problem);
  });

  it.each([
    ['max over replicas', `max(${ACTIVE})`],
    ['avg by a business label', `avg by (agency_id) (${ACTIVE})`],
    ['topk of the per-agency max', `topk(10, max by (agency_id) (${ACTIVE}))`],
    ['a sum over agencies of the per-agency max', `sum(max by (agency_id) (${ACTIVE}))`],
    ['arithmetic around the aggregate', 'time() - max by (job) (immigration_ai_backup_last_success_timestamp_seconds{job="immigration-ai-exporter"})'],
    ['absent of the raw series', `absent(${ACTIVE})`],
    ['publisher metrics summed over instances', 'sum(rate(immigration_ai_http_requests_total{job="immigration-ai"}[5m]))'],
  ])('accepts %s', (_name, expr) => {
    expect(lintRuleExpr(expr).problems).toEqual([]);
  });

  it('leaves template variables alone (label_values lists each value once)', () => {
    const agency = production.find((d) => d.uid === DASHBOARD_UIDS.agency);
    const variable = lintDashboard(agency?.model).find((r) => r.query.source === 'variable');
    expect(variable?.result.metrics).toContain('immigration_ai_agency_active_clients');
    expect(variable?.result.problems).toEqual([]);
  });
});

describe('every PromQL expression loads in the real Prometheus parser (promtool, Prometheus 2.42)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dash-promql-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('promtool check rules accepts every substituted expression as a recording rule', () => {
    const promtool = requireTool('promtool');
    const exprs = new Set<string>();
    // Plus a config whose values take other code paths (a whole-number SLO latency bound).
    const variant = loadConfig('staging', {});
    variant.alerting.slo.latencyThresholdSeconds = 1;
    for (const config of [...configs, variant]) {
      for (const d of buildDashboards(config)) {
        for (const r of lintDashboard(d.model)) if (r.query.language === 'promql') exprs.add(r.result.text);
      }
    }
    const rules = [...exprs].sort().map((expr, i) => ({ record: `dashboard:query_${i}:check`, expr }));
    const file = join(dir, 'dashboard-queries.yaml');
    writeFileSync(file, toYaml({ groups: [{ name: 'dashboard-queries', rules }] }));
    const r = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.status).toBe(0);
    expect(rules.length).toBeGreaterThan(60);
  });

  it('and rejects a broken one (the check can fail)', () => {
    const promtool = requireTool('promtool');
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, toYaml({ groups: [{ name: 'g', rules: [{ record: 'a:b:c', expr: 'sum(rate(x[2m])' }] }] }));
    const r = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
  });

  it('promtool itself is the Debian 2.x one or newer', () => {
    const out = execFileSync(requireTool('promtool'), ['--version'], { encoding: 'utf8' });
    expect(out).toMatch(/promtool, version \d+\.\d+/);
  });
});
