/**
 * Panels compute what their titles say: selected dashboard queries (taken from the built
 * dashboards, never retyped) are evaluated by promtool's rule unit-test engine (Prometheus 2.42)
 * over synthetic series, and the results asserted.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECORDED } from '../contract/recording-rules.js';
import { METRICS } from '../contract/metric-catalog.js';
import { loadConfig } from '../contract/config/index.js';
import { toYaml } from '../contract/serialize.js';
import { buildDashboards } from '../dashboards/index.js';
import { DASHBOARD_UIDS } from '../contract/dashboards.js';
import { defaultVariableValues, listQueries, substitute } from './helpers/dashboard-queries.js';
import { requireTool } from './helpers/tools.js';

const config = loadConfig('production', {});
const dashboards = buildDashboards(config);
const APP = 'job="immigration-ai"';
const EXPORTER = 'job="immigration-ai-exporter"';

/** The substituted expression of a panel's target, as Grafana would send it. */
function query(uid: string, panelTitle: string, refId = 'A', variables: Record<string, string> = {}, range = '1h'): string {
  const d = dashboards.find((x) => x.uid === uid);
  const q = listQueries(d?.model).find((x) => x.panelTitle === panelTitle && x.refId === refId);
  if (!d || !q) throw new Error(`no target ${refId} of "${panelTitle}" in ${uid}`);
  return substitute(q.expr, { ...defaultVariableValues(d.model), ...variables }, { rateInterval: '2m', interval: '1m', range }).text;
}

interface Case {
  name: string;
  expr: string;
  series: [string, string][];
  expected: [string, number][];
}

