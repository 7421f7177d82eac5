/**
 * The contract between dashboards and alerting, checked against what alert-rules/ really generates:
 * runbook links name real alerts with a runbook file, notification links name real dashboards, and
 * dashboard queries over the real recording rules (evaluated by promtool) give the values the
 * alerts see.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { alertingRules, buildRuleGroups } from '../alert-rules/index.js';
import { rulesTree } from './helpers/rendered.js';
import { RECORDED } from '../contract/recording-rules.js';
import { METRICS } from '../contract/metric-catalog.js';
import { ENVIRONMENT_NAMES, loadConfig } from '../contract/config/index.js';
import { FileTree } from '../stacks/output/file-tree.js';
import { toYaml } from '../contract/serialize.js';
import { buildDashboards } from '../dashboards/index.js';
import { DASHBOARD_UIDS } from '../contract/dashboards.js';
import { ALERT_NAMES } from '../contract/alerts.js';
import { defaultVariableValues, listQueries, panelsOf, substitute } from './helpers/dashboard-queries.js';
import { requireTool } from './helpers/tools.js';
import { DIST } from './helpers/dist.js';
import { writeTempTree } from './helpers/rules-on-disk.js';

const configs = ENVIRONMENT_NAMES.map((env) => loadConfig(env, {}));

describe('dashboards and alerting agree', () => {
  it('every alert the dashboards link a runbook for is an alerting rule of every environment', () => {
    for (const config of configs) {
      const alerts = new Set(alertingRules(config).map((r) => r.alert));
      for (const name of ALERT_NAMES) expect({ env: config.environment, name, defined: alerts.has(name) }).toEqual({ env: config.environment, name, defined: true });
    }
  });

  it('every runbook link resolves to a generated runbook in dist/runbooks', () => {
    for (const config of configs) {
      for (const d of buildDashboards(config)) {
        for (const p of panelsOf(d.model)) {
          for (const l of (p.links as { url: string }[] | undefined) ?? []) {
            if (!l.url.startsWith(`${config.links.runbookBaseUrl}/`)) continue;
            const file = join(DIST, 'runbooks', l.url.slice(config.links.runbookBaseUrl.length + 1));
            expect({ url: l.url, exists: existsSync(file) }).toEqual({ url: l.url, exists: true });
          }
        }
      }
    }
  });

  it('every dashboard an alert links to (dashboard_url) exists (the panel: dashboard-alert-links.test.ts)', () => {
    const config = loadConfig('production', {});
    const ours = buildDashboards(config).map((d) => `${config.links.grafanaUrl}/d/${d.uid}`);
    const linked = buildRuleGroups(config).flatMap((g) => g.rules).map((r) => ('annotations' in r ? r.annotations.dashboard_url : undefined)).filter((u): u is string => u !== undefined);
    expect(linked.length).toBeGreaterThan(5);
    for (const url of linked) expect(ours).toContain(url.split('?')[0]);
  });
});

describe('dashboard queries over the real recording rules (promtool test rules)', () => {
  const config = loadConfig('production', {});
  const dashboards = buildDashboards(config);
  const APP = 'job="immigration-ai"';

  function query(uid: string, title: string): string {
    const d = dashboards.find((x) => x.uid === uid);
    const q = listQueries(d?.model).find((x) => x.panelTitle === title && x.refId === 'A');
    if (!d || !q) throw new Error(`no "${title}" in ${uid}`);
    return substitute(q.expr, defaultVariableValues(d.model), { rateInterval: '2m', interval: '1m', range: '1h' }).text;
  }

  function runWithRules(inputSeries: [string, string][], tests: ({ expr: string; labels: string; value: number } | { expr: string; empty: true })[]): { status: number | null; output: string } {
    const rules = rulesTree(config);
    const path = rules.paths().find((p) => (rules.get(p) ?? '').includes(`record: ${RECORDED.httpRequestsRate5m}`));
    if (!path) throw new Error('no recording rules file');
    const tree = new FileTree();
    tree.add('rules.yaml', rules.get(path) as string);
    tree.add(
      'test.yaml',
      toYaml({
        rule_files: ['rules.yaml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: inputSeries.map(([series, values]) => ({ series, values })),
            promql_expr_test: tests.map((t) => ({ expr: t.expr, eval_time: '15m', exp_samples: 'empty' in t ? [] : [{ labels: t.labels, value: t.value }] })),
          },
        ],
      }),
    );
    const { dir, cleanup } = writeTempTree(tree, 'dash-rules-');
    try {
      const r = spawnSync(requireTool('promtool'), ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8' });
      return { status: r.status, output: `${r.stdout}${r.stderr}` };
    } finally {
      cleanup();
    }
  }

  const series: [string, string][] = [
    // GET /a: 1.5 req/s OK, 0.5 req/s 5xx -> error ratio 0.25; all requests in (0.5, 1] s.
    [`${METRICS.httpRequests.name}{${APP}, method="GET", route="/a", status_code="200"}`, '0+90x15'],
    [`${METRICS.httpRequests.name}{${APP}, method="GET", route="/a", status_code="500"}`, '0+30x15'],
    [`${METRICS.httpRequestDuration.name}_bucket{${APP}, method="GET", route="/a", le="0.5"}`, '0+0x15'],
    [`${METRICS.httpRequestDuration.name}_bucket{${APP}, method="GET", route="/a", le="1"}`, '0+120x15'],
    [`${METRICS.httpRequestDuration.name}_bucket{${APP}, method="GET", route="/a", le="+Inf"}`, '0+120x15'],
    [`${METRICS.httpRequestDuration.name}_sum{${APP}, method="GET", route="/a"}`, '0+90x15'],
    [`${METRICS.httpRequestDuration.name}_count{${APP}, method="GET", route="/a"}`, '0+120x15'],
  ];
  const endpoint = `${APP}, method="GET", route="/a"`;

  it('error ratio, request rate, mean and median per endpoint come out of the recorded series', () => {
    const r = runWithRules(series, [
      { expr: query(DASHBOARD_UIDS.main, 'Error Rates'), labels: `${RECORDED.httpErrorRatio5m}{${endpoint}}`, value: 0.25 },
      { expr: query(DASHBOARD_UIDS.performance, 'Requests per endpoint'), labels: `${RECORDED.httpRequestsRate5m}{${endpoint}}`, value: 2 },
      { expr: query(DASHBOARD_UIDS.main, 'API Response Times'), labels: `${RECORDED.httpDurationMean5m}{${endpoint}}`, value: 0.75 },
      { expr: query(DASHBOARD_UIDS.errors, 'Overall error ratio'), labels: '{}', value: 0.25 },
      {
        expr: `${RECORDED.httpDurationQuantile5m}{${APP}, quantile="0.5"}`,
        labels: `${RECORDED.httpDurationQuantile5m}{${endpoint}, quantile="0.5"}`,
        value: 0.75,
      },
    ]);
    if (r.status !== 0) throw new Error(r.output);
    expect(r.output).toContain('SUCCESS');
  });

  it('the p95 panel reads the recorded 0.95 quantile', () => {
    const r = runWithRules(series, [
      { expr: query(DASHBOARD_UIDS.performance, 'p95 response time per endpoint'), labels: `${RECORDED.httpDurationQuantile5m}{${endpoint}, quantile="0.95"}`, value: 0.975 },
    ]);
    if (r.status !== 0) throw new Error(r.output);
    expect(r.output).toContain('SUCCESS');
  });

  // At a few thousand requests a day a quiet endpoint sees one 5xx among three requests: 100% of
  // its last five minutes. ImmigrationAiEndpointErrorRateHigh does not fire for it (fewer than
  // alerting.lowTraffic.minFailedRequests failures), and the panels that mirror it draw nothing
  // above the alert line; a busy endpoint's ratio is still drawn.
  const quiet = `${APP}, method="GET", route="/quiet"`;
  const busy = `${APP}, method="GET", route="/busy"`;
  const quietTraffic: [string, string][] = [
    // Two successful requests at minutes 5 and 10, one 500 at minute 12.
    [`${METRICS.httpRequests.name}{${quiet}, status_code="200"}`, '0 0 0 0 0 1 1 1 1 1 2 2 2 2 2 2'],
    [`${METRICS.httpRequests.name}{${quiet}, status_code="500"}`, '0 0 0 0 0 0 0 0 0 0 0 0 1 1 1 1'],
    [`${METRICS.httpRequests.name}{${busy}, status_code="200"}`, '0+90x15'],
    [`${METRICS.httpRequests.name}{${busy}, status_code="500"}`, '0+30x15'],
  ];

  it('one 5xx among three requests on a quiet endpoint: the recorded ratio is 100%, the mirroring panels draw nothing above the line', () => {
    const r = runWithRules(quietTraffic, [
      // What an unguarded panel would draw: the whole of the quiet endpoint's recent traffic failed.
      { expr: `${RECORDED.httpErrorRatio5m}{route="/quiet"}`, labels: `${RECORDED.httpErrorRatio5m}{${quiet}}`, value: 1 },
      { expr: `${query(DASHBOARD_UIDS.main, 'Error Rates')} and on (route) ${RECORDED.httpErrorRatio5m}{route="/quiet"}`, empty: true },
      { expr: `${query(DASHBOARD_UIDS.errors, 'Error ratio per endpoint')} and on (route) ${RECORDED.httpErrorRatio5m}{route="/quiet"}`, empty: true },
      // The busy endpoint, over the guard, is drawn as the alert sees it.
      { expr: query(DASHBOARD_UIDS.main, 'Error Rates'), labels: `${RECORDED.httpErrorRatio5m}{${busy}}`, value: 0.25 },
      { expr: query(DASHBOARD_UIDS.errors, 'Error ratio per endpoint'), labels: `${RECORDED.httpErrorRatio5m}{${busy}}`, value: 0.25 },
    ]);
    if (r.status !== 0) throw new Error(r.output);
    expect(r.output).toContain('SUCCESS');
  });

  it('an endpoint with too few requests for ImmigrationAiApiSlow is not drawn against its line', () => {
    const slowQuiet: [string, string][] = [
      [`${METRICS.httpRequestDuration.name}_sum{${quiet}}`, '0 0 0 0 0 0 0 0 0 0 0 0 9 9 9 9'],
      [`${METRICS.httpRequestDuration.name}_count{${quiet}}`, '0 0 0 0 0 0 0 0 0 0 0 0 1 1 1 1'],
      [`${METRICS.httpRequests.name}{${quiet}, status_code="200"}`, '0 0 0 0 0 0 0 0 0 0 0 0 1 1 1 1'],
    ];
    const r = runWithRules(slowQuiet, [
      { expr: `${RECORDED.httpDurationMean5m}{route="/quiet"}`, labels: `${RECORDED.httpDurationMean5m}{${quiet}}`, value: 9 },
      { expr: query(DASHBOARD_UIDS.main, 'API Response Times'), empty: true },
      { expr: query(DASHBOARD_UIDS.performance, 'Mean response time per endpoint'), empty: true },
    ]);
    if (r.status !== 0) throw new Error(r.output);
    expect(r.output).toContain('SUCCESS');
  });

  it('fails on a wrong expectation (the harness can fail)', () => {
    const r = runWithRules(series, [{ expr: query(DASHBOARD_UIDS.main, 'Error Rates'), labels: `${RECORDED.httpErrorRatio5m}{${endpoint}}`, value: 0.5 }]);
    expect(r.status).not.toBe(0);
  });
});