const cases: Case[] = [
  {
    name: 'top error ratio table skips endpoints with too few requests in the low-traffic window to read a ratio by',
    expr: query(DASHBOARD_UIDS.errors, 'Endpoints with the highest error ratio'),
    series: [
      [`${RECORDED.httpErrorRatio5m}{${APP}, method="GET", route="/a"}`, '0.2x10'],
      [`${RECORDED.httpRequestsIncrease1h}{${APP}, method="GET", route="/a"}`, '400x10'],
      [`${RECORDED.httpErrorRatio5m}{${APP}, method="POST", route="/b"}`, '0.5x10'],
      [`${RECORDED.httpRequestsIncrease1h}{${APP}, method="POST", route="/b"}`, `${config.alerting.lowTraffic.minRequests - 1}x10`],
      [`${RECORDED.httpErrorRatio5m}{${APP}, method="GET", route="/c"}`, '0.01x10'],
      [`${RECORDED.httpRequestsIncrease1h}{${APP}, method="GET", route="/c"}`, `${config.alerting.lowTraffic.minRequests}x10`],
    ],
    expected: [
      [`${RECORDED.httpErrorRatio5m}{${APP}, method="GET", route="/a"}`, 0.2],
      [`${RECORDED.httpErrorRatio5m}{${APP}, method="GET", route="/c"}`, 0.01],
    ],
  },
  {
    name: 'p95 panel picks the 0.95 quantile of the recording rule',
    expr: query(DASHBOARD_UIDS.performance, 'p95 response time per endpoint'),
    series: ['0.5', '0.95', '0.99'].map((q, i) => [`${RECORDED.httpDurationQuantile5m}{${APP}, method="GET", route="/a", quantile="${q}"}`, `${i + 1}x10`]),
    expected: [[`${RECORDED.httpDurationQuantile5m}{${APP}, method="GET", route="/a", quantile="0.95"}`, 2]],
  },
  {
    name: 'firing critical alerts count ignores pending alerts and the Watchdog',
    expr: query(DASHBOARD_UIDS.system, 'Firing alerts', 'A'),
    series: [
      ['ALERTS{alertname="Watchdog", alertstate="firing", severity="critical"}', '1x10'],
      ['ALERTS{alertname="ImmigrationAiDatabaseDown", alertstate="firing", severity="critical"}', '1x10'],
      ['ALERTS{alertname="ImmigrationAiDiskAlmostFull", alertstate="pending", severity="critical"}', '1x10'],
      ['ALERTS{alertname="ImmigrationAiApiSlow", alertstate="firing", severity="warning"}', '1x10'],
    ],
    expected: [['{}', 1]],
  },
  {
    name: 'firing warning alerts count is 0, not empty, when none fire',
    expr: query(DASHBOARD_UIDS.system, 'Firing alerts', 'B'),
    series: [['ALERTS{alertname="ImmigrationAiDatabaseDown", alertstate="firing", severity="critical"}', '1x10']],
    expected: [['{}', 0]],
  },
  {
    name: 'scrape target shows down when the exporter target is missing entirely',
    expr: query(DASHBOARD_UIDS.system, 'Scrape targets', 'A'),
    series: [['up{job="immigration-ai"}', '1x10']],
    expected: [['{}', 0]],
  },
  {
    name: 'scrape target shows down when one of its instances is down',
    expr: query(DASHBOARD_UIDS.system, 'Scrape targets', 'B'),
    series: [
      ['up{job="immigration-ai", instance="a"}', '1x10'],
      ['up{job="immigration-ai", instance="b"}', '0x10'],
    ],
    expected: [['{}', 0]],
  },
  {
    name: 'overall health is unhealthy when one component is',
    expr: query(DASHBOARD_UIDS.system, 'Overall health'),
    series: [
      [`${METRICS.healthStatus.name}{${EXPORTER}, component="database"}`, '0x10'],
      [`${METRICS.healthStatus.name}{${EXPORTER}, component="storage"}`, '1x10'],
      [`${METRICS.healthStatus.name}{job="someone-else", component="storage"}`, '1x10'],
    ],
    expected: [['{}', 0]],
  },
  {
    name: 'upload failure ratio is failures over all uploads',
    expr: query(DASHBOARD_UIDS.business, 'Upload failure ratio'),
    series: [
      [`${METRICS.documentUploads.name}{${APP}, outcome="success"}`, '0+180x10'],
      [`${METRICS.documentUploads.name}{${APP}, outcome="failure"}`, '0+60x10'],
    ],
    expected: [['{}', 0.25]],
  },
  // Business ratios are over the selected range: at ~89 uploads a day a 2-minute window is mostly
  // empty. No failure is 0%; no upload at all is no ratio (the panel says "No uploads"), never NaN.
  {
    name: 'upload failure ratio is 0, not empty, when no upload failed (the failure series does not even exist)',
    expr: query(DASHBOARD_UIDS.business, 'Upload failure ratio'),
    series: [[`${METRICS.documentUploads.name}{${APP}, outcome="success"}`, '0+3x10']],
    expected: [['{}', 0]],
  },
  {
    name: 'upload failure ratio is empty, not NaN, when nothing was uploaded in the range',
    expr: query(DASHBOARD_UIDS.business, 'Upload failure ratio'),
    series: [
      [`${METRICS.documentUploads.name}{${APP}, outcome="success"}`, '5x10'],
      [`${METRICS.documentUploads.name}{${APP}, outcome="failure"}`, '1x10'],
    ],
    expected: [],
  },
  {
    name: 'availability is empty ("No requests"), not NaN, at zero traffic',
    expr: query(DASHBOARD_UIDS.system, 'Availability'),
    series: [[`${METRICS.httpRequests.name}{${APP}, method="GET", route="/a", status_code="200"}`, '7x10']],
    expected: [],
  },
  {
    name: 'the overall health is Unknown (-1), not empty, when no exporter publishes health checks',
    expr: query(DASHBOARD_UIDS.system, 'Overall health'),
    series: [['up{job="immigration-ai-exporter"}', '0x10']],
    expected: [['{}', -1]],
  },
  {
    name: 'the components tile shows "health checks: Unknown" when no exporter publishes them',
    expr: query(DASHBOARD_UIDS.main, 'System Health Overview'),
    series: [['up{job="immigration-ai-exporter"}', '0x10']],
    expected: [['{component="health checks"}', -1]],
  },
  {
    name: 'the burn-rate line of a window pair is the lower of its two windows (what the pair\'s alert compares)',
    expr: query(DASHBOARD_UIDS.system, 'Availability budget burn rate', 'A'),
    series: [
      [`job:immigration_ai_http_errors:ratio_rate1h{${APP}}`, '0.1x10'],
      [`job:immigration_ai_http_errors:ratio_rate5m{${APP}}`, '0.05x10'],
    ],
    // 0.05 / (1 - 0.995) = 10: under the 14.4 line although the 1h window alone is at 20.
    expected: [[`{${APP}}`, 0.05 / (1 - config.alerting.slo.availabilityObjective)]],
  },
  {
    name: 'chat mean response time per responder is rate(sum)/rate(count)',
    expr: query(DASHBOARD_UIDS.business, 'Mean response time'),
    series: [
      [`${METRICS.chatResponseDuration.name}_sum{${APP}, responder="ai"}`, '0+30x10'],
      [`${METRICS.chatResponseDuration.name}_count{${APP}, responder="ai"}`, '0+60x10'],
      [`${METRICS.chatResponseDuration.name}_sum{${APP}, responder="human"}`, '0+1800x10'],
      [`${METRICS.chatResponseDuration.name}_count{${APP}, responder="human"}`, '0+30x10'],
    ],
    expected: [
      ['{responder="ai"}', 0.5],
      ['{responder="human"}', 60],
    ],
  },
  {
    name: 'unauthorized attempts sum over reasons (what the alert compares with its threshold)',
    expr: query(DASHBOARD_UIDS.errors, 'Unauthorized attempts'),
    series: [
      [`${METRICS.unauthorizedAccessAttempts.name}{${APP}, reason="invalid_token"}`, '0+120x10'],
      [`${METRICS.unauthorizedAccessAttempts.name}{${APP}, reason="forbidden"}`, '0+60x10'],
    ],
    expected: [['{}', 3]],
  },
  {
    name: 'agency panels show only the selected agency',
    expr: query(DASHBOARD_UIDS.agency, 'Active clients', 'A', { agency: 'agency-1' }),
    series: [
      [`${METRICS.agencyActiveClients.name}{${EXPORTER}, agency_id="agency-1"}`, '5x10'],
      [`${METRICS.agencyActiveClients.name}{${EXPORTER}, agency_id="agency-2"}`, '7x10'],
    ],
    expected: [['{}', 5]],
  },
  {
    name: 'agency completed cases count over the selected time range ($__range = 1h)',
    expr: query(DASHBOARD_UIDS.agency, 'Completed cases', 'A', { agency: 'agency-1' }),
    series: [
      [`${METRICS.agencyCasesCompleted.name}{${APP}, agency_id="agency-1"}`, '0+1x10'],
      [`${METRICS.agencyCasesCompleted.name}{${APP}, agency_id="agency-2"}`, '0+5x10'],
    ],
    expected: [['{}', 10]],
  },
  {
    name: 'agency median completion time over the selected time range',
    expr: query(DASHBOARD_UIDS.agency, 'Median completion time', 'A', { agency: 'agency-1' }),
    series: [
      [`${METRICS.agencyCaseCompletionDuration.name}_bucket{${APP}, agency_id="agency-1", le="86400"}`, '0+1x10'],
      [`${METRICS.agencyCaseCompletionDuration.name}_bucket{${APP}, agency_id="agency-1", le="604800"}`, '0+3x10'],
      [`${METRICS.agencyCaseCompletionDuration.name}_bucket{${APP}, agency_id="agency-1", le="+Inf"}`, '0+4x10'],
      [`${METRICS.agencyCaseCompletionDuration.name}_bucket{${APP}, agency_id="agency-2", le="86400"}`, '0+9x10'],
      [`${METRICS.agencyCaseCompletionDuration.name}_bucket{${APP}, agency_id="agency-2", le="+Inf"}`, '0+9x10'],
    ],
    // Rank 20 of 40 falls in the (1 d, 7 d] bucket halfway: 1 d + 0.5 * 6 d = 4 d.
    expected: [['{}', 345600]],
  },
  {
    name: 'virus detections show 0, not "no data", when the counter is absent',
    expr: query(DASHBOARD_UIDS.errors, 'Virus detections'),
    series: [[`${METRICS.documentUploads.name}{${APP}, outcome="success"}`, '0+1x10']],
    expected: [['{}', 0]],
  },
  {
    name: 'availability over the selected range: 1 - 5xx / all requests',
    expr: query(DASHBOARD_UIDS.system, 'Availability'),
    series: [
      [`${METRICS.httpRequests.name}{${APP}, method="GET", route="/a", status_code="200"}`, '0+2x10'],
      [`${METRICS.httpRequests.name}{${APP}, method="GET", route="/a", status_code="404"}`, '0+1x10'],
      [`${METRICS.httpRequests.name}{${APP}, method="GET", route="/a", status_code="503"}`, '0+1x10'],
    ],
    expected: [['{}', 0.75]],
  },
  {
    name: 'availability is 100%, not empty, when there was no 5xx at all',
    expr: query(DASHBOARD_UIDS.system, 'Availability'),
    series: [[`${METRICS.httpRequests.name}{${APP}, method="GET", route="/a", status_code="200"}`, '0+2x10']],
    expected: [['{}', 1]],
  },
  {
    name: 'error budget is used up when the error ratio equals 1 - objective',
    expr: query(DASHBOARD_UIDS.system, 'Error budget remaining (30d)', 'A', {}, '30d'),
    series: [
      [`${METRICS.httpRequests.name}{${APP}, method="GET", route="/a", status_code="200"}`, `0+${Math.round(1 / (1 - config.alerting.slo.availabilityObjective)) - 1}x10`],
      [`${METRICS.httpRequests.name}{${APP}, method="GET", route="/a", status_code="500"}`, '0+1x10'],
    ],
    expected: [['{}', 0]],
  },
  {
    name: 'latency SLI is the share of requests in the threshold bucket',
    expr: query(DASHBOARD_UIDS.system, 'Requests within the latency objective'),
    series: [
      [`${METRICS.httpRequestDuration.name}_bucket{${APP}, method="GET", route="/a", le="${config.alerting.slo.latencyThresholdSeconds}"}`, '0+3x10'],
      [`${METRICS.httpRequestDuration.name}_bucket{${APP}, method="GET", route="/a", le="+Inf"}`, '0+4x10'],
      [`${METRICS.httpRequestDuration.name}_count{${APP}, method="GET", route="/a"}`, '0+4x10'],
    ],
    expected: [['{}', 0.75]],
  },
  ...['1', '1.0'].map((le): Case => {
    // A whole-number threshold is written "1" by prom-client and stored as "1.0" by Prometheus 3.
    const custom = loadConfig('production', {});
    custom.alerting.slo.latencyThresholdSeconds = 1;
    const d = buildDashboards(custom).find((x) => x.uid === DASHBOARD_UIDS.system);
    const q = listQueries(d?.model).find((x) => x.panelTitle === 'Requests within the latency objective');
    return {
      name: `latency SLI with a whole-number threshold matches le="${le}"`,
      expr: substitute(q?.expr ?? '', defaultVariableValues(d?.model), { rateInterval: '2m', interval: '1m', range: '1h' }).text,
      series: [
        [`${METRICS.httpRequestDuration.name}_bucket{${APP}, method="GET", route="/a", le="${le}"}`, '0+1x10'],
        [`${METRICS.httpRequestDuration.name}_count{${APP}, method="GET", route="/a"}`, '0+4x10'],
      ],
      expected: [['{}', 0.25]],
    };
  }),
  {
    name: 'backup age is now minus the newest verified backup in the backup job\'s record',
    expr: query(DASHBOARD_UIDS.system, 'Last verified backup'),
    series: [[`${METRICS.backupLastSuccess.name}{${EXPORTER}}`, '300x10']],
    expected: [['{}', 300]],
  },
  {
    name: 'the newest backup run shows failed when a failure is newer than the newest verified run',
    expr: query(DASHBOARD_UIDS.errors, 'Newest backup run'),
    series: [
      [`${METRICS.backupLastSuccess.name}{${EXPORTER}, instance="exporter-0:8080"}`, '100x10'],
      [`${METRICS.backupLastSuccess.name}{${EXPORTER}, instance="exporter-1:8080"}`, '100x10'],
      [`${METRICS.backupLastFailure.name}{${EXPORTER}, instance="exporter-0:8080"}`, '200x10'],
      [`${METRICS.backupLastFailure.name}{${EXPORTER}, instance="exporter-1:8080"}`, '200x10'],
    ],
    expected: [['{}', 1]],
  },
  // Production runs two exporter replicas, and both publish the same shared-state values: a
  // panel shows that value once, never twice it (45 active clients stay 45, not 90).
  ...[
    { uid: DASHBOARD_UIDS.agency, panel: 'Active clients', metric: METRICS.agencyActiveClients, labels: 'agency_id="agency-1"', value: 45, expected: '{}' },
    { uid: DASHBOARD_UIDS.agency, panel: 'Pending reviews', metric: METRICS.agencyPendingDocumentReviews, labels: 'agency_id="agency-1"', value: 12, expected: '{}' },
    { uid: DASHBOARD_UIDS.agency, panel: 'Most pending reviews', metric: METRICS.agencyPendingDocumentReviews, labels: 'agency_id="agency-1"', value: 12, expected: '{agency_id="agency-1"}' },
    { uid: DASHBOARD_UIDS.business, panel: 'Active users', metric: METRICS.activeUsers, labels: 'window="24h"', value: 310, expected: '{window="24h"}' },
    { uid: DASHBOARD_UIDS.business, panel: 'Client satisfaction by agency (lowest 10)', metric: METRICS.agencyClientSatisfaction, labels: 'agency_id="agency-1"', value: 4.5, expected: '{agency_id="agency-1"}' },
    { uid: DASHBOARD_UIDS.performance, panel: 'Database connections', metric: METRICS.databaseConnections, labels: 'state="active"', value: 17, expected: '{state="active"}' },
    { uid: DASHBOARD_UIDS.performance, panel: 'Database size', metric: METRICS.databaseSize, labels: '', value: 2e9, expected: '{}' },
    { uid: DASHBOARD_UIDS.performance, panel: 'Storage used per bucket', metric: METRICS.storageUsed, labels: 'bucket="documents"', value: 5e8, expected: '{bucket="documents"}' },
    { uid: DASHBOARD_UIDS.system, panel: 'Components', metric: METRICS.healthStatus, labels: 'component="database"', value: 1, expected: '{component="database"}' },
  ].map(({ uid, panel, metric, labels, value, expected }): Case => ({
    name: `"${panel}" shows a shared-state value once when two exporter replicas publish it`,
    expr: query(uid, panel, 'A', { agency: 'agency-1' }),
    series: ['exporter-0:8080', 'exporter-1:8080'].map((instance) => [`${metric.name}{${EXPORTER}, instance="${instance}"${labels ? `, ${labels}` : ''}}`, `${value}x10`]),
    expected: [[expected, value]],
  })),
];

describe('dashboard queries compute what the panels say (promtool test rules)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dash-sem-'));
    writeFileSync(join(dir, 'empty.yaml'), toYaml({ groups: [] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (c: Case): { status: number | null; output: string } => {
    const file = join(dir, 'test.yaml');
    writeFileSync(
      file,
      toYaml({
        rule_files: ['empty.yaml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: c.series.map(([series, values]) => ({ series, values })),
            promql_expr_test: [{ expr: c.expr, eval_time: '10m', exp_samples: c.expected.map(([labels, value]) => ({ labels, value })) }],
          },
        ],
      }),
    );
    const r = spawnSync(requireTool('promtool'), ['test', 'rules', file], { encoding: 'utf8', cwd: dir });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const r = run(c);
    if (r.status !== 0) throw new Error(`${c.expr}\n${r.output}`);
    expect(r.output).toContain('SUCCESS');
  });

  it('fails when the expectation is wrong (the harness can fail)', () => {
    const c = cases[0];
    const r = run({ ...c, expected: [[c.expected[0][0], 0.3]] });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/FAILED/);
  });
});
