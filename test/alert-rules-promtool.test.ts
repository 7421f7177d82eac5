/**
 * `promtool test rules` unit tests for every alert: each fires above its threshold, stays silent
 * below it, respects its `for` delay, and carries the expected labels and annotations. The test
 * cases are TypeScript; they are written to promtool's YAML format and run by the real promtool
 * against the generated rule files of the production config (the monitoring guide's thresholds).
 */
import { alertingRules } from '../alert-rules/index.js';
import { computeAlertsGroup, storageAlertsGroup } from '../alert-rules/resource-alerts.js';
import { isAlertingRule } from '../contract/rules.js';
import { RECORDED } from '../contract/recording-rules.js';
import { rulesTree } from './helpers/rendered.js';
import { METRICS } from '../contract/metric-catalog.js';
import { loadConfig } from '../contract/config/index.js';
import { type PanelKey, panelUrl } from '../contract/dashboards.js';
import { runPromtoolTests, seriesOf as s, type ExpectedAlert, type InputSeries, type RuleUnitTest } from './helpers/promtool-tests.js';
import { writeTempTree } from './helpers/rules-on-disk.js';

const config = loadConfig('production', {});
const RUNBOOKS = 'https://github.com/immigration-ai/immigration-ai-observability/blob/main/dist/runbooks';
const GRAFANA = 'https://grafana.immigrationai.com';
/**
 * The dashboard_url Prometheus renders: the panel's link, with the alert's labels as variables,
 * escaped by Go's `urlquery` (`/api/cases` -> `%2Fapi%2Fcases`; written out where the route is known).
 */
const panel = (key: PanelKey, variables: Record<string, string> = {}): string => panelUrl(GRAFANA, key, variables);
/** Go's url.QueryEscape, for routes passed as parameters. */
const queryEscape = (v: string): string => encodeURIComponent(v).replace(/%20/g, '+');
const EXPORTER = { job: 'immigration-ai-exporter', instance: 'exporter-0:9464' };
const APP = { job: 'immigration-ai', instance: 'app-0:8000' };
const m = METRICS;

function alert(
  name: string,
  labels: Record<string, string>,
  summary: string,
  description: string,
  dashboardUrl?: string,
): ExpectedAlert {
  return {
    exp_labels: labels,
    exp_annotations: {
      summary,
      description,
      runbook_url: `${RUNBOOKS}/${name}.md`,
      ...(dashboardUrl ? { dashboard_url: dashboardUrl } : {}),
    },
  };
}

const databaseDown = alert(
  'ImmigrationAiDatabaseDown', { job: EXPORTER.job, component: 'database', severity: 'critical' }, 'The application database is unreachable.',
  'No replica of immigration-ai-exporter reaches the application database: every health check reports no connectivity (health status 0).', panel('databaseUp'),
);
const backupTooOld = (age: string) =>
  alert(
    'ImmigrationAiBackupVerificationFailed', { job: EXPORTER.job, reason: 'backup_too_old', severity: 'warning' }, 'Backups are failing or missing.',
    `The newest verified backup recorded by the backup job is ${age} old, older than the 26h limit (read by immigration-ai-exporter; decades old means none was ever recorded).`,
    panel('lastVerifiedBackup'),
  );
/** The scrape-job alerts carry only `job`, so a critical inhibits its warning. */
const targetsDown = (name: string, job: string, summary: string, allDown: string, someDown: string) => (severity: 'critical' | 'warning', down = 0) =>
  alert(
    name,
    { job, severity },
    summary,
    severity === 'critical'
      ? `No target of job ${job} answers Prometheus' scrapes, or service discovery finds none: ${allDown}.`
      : `${down} target(s) of job ${job} do not answer Prometheus' scrapes; ${someDown}.`,
    panel('scrapeTargets'),
  );
const appDown = targetsDown(
  'ImmigrationAiAppDown', APP.job, 'The application does not answer Prometheus.',
  'the app is down or unreachable for everyone, and its HTTP and SLO alerts cannot fire (they need its series)', 'the other pods still serve, with less capacity',
);
const exporterDown = targetsDown(
  'ImmigrationAiExporterDown', EXPORTER.job, 'The metrics exporter is down.',
  'health, database, storage and business metrics are missing and their alerts cannot fire', 'the other replicas still publish every metric',
);
const cpu = (instance: string, severity: string, value: string, threshold: string) =>
  alert('ImmigrationAiHighCpuUsage', { ...EXPORTER, instance, severity }, 'CPU usage is high.', `CPU usage on ${instance} is ${value}, above the ${threshold} ${severity} threshold.`, panel('hostCpu'));
const errorRate = (method: string, route: string, severity: string, value: string, threshold: string) =>
  alert(
    'ImmigrationAiEndpointErrorRateHigh',
    { job: APP.job, method, route, severity },
    'An API endpoint answers too many requests with server errors.',
    `${method} ${route} answers ${value} of its requests with 5xx, above the ${threshold} ${severity} threshold (with at least 5 failed requests in the last 1h).`,
    panel('endpointErrorRatio', { route: queryEscape(route) }),
  );
const burn = (alertname: string, slo: string, long: string, short: string, severity: string, summary: string, text: string) =>
  alert(alertname, { job: APP.job, slo, long_window: long, short_window: short, severity }, summary, text, panel(slo === 'api-availability' ? 'availabilityBurnRate' : 'latencyBurnRate'));
const availabilityBurn = (long: string, short: string, factor: string, severity: string, value: string) =>
  burn(
    'ImmigrationAiApiAvailabilityBudgetBurn', 'api-availability', long, short, severity,
    'The API burns its availability error budget too fast.',
    `immigration-ai answered with 5xx ${value} of its requests over the last ${long} (and still over the last ${short}), burning the error budget of its 99.5% objective at least ${factor} times faster than sustainable.`,
  );
const latencyBurn = (long: string, short: string, factor: string, severity: string, value: string) =>
  burn(
    'ImmigrationAiApiLatencyBudgetBurn', 'api-latency', long, short, severity,
    'The API burns its latency error budget too fast.',
    `immigration-ai slower than 2.5s ${value} of its requests over the last ${long} (and still over the last ${short}), burning the error budget of its 99% objective at least ${factor} times faster than sustainable.`,
  );

/** Requests of one endpoint: `ok` 2xx and `errors` 5xx per minute. */
const traffic = (method: string, route: string, ok: number, errors: number, minutes: number) => [
  { series: s(m.httpRequests.name, { ...APP, method, route, status_code: '200' }), values: `0+${ok}x${minutes}` },
  { series: s(m.httpRequests.name, { ...APP, method, route, status_code: '500' }), values: `0+${errors}x${minutes}` },
];

/**
 * A low-traffic endpoint as Prometheus scrapes it in production: one request at every whole
 * minute (or every `everyMinutes`), samples every 30 s (the scrape interval). `fails(minute)` says which requests answer
 * 500, `seconds(minute)` how long each takes. The 500 series is born with its first failure
 * (value 1, no earlier sample), as the app exposes it, unless `earlierFailures` created it long
 * before. The histogram's _sum and _count feed the mean latency.
 */
function perMinute(
  method: string,
  route: string,
  minutes: number,
  opts: { fails?: (minute: number) => boolean; seconds?: (minute: number) => number; earlierFailures?: number; everyMinutes?: number } = {},
): InputSeries[] {
  const { fails = () => false, seconds = () => 0.2, earlierFailures = 0, everyMinutes = 1 } = opts;
  const total: string[] = [];
  const errors: string[] = [];
  const sum: string[] = [];
  let requests = 0;
  let failed = earlierFailures;
  let busy = 0;
  for (let i = 0; i <= minutes * 2; i++) {
    const minute = i / 2;
    if (i % 2 === 0 && minute >= 1 && minute % everyMinutes === 0) {
      requests++;
      busy += seconds(minute);
      if (fails(minute)) failed++;
    }
    total.push(String(requests));
    errors.push(failed > 0 ? String(failed) : '_');
    sum.push(String(Math.round(busy * 1000) / 1000));
  }
  const labels = { ...APP, method, route };
  return [
    { series: s(m.httpRequests.name, { ...labels, status_code: '200' }), values: total.map((t, i) => String(Number(t) - (errors[i] === '_' ? 0 : Number(errors[i]) - earlierFailures))).join(' ') },
    ...(errors.some((e) => e !== '_') ? [{ series: s(m.httpRequests.name, { ...labels, status_code: '500' }), values: errors.join(' ') }] : []),
    { series: s(`${m.httpRequestDuration.name}_sum`, labels), values: sum.join(' ') },
    { series: s(`${m.httpRequestDuration.name}_count`, labels), values: total.join(' ') },
  ];
}

/** No alert of this name at any of these times (minutes). */
const silentAt = (alertname: string, minutes: number[]) => minutes.map((t) => ({ eval_time: `${Math.round(t * 60)}s`, alertname, exp_alerts: [] }));

/** Unit tests per alert name; the coverage test below demands one entry per generated alert. */
const CASES: Record<string, RuleUnitTest[]> = {
  ImmigrationAiDatabaseDown: [
    {
      interval: '1m',
      input_series: [
        { series: s(m.healthStatus.name, { ...EXPORTER, component: 'database' }), values: '1 1 0x20' },
        { series: s(m.healthStatus.name, { ...EXPORTER, component: 'storage' }), values: '0x22' },
      ],
      alert_rule_test: [
        { eval_time: '1m', alertname: 'ImmigrationAiDatabaseDown', exp_alerts: [] },
        // Down since 2m: pending for the 1m delay, firing within two minutes of the outage.
        { eval_time: '2m30s', alertname: 'ImmigrationAiDatabaseDown', exp_alerts: [] },
        { eval_time: '3m', alertname: 'ImmigrationAiDatabaseDown', exp_alerts: [databaseDown] },
      ],
    },
    {
      // Two exporter replicas (production): one that cannot reach the database is not an outage;
      // when neither can, the page is one alert, not one per replica.
      interval: '1m',
      input_series: [
        { series: s(m.healthStatus.name, { ...EXPORTER, instance: 'exporter-0:8080', component: 'database' }), values: '1 1 0x20' },
        { series: s(m.healthStatus.name, { ...EXPORTER, instance: 'exporter-1:8080', component: 'database' }), values: '1x10 0x12' },
      ],
      alert_rule_test: [
        { eval_time: '8m', alertname: 'ImmigrationAiDatabaseDown', exp_alerts: [] },
        { eval_time: '12m', alertname: 'ImmigrationAiDatabaseDown', exp_alerts: [databaseDown] },
      ],
    },
  ],
  ImmigrationAiDatabaseSlow: [
    {
      interval: '1m',
      input_series: [
        { series: s(m.healthCheckDuration.name, { ...EXPORTER, instance: 'exporter-0:8080', component: 'database' }), values: '1.2x30' },
        { series: s(m.healthCheckDuration.name, { ...EXPORTER, instance: 'exporter-1:8080', component: 'database' }), values: '1.5x30' },
        { series: s(m.healthCheckDuration.name, { ...EXPORTER, instance: 'exporter-0:8080', component: 'storage' }), values: '5x30' },
      ],
      alert_rule_test: [
        { eval_time: '14m30s', alertname: 'ImmigrationAiDatabaseSlow', exp_alerts: [] },
        {
          eval_time: '16m',
          alertname: 'ImmigrationAiDatabaseSlow',
          exp_alerts: [
            alert(
              'ImmigrationAiDatabaseSlow', { job: EXPORTER.job, component: 'database', severity: 'warning' }, 'The database responds slowly.',
              'The database answered the health checks of every immigration-ai-exporter replica in 1.2s or more, above the 1s threshold.', panel('databaseResponseTime'),
            ),
          ],
        },
      ],
    },
    {
      // One replica's slow path (its node, its network) is not a slow database.
      interval: '1m',
      input_series: [
        { series: s(m.healthCheckDuration.name, { ...EXPORTER, instance: 'exporter-0:8080', component: 'database' }), values: '1.2x30' },
        { series: s(m.healthCheckDuration.name, { ...EXPORTER, instance: 'exporter-1:8080', component: 'database' }), values: '0.9x30' },
      ],
      alert_rule_test: [{ eval_time: '20m', alertname: 'ImmigrationAiDatabaseSlow', exp_alerts: [] }],
    },
  ],
  ImmigrationAiEndpointErrorRateHigh: [
    {
      // Busy endpoints (100 requests a minute) alert on the 5m ratio alone, as they always did:
      // the low-traffic guard's 5 failures are there within the first minute.
      interval: '1m',
      input_series: [
        ...traffic('GET', '/api/cases', 89, 11, 40), // 11%: warning and critical
        ...traffic('POST', '/api/documents', 91, 9, 40), // 9%: warning only
        ...traffic('GET', '/api/health', 96, 4, 40), // 4%: nothing
      ],
      alert_rule_test: [
        { eval_time: '5m', alertname: 'ImmigrationAiEndpointErrorRateHigh', exp_alerts: [errorRate('GET', '/api/cases', 'critical', '11%', '10%')] },
        {
          eval_time: '20m',
          alertname: 'ImmigrationAiEndpointErrorRateHigh',
          exp_alerts: [
            errorRate('GET', '/api/cases', 'warning', '11%', '5%'),
            errorRate('GET', '/api/cases', 'critical', '11%', '10%'),
            errorRate('POST', '/api/documents', 'warning', '9%', '5%'),
          ],
        },
      ],
    },
    {
      // The guide's upload endpoint at this platform's traffic: 1 request a minute (about 1,500 a
      // day), healthy for two hours, then every second request fails from 2h01m. The 5m ratio is
      // 40-60% from the first failure, but one failed request is not a page: the guard waits for
      // 5 failures counted in the last hour (the first failure creates the 500 series, which
      // increase() cannot count, so the sixth, at 2h11m). Critical 1 minute later: the page is out
      // 12.5 minutes after the fault started, within 15.
      interval: '30s',
      input_series: perMinute('POST', '/api/documents/upload', 140, { fails: (t) => t > 120 && t % 2 === 1 }),
      alert_rule_test: [
        ...silentAt('ImmigrationAiEndpointErrorRateHigh', [120, 122, 126, 130, 131.5]),
        { eval_time: '132m30s', alertname: 'ImmigrationAiEndpointErrorRateHigh', exp_alerts: [errorRate('POST', '/api/documents/upload', 'critical', '40%', '10%')] },
        // The 5m ratio at times where it reads the same whichever evaluation the recording comes from.
        { eval_time: '134m30s', alertname: 'ImmigrationAiEndpointErrorRateHigh', exp_alerts: [errorRate('POST', '/api/documents/upload', 'critical', '40%', '10%')] },
      ],
    },
    {
      // The same endpoint with one failed request in an hour (its 500 series exists from
      // failures two hours earlier, so increase() sees this one): 20% of the 5m window for five
      // minutes, but never an alert, warning or critical.
      interval: '30s',
      input_series: perMinute('POST', '/api/documents/upload', 180, { fails: (t) => t === 10 || t === 12 || t === 150 }),
      alert_rule_test: silentAt('ImmigrationAiEndpointErrorRateHigh', [150, 150.5, 151, 152, 153, 154, 155, 156, 160, 170, 180]),
    },
    {
      // Four failures in an hour, each its own 20% spike of the 5m ratio: still no alert.
      interval: '30s',
      input_series: perMinute('POST', '/api/documents/upload', 180, { fails: (t) => [10, 110, 125, 140, 155].includes(t) }),
      alert_rule_test: silentAt('ImmigrationAiEndpointErrorRateHigh', [111, 126, 141, 142, 155.5, 156, 157, 160, 170]),
    },
  ],
  ImmigrationAiApiSlow: [
    {
      interval: '1m',
      input_series: [
        { series: s(`${m.httpRequestDuration.name}_sum`, { ...APP, method: 'GET', route: '/api/cases' }), values: '0+126x30' },
        { series: s(`${m.httpRequestDuration.name}_count`, { ...APP, method: 'GET', route: '/api/cases' }), values: '0+60x30' },
        { series: s(`${m.httpRequestDuration.name}_sum`, { ...APP, method: 'GET', route: '/api/agencies' }), values: '0+114x30' },
        { series: s(`${m.httpRequestDuration.name}_count`, { ...APP, method: 'GET', route: '/api/agencies' }), values: '0+60x30' },
        ...traffic('GET', '/api/cases', 60, 0, 30),
        ...traffic('GET', '/api/agencies', 60, 0, 30),
      ],
      alert_rule_test: [
        { eval_time: '14m', alertname: 'ImmigrationAiApiSlow', exp_alerts: [] },
        {
          eval_time: '17m',
          alertname: 'ImmigrationAiApiSlow',
          exp_alerts: [
            alert(
              'ImmigrationAiApiSlow', { job: APP.job, method: 'GET', route: '/api/cases', severity: 'warning' }, 'An API endpoint responds slowly.',
              'GET /api/cases answers in 2.1s on average, above the 2s threshold.', panel('meanResponseTime', { route: '%2Fapi%2Fcases' }),
            ),
          ],
        },
      ],
    },
    {
      // 1 request a minute, every one taking 2.5 s from 1h01m: the 5m mean passes 2 s after four
      // slow requests, and the warning fires its 15 minutes later (60 requests an hour meet the guard).
      interval: '30s',
      input_series: perMinute('POST', '/api/documents/upload', 100, { seconds: (t) => (t > 60 ? 2.5 : 0.2) }),
      alert_rule_test: [
        // (promtool evaluates the rule groups in no fixed order, so a recording reaches the alert in
        // the same or the next evaluation: times near a transition are avoided.)
        ...silentAt('ImmigrationAiApiSlow', [60, 70, 78]),
        {
          eval_time: '82m',
          alertname: 'ImmigrationAiApiSlow',
          exp_alerts: [
            alert(
              'ImmigrationAiApiSlow', { job: APP.job, method: 'POST', route: '/api/documents/upload', severity: 'warning' }, 'An API endpoint responds slowly.',
              'POST /api/documents/upload answers in 2.5s on average, above the 2s threshold.', panel('meanResponseTime', { route: '%2Fapi%2Fdocuments%2Fupload' }),
            ),
          ],
        },
      ],
    },
    {
      // The same endpoint with one 30 s request in an hour: its 5m mean is 6 s for five minutes,
      // which never lasts the warning's 15 minutes.
      interval: '30s',
      input_series: perMinute('POST', '/api/documents/upload', 150, { seconds: (t) => (t === 100 ? 30 : 0.2) }),
      alert_rule_test: silentAt('ImmigrationAiApiSlow', [100.5, 102, 104, 106, 110, 116, 120, 130]),
    },
    {
      // A request every three minutes (20 an hour), every one slow: below the guard's 30 requests
      // an hour, too few to judge a mean by, so never an alert however long it lasts.
      interval: '30s',
      input_series: perMinute('GET', '/api/reports/:id', 120, { seconds: () => 5, everyMinutes: 3 }),
      alert_rule_test: silentAt('ImmigrationAiApiSlow', [30, 60, 90, 120]),
    },
  ],
  ImmigrationAiUnauthorizedAccessSpike: [
    {
      // 1.5/s + 0.5/s = 2/s over all reasons: above 1/s.
      interval: '1m',
      input_series: [
        { series: s(m.unauthorizedAccessAttempts.name, { ...APP, reason: 'invalid_token' }), values: '0+90x20' },
        { series: s(m.unauthorizedAccessAttempts.name, { ...APP, reason: 'forbidden' }), values: '0+30x20' },
      ],
      alert_rule_test: [
        {
          eval_time: '5m',
          alertname: 'ImmigrationAiUnauthorizedAccessSpike',
          exp_alerts: [
            alert(
              'ImmigrationAiUnauthorizedAccessSpike', { job: APP.job, severity: 'critical' }, 'Unauthorized access attempts are spiking.',
              'immigration-ai rejects 2 unauthorized access attempts per second, above the 1/s threshold: a possible attack.', panel('unauthorizedAttempts'),
            ),
          ],
        },
      ],
    },
    {
      // 0.9/s: below the threshold.
      interval: '1m',
      input_series: [{ series: s(m.unauthorizedAccessAttempts.name, { ...APP, reason: 'bad_credentials' }), values: '0+54x20' }],
      alert_rule_test: [{ eval_time: '10m', alertname: 'ImmigrationAiUnauthorizedAccessSpike', exp_alerts: [] }],
    },
  ],
  ImmigrationAiBackupVerificationFailed: [
    {
      // A missed backup still alerts: the newest verified run is 22h old at t=0 (both exporter
      // replicas read it from the backup job's record) and no new run comes. It passes the 26h
      // limit at 4h; the warning fires 15 minutes later, once for both replicas.
      interval: '5m',
      input_series: [
        { series: s(m.backupLastSuccess.name, { ...EXPORTER, instance: 'exporter-0:8080' }), values: '-79200x60' },
        { series: s(m.backupLastSuccess.name, { ...EXPORTER, instance: 'exporter-1:8080' }), values: '-79200x60' },
        // The newest failed run is older than the newest verified one. (No failure at all is 0,
        // which in real time is decades ago; promtool's clock starts at 0, so it is written so.)
        { series: s(m.backupLastFailure.name, { ...EXPORTER, instance: 'exporter-0:8080' }), values: '-1000000000x60' },
        { series: s(m.backupLastFailure.name, { ...EXPORTER, instance: 'exporter-1:8080' }), values: '-1000000000x60' },
      ],
      alert_rule_test: [
        ...silentAt('ImmigrationAiBackupVerificationFailed', [60, 180, 240, 250]),
        { eval_time: '4h20m', alertname: 'ImmigrationAiBackupVerificationFailed', exp_alerts: [backupTooOld('1d 2h 20m 0s')] },
      ],
    },
    {
      // A backup never recorded at all: the exporter publishes 0 (the query's coalesce), decades
      // before now. Here 31 years before the test's t=0.
      interval: '5m',
      input_series: [{ series: s(m.backupLastSuccess.name, EXPORTER), values: '-1000000000x10' }],
      alert_rule_test: [{ eval_time: '20m', alertname: 'ImmigrationAiBackupVerificationFailed', exp_alerts: [backupTooOld('11574d 2h 6m 40s')] }],
    },
    {
      // Restarts never fake a missing backup. The record says 2h old. Exporter replica 0 restarts
      // at 30m (its series is gone for a minute and a half, then back with the same value);
      // replica 1 is replaced by a new pod at 60m. An app pod that never ran a backup exposes 0
      // under job immigration-ai, as the app library used to: no rule reads the app for backups.
      interval: '30s',
      input_series: [
        { series: s(m.backupLastSuccess.name, { ...EXPORTER, instance: 'exporter-0:8080' }), values: `-7200x59 _x3 ${'-7200 '.repeat(178)}-7200` },
        { series: s(m.backupLastSuccess.name, { ...EXPORTER, instance: 'exporter-1:8080' }), values: '-7200x119' },
        { series: s(m.backupLastSuccess.name, { ...EXPORTER, instance: 'exporter-2:8080' }), values: `_x121 -7200x118` },
        { series: s(m.backupLastSuccess.name, { ...APP, instance: 'app-0:8000' }), values: '0x240' },
      ],
      alert_rule_test: silentAt('ImmigrationAiBackupVerificationFailed', [10, 30, 31, 32, 35, 50, 60, 61, 62, 80, 100, 120]),
    },
    {
      // The newest run fails verification at 2h: a warning 15 minutes later; the next verified
      // run at 3h resolves it.
      interval: '5m',
      input_series: [
        { series: s(m.backupLastSuccess.name, { ...EXPORTER, instance: 'exporter-0:8080' }), values: '-72000x35 10800x10' },
        { series: s(m.backupLastSuccess.name, { ...EXPORTER, instance: 'exporter-1:8080' }), values: '-72000x35 10800x10' },
        { series: s(m.backupLastFailure.name, { ...EXPORTER, instance: 'exporter-0:8080' }), values: '-150000x23 7200x22' },
        { series: s(m.backupLastFailure.name, { ...EXPORTER, instance: 'exporter-1:8080' }), values: '-150000x23 7200x22' },
      ],
      alert_rule_test: [
        ...silentAt('ImmigrationAiBackupVerificationFailed', [60, 115, 130]),
        {
          eval_time: '2h20m',
          alertname: 'ImmigrationAiBackupVerificationFailed',
          exp_alerts: [
            alert(
              'ImmigrationAiBackupVerificationFailed', { job: EXPORTER.job, reason: 'verification_failed', severity: 'warning' }, 'Backups are failing or missing.',
              'The newest backup run recorded by the backup job, at 1970-01-01 02:00:00 +0000 UTC, failed or did not pass verification, and no verified backup has been recorded since (read by immigration-ai-exporter).',
              panel('newestBackupRun'),
            ),
          ],
        },
        ...silentAt('ImmigrationAiBackupVerificationFailed', [185]),
      ],
    },
  ],
  ImmigrationAiExporterDown: [
    {
      // Two replicas: one down is a warning after 15 minutes; both down page after 1 minute, once.
      interval: '1m',
      input_series: [
        { series: s('up', { ...EXPORTER, instance: 'a:8080' }), values: '1 1 0x30' },
        { series: s('up', { ...EXPORTER, instance: 'b:8080' }), values: '1x20 0x12' },
      ],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'ImmigrationAiExporterDown', exp_alerts: [] },
        { eval_time: '18m', alertname: 'ImmigrationAiExporterDown', exp_alerts: [exporterDown('warning', 1)] },
        { eval_time: '21m30s', alertname: 'ImmigrationAiExporterDown', exp_alerts: [exporterDown('warning', 2)] },
        { eval_time: '22m', alertname: 'ImmigrationAiExporterDown', exp_alerts: [exporterDown('warning', 2), exporterDown('critical')] },
      ],
    },
    {
      // No exporter target at all (only the app is scraped).
      interval: '1m',
      input_series: [{ series: s('up', APP), values: '1x10' }],
      alert_rule_test: [{ eval_time: '2m', alertname: 'ImmigrationAiExporterDown', exp_alerts: [exporterDown('critical')] }],
    },
  ],
  ImmigrationAiAppDown: [
    {
      // Three app pods at the production scrape interval: one crash-looping pod is a warning,
      // after the warning delay; the critical waits until none answers, then pages once.
      interval: '30s',
      input_series: [
        { series: s('up', { ...APP, instance: 'app-0:8000' }), values: '1x4 0x80' },
        { series: s('up', { ...APP, instance: 'app-1:8000' }), values: '1x60 0x24' },
        { series: s('up', { ...APP, instance: 'app-2:8000' }), values: '1x60 0x12 1x12' },
      ],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'ImmigrationAiAppDown', exp_alerts: [] },
        { eval_time: '17m30s', alertname: 'ImmigrationAiAppDown', exp_alerts: [appDown('warning', 1)] },
        // All three down at 30m: pending for the critical's minute, then firing (the warning, on
        // its own count of 3, is inhibited by it in Alertmanager: same alertname and labels).
        { eval_time: '30m30s', alertname: 'ImmigrationAiAppDown', exp_alerts: [appDown('warning', 3)] },
        { eval_time: '31m30s', alertname: 'ImmigrationAiAppDown', exp_alerts: [appDown('warning', 3), appDown('critical')] },
        // One pod back at 36m: no longer a page.
        { eval_time: '37m', alertname: 'ImmigrationAiAppDown', exp_alerts: [appDown('warning', 2)] },
      ],
    },
    {
      // Every pod gone from service discovery: `up` has no series at all.
      interval: '30s',
      input_series: [{ series: s('up', EXPORTER), values: '1x10' }],
      alert_rule_test: [
        { eval_time: '30s', alertname: 'ImmigrationAiAppDown', exp_alerts: [] },
        { eval_time: '1m30s', alertname: 'ImmigrationAiAppDown', exp_alerts: [appDown('critical')] },
      ],
    },
    {
      // One pod, killed and restarted within the critical's minute: nothing.
      interval: '30s',
      input_series: [{ series: s('up', { ...APP, instance: 'app-0:8000' }), values: '1x4 0 1x10' }],
      alert_rule_test: [
        { eval_time: '2m30s', alertname: 'ImmigrationAiAppDown', exp_alerts: [] },
        { eval_time: '4m', alertname: 'ImmigrationAiAppDown', exp_alerts: [] },
      ],
    },
  ],
  ImmigrationAiMaintenanceTooLong: [
    {
      // Maintenance from 10m (both replicas read the same toggle): a warning once it has lasted
      // 4 hours, at 4h10m, once; nothing for a 3-hour window (from 10m to 3h10m in the second series).
      interval: '5m',
      input_series: [
        { series: s(m.maintenanceMode.name, { ...EXPORTER, instance: 'exporter-0:8080' }), values: '0 0 1x60' },
        { series: s(m.maintenanceMode.name, { ...EXPORTER, instance: 'exporter-1:8080' }), values: '0 0 1x60' },
      ],
      alert_rule_test: [
        ...silentAt('ImmigrationAiMaintenanceTooLong', [60, 240, 245]),
        {
          eval_time: '4h15m',
          alertname: 'ImmigrationAiMaintenanceTooLong',
          exp_alerts: [
            alert(
              'ImmigrationAiMaintenanceTooLong', { job: EXPORTER.job, severity: 'warning' }, 'Maintenance mode has been on for a long time.',
              'immigration-ai-exporter has reported maintenance mode for more than 4h: every alert except Watchdog and this one is inhibited. End it if the maintenance is over.',
              panel('maintenanceMode'),
            ),
          ],
        },
      ],
    },
    {
      interval: '5m',
      input_series: [{ series: s(m.maintenanceMode.name, EXPORTER), values: '0 0 1x36 0x30' }],
      alert_rule_test: silentAt('ImmigrationAiMaintenanceTooLong', [120, 180, 185, 240, 300]),
    },
  ],
  ImmigrationAiMaintenanceMode: [
    {
      // Both exporter replicas read the same toggle: one alert, not two.
      interval: '1m',
      input_series: [
        { series: s(m.maintenanceMode.name, EXPORTER), values: '0 0 1x5 0x5' },
        { series: s(m.maintenanceMode.name, { ...EXPORTER, instance: 'exporter-1:8080' }), values: '0 0 1x5 0x5' },
      ],
      alert_rule_test: [
        { eval_time: '1m', alertname: 'ImmigrationAiMaintenanceMode', exp_alerts: [] },
        {
          eval_time: '2m',
          alertname: 'ImmigrationAiMaintenanceMode',
          exp_alerts: [
            alert(
              'ImmigrationAiMaintenanceMode', { job: EXPORTER.job, severity: 'none' }, 'Planned maintenance is on and alerts are silenced.',
              'immigration-ai-exporter reports maintenance mode: every alert except Watchdog is inhibited until it ends.', panel('maintenanceMode'),
            ),
          ],
        },
        { eval_time: '8m', alertname: 'ImmigrationAiMaintenanceMode', exp_alerts: [] },
      ],
    },
  ],
  ImmigrationAiNotificationsDropped: [
    {
      // The SMS bridge's cap (10 per sliding hour) drops 3 pages at 20m, and the bridge restarts at
      // 40m (its counters start over). The warning fires at the first evaluation after the drop,
      // with no delay, and clears an hour later; the not_configured reason is its own alert.
      interval: '1m',
      input_series: [
        { series: s(m.smsNotificationsDropped.name, { job: 'immigration-ai-sms-bridge', instance: 'bridge:9095', reason: 'rate_limited' }), values: '0x19 3x20 0x60' },
        { series: s(m.smsNotificationsDropped.name, { job: 'immigration-ai-sms-bridge', instance: 'bridge:9095', reason: 'not_configured' }), values: '0x100' },
      ],
      alert_rule_test: [
        ...silentAt('ImmigrationAiNotificationsDropped', [10, 19]),
        {
          eval_time: '20m',
          alertname: 'ImmigrationAiNotificationsDropped',
          exp_alerts: [
            alert(
              'ImmigrationAiNotificationsDropped', { job: 'immigration-ai-sms-bridge', reason: 'rate_limited', severity: 'warning' }, 'Pages are not sent by SMS.',
              'The SMS bridge dropped 3 page notification(s) in the last hour, reason rate_limited: rate_limited means the hourly cap of 10 SMS was reached and further pages reach email and Slack only until the hour rolls over; not_configured means the bridge lacks its Twilio settings.',
              panel('smsPagesDropped'),
            ),
          ],
        },
        // The restart at 40m resets the counter: increase() does not count it as new drops.
        ...silentAt('ImmigrationAiNotificationsDropped', [81, 90]),
      ],
    },
  ],
  ImmigrationAiSmsDeliveryFailing: [
    {
      // Twilio fails from 10m (2 failed sends a minute, Alertmanager retrying), comes back at 20m
      // (deliveries resume): the warning fires at once and resolves with the first delivery.
      interval: '1m',
      input_series: [
        { series: s(m.smsMessages.name, { job: 'immigration-ai-sms-bridge', instance: 'bridge:9095', outcome: 'failed' }), values: '0x9 2+2x10 22x40' },
        { series: s(m.smsMessages.name, { job: 'immigration-ai-sms-bridge', instance: 'bridge:9095', outcome: 'sent' }), values: '5x20 6x40' },
      ],
      alert_rule_test: [
        ...silentAt('ImmigrationAiSmsDeliveryFailing', [5, 9]),
        {
          eval_time: '15m',
          alertname: 'ImmigrationAiSmsDeliveryFailing',
          exp_alerts: [
            alert(
              'ImmigrationAiSmsDeliveryFailing', { job: 'immigration-ai-sms-bridge', severity: 'warning' }, 'SMS delivery through Twilio is failing.',
              'The SMS bridge failed 12 SMS send(s) in the last 10 minutes and delivered none: Twilio is failing, hanging or refusing the credentials. Alertmanager keeps retrying the pages, which reach email and Slack only until Twilio answers again.',
              panel('smsSends'),
            ),
          ],
        },
        ...silentAt('ImmigrationAiSmsDeliveryFailing', [22, 40]),
      ],
    },
  ],
  Watchdog: [
    {
      interval: '1m',
      input_series: [],
      alert_rule_test: [
        {
          eval_time: '0m',
          alertname: 'Watchdog',
          exp_alerts: [
            alert(
              'Watchdog', { severity: 'none' }, 'An alert that always fires, to prove the alerting pipeline works end to end.',
              'Watchdog fires at all times (value 1). The dead man\'s switch pages when it stops receiving it: then Prometheus, Alertmanager or the route between them is broken.',
            ),
          ],
        },
      ],
    },
  ],
  PrometheusRuleEvaluationFailures: [
    {
      interval: '1m',
      input_series: [
        { series: s('prometheus_rule_evaluation_failures_total', { job: 'prometheus', instance: 'p-0', rule_group: 'api.yaml;api' }), values: '0+1x40' },
        // A single failure does not last the 15 minutes.
        { series: s('prometheus_rule_evaluation_failures_total', { job: 'prometheus', instance: 'p-0', rule_group: 'http.yaml;http' }), values: '0x5 1x35' },
      ],
      alert_rule_test: [
        { eval_time: '14m', alertname: 'PrometheusRuleEvaluationFailures', exp_alerts: [] },
        {
          eval_time: '20m',
          alertname: 'PrometheusRuleEvaluationFailures',
          exp_alerts: [
            alert(
              'PrometheusRuleEvaluationFailures', { job: 'prometheus', instance: 'p-0', rule_group: 'api.yaml;api', severity: 'warning' }, 'Prometheus fails to evaluate rules.',
              'Prometheus p-0 failed 5 rule evaluations of group api.yaml;api in the last 5 minutes: alerts of that group may not fire.',
            ),
          ],
        },
      ],
    },
  ],
  PrometheusNotificationsFailing: [
    {
      interval: '1m',
      input_series: [
        { series: s('prometheus_notifications_errors_total', { job: 'prometheus', instance: 'p-0', alertmanager: 'http://am-0:9093/api/v2/alerts' }), values: '0+2x40' },
        { series: s('prometheus_notifications_errors_total', { job: 'prometheus', instance: 'p-0', alertmanager: 'http://am-1:9093/api/v2/alerts' }), values: '0x40' },
      ],
      alert_rule_test: [
        { eval_time: '14m', alertname: 'PrometheusNotificationsFailing', exp_alerts: [] },
        {
          eval_time: '20m',
          alertname: 'PrometheusNotificationsFailing',
          exp_alerts: [
            alert(
              'PrometheusNotificationsFailing', { job: 'prometheus', instance: 'p-0', alertmanager: 'http://am-0:9093/api/v2/alerts', severity: 'warning' },
              'Prometheus fails to send alerts to Alertmanager.', 'Prometheus p-0 failed to send 10 alerts to Alertmanager http://am-0:9093/api/v2/alerts in the last 5 minutes.',
            ),
          ],
        },
      ],
    },
  ],
  PrometheusConfigReloadFailed: [
    {
      interval: '1m',
      input_series: [
        { series: s('prometheus_config_last_reload_successful', { job: 'prometheus', instance: 'p-0' }), values: '1 1 0x40' },
        { series: s('prometheus_config_last_reload_successful', { job: 'prometheus', instance: 'p-1' }), values: '1x40' },
      ],
      alert_rule_test: [
        // 0 since 2m; the 5m max_over_time sees it from 7m; the warning fires 15m later.
        { eval_time: '21m', alertname: 'PrometheusConfigReloadFailed', exp_alerts: [] },
        {
          eval_time: '23m',
          alertname: 'PrometheusConfigReloadFailed',
          exp_alerts: [
            alert(
              'PrometheusConfigReloadFailed', { job: 'prometheus', instance: 'p-0', severity: 'warning' }, 'Prometheus could not load its latest configuration.',
              'Prometheus p-0 failed to reload its configuration (last reload successful = 0); it keeps running the previous one.',
            ),
          ],
        },
      ],
    },
  ],
  AlertmanagerConfigReloadFailed: [
    {
      interval: '1m',
      input_series: [
        { series: s('alertmanager_config_last_reload_successful', { job: 'alertmanager', instance: 'am-0' }), values: '1 1 0x40' },
        { series: s('alertmanager_config_last_reload_successful', { job: 'alertmanager', instance: 'am-1' }), values: '1x40' },
      ],
      alert_rule_test: [
        { eval_time: '21m', alertname: 'AlertmanagerConfigReloadFailed', exp_alerts: [] },
        {
          eval_time: '23m',
          alertname: 'AlertmanagerConfigReloadFailed',
          exp_alerts: [
            alert(
              'AlertmanagerConfigReloadFailed', { job: 'alertmanager', instance: 'am-0', severity: 'warning' }, 'Alertmanager could not load its latest configuration.',
              'Alertmanager am-0 failed to reload its configuration (last reload successful = 0); it keeps running the previous one.',
            ),
          ],
        },
      ],
    },
  ],
  AlertmanagerNotificationsFailing: [
    {
      interval: '1m',
      input_series: [
        { series: s('alertmanager_notifications_failed_total', { job: 'alertmanager', instance: 'am-0', integration: 'slack' }), values: '0+1x40' },
        { series: s('alertmanager_notifications_failed_total', { job: 'alertmanager', instance: 'am-0', integration: 'email' }), values: '0x40' },
      ],
      alert_rule_test: [
        { eval_time: '14m', alertname: 'AlertmanagerNotificationsFailing', exp_alerts: [] },
        {
          eval_time: '20m',
          alertname: 'AlertmanagerNotificationsFailing',
          exp_alerts: [
            alert(
              'AlertmanagerNotificationsFailing', { job: 'alertmanager', instance: 'am-0', integration: 'slack', severity: 'warning' }, 'Alertmanager fails to deliver notifications.',
              'Alertmanager am-0 failed 5 slack notifications in the last 5 minutes: people may not be told about alerts.',
            ),
          ],
        },
      ],
    },
  ],
  ImmigrationAiApiAvailabilityBudgetBurn: [
    {
      // 10% errors: above every burn threshold (14.4 x 0.5% = 7.2%). Pages after 1m, tickets after 15m.
      interval: '1m',
      input_series: traffic('GET', '/api/cases', 90, 10, 60),
      alert_rule_test: [
        { eval_time: '2m', alertname: 'ImmigrationAiApiAvailabilityBudgetBurn', exp_alerts: [availabilityBurn('1h', '5m', '14.4', 'critical', '10%'), availabilityBurn('6h', '30m', '6', 'critical', '10%')] },
        {
          eval_time: '30m',
          alertname: 'ImmigrationAiApiAvailabilityBudgetBurn',
          exp_alerts: [
            availabilityBurn('1h', '5m', '14.4', 'critical', '10%'),
            availabilityBurn('6h', '30m', '6', 'critical', '10%'),
            availabilityBurn('1d', '2h', '3', 'warning', '10%'),
            availabilityBurn('3d', '6h', '1', 'warning', '10%'),
          ],
        },
      ],
    },
    {
      // 2% errors: only the slow-burn windows (3x = 1.5%, 1x = 0.5%), as warnings.
      interval: '1m',
      input_series: traffic('GET', '/api/cases', 98, 2, 60),
      alert_rule_test: [
        { eval_time: '10m', alertname: 'ImmigrationAiApiAvailabilityBudgetBurn', exp_alerts: [] },
        { eval_time: '30m', alertname: 'ImmigrationAiApiAvailabilityBudgetBurn', exp_alerts: [availabilityBurn('1d', '2h', '3', 'warning', '2%'), availabilityBurn('3d', '6h', '1', 'warning', '2%')] },
      ],
    },
    {
      // 0.4% errors: within the 99.5% objective.
      interval: '1m',
      input_series: traffic('GET', '/api/cases', 249, 1, 60),
      alert_rule_test: [{ eval_time: '40m', alertname: 'ImmigrationAiApiAvailabilityBudgetBurn', exp_alerts: [] }],
    },
  ],
  ImmigrationAiApiLatencyBudgetBurn: [
    {
      // 10% slower than 2.5s against a 1% budget: above 6x, 3x and 1x, below 14.4x (14.4%), so the 1h/5m page stays silent.
      interval: '1m',
      input_series: [
        { series: s(`${m.httpRequestDuration.name}_bucket`, { ...APP, method: 'GET', route: '/api/cases', le: '2.5' }), values: '0+90x60' },
        { series: s(`${m.httpRequestDuration.name}_count`, { ...APP, method: 'GET', route: '/api/cases' }), values: '0+100x60' },
      ],
      alert_rule_test: [
        { eval_time: '2m', alertname: 'ImmigrationAiApiLatencyBudgetBurn', exp_alerts: [latencyBurn('6h', '30m', '6', 'critical', '10%')] },
        {
          eval_time: '30m',
          alertname: 'ImmigrationAiApiLatencyBudgetBurn',
          exp_alerts: [latencyBurn('6h', '30m', '6', 'critical', '10%'), latencyBurn('1d', '2h', '3', 'warning', '10%'), latencyBurn('3d', '6h', '1', 'warning', '10%')],
        },
      ],
    },
    {
      // 0.5% slow: within the objective.
      interval: '1m',
      input_series: [
        { series: s(`${m.httpRequestDuration.name}_bucket`, { ...APP, method: 'GET', route: '/api/cases', le: '2.5' }), values: '0+199x60' },
        { series: s(`${m.httpRequestDuration.name}_count`, { ...APP, method: 'GET', route: '/api/cases' }), values: '0+200x60' },
      ],
      alert_rule_test: [{ eval_time: '40m', alertname: 'ImmigrationAiApiLatencyBudgetBurn', exp_alerts: [] }],
    },
  ],
};

/** A per-endpoint recording rule's values at 10m for GET /api/cases and GET /api/ok. */
const perEndpointAt10m = (record: string, cases: number, ok: number) => ({
  expr: record,
  eval_time: '10m',
  exp_samples: [
    { labels: s(record, { job: APP.job, method: 'GET', route: '/api/cases' }), value: cases },
    { labels: s(record, { job: APP.job, method: 'GET', route: '/api/ok' }), value: ok },
  ],
});

/** The shared recording rules compute what contract/recording-rules.ts promises. */
const RECORDING_TESTS: RuleUnitTest[] = [
  {
    interval: '1m',
    input_series: [
      ...traffic('GET', '/api/cases', 60, 30, 10), // 1.5 req/s, 0.5 errors/s
      { series: s(m.httpRequests.name, { ...APP, method: 'GET', route: '/api/ok', status_code: '200' }), values: '0+60x10' },
      { series: s(`${m.httpRequestDuration.name}_sum`, { ...APP, method: 'GET', route: '/api/cases' }), values: '0+120x10' },
      { series: s(`${m.httpRequestDuration.name}_count`, { ...APP, method: 'GET', route: '/api/cases' }), values: '0+60x10' },
      { series: s(`${m.httpRequestDuration.name}_bucket`, { ...APP, method: 'GET', route: '/api/cases', le: '0.5' }), values: '0+30x10' },
      { series: s(`${m.httpRequestDuration.name}_bucket`, { ...APP, method: 'GET', route: '/api/cases', le: '1' }), values: '0+60x10' },
      { series: s(`${m.httpRequestDuration.name}_bucket`, { ...APP, method: 'GET', route: '/api/cases', le: '+Inf' }), values: '0+60x10' },
    ],
    promql_expr_test: [
      perEndpointAt10m(RECORDED.httpRequestsRate5m, 1.5, 1),
      perEndpointAt10m(RECORDED.httpErrorsRate5m, 0.5, 0),
      perEndpointAt10m(RECORDED.httpErrorRatio5m, 1 / 3, 0),
      // The low-traffic guards' counts over the last hour (here the 10 minutes there are).
      perEndpointAt10m(RECORDED.httpRequestsIncrease1h, 900, 600),
      perEndpointAt10m(RECORDED.httpErrorsIncrease1h, 300, 0),
      {
        expr: RECORDED.httpDurationMean5m,
        eval_time: '10m',
        exp_samples: [{ labels: s(RECORDED.httpDurationMean5m, { job: APP.job, method: 'GET', route: '/api/cases' }), value: 2 }],
      },
      {
        expr: RECORDED.httpDurationQuantile5m,
        eval_time: '10m',
        exp_samples: [
          { labels: s(RECORDED.httpDurationQuantile5m, { job: APP.job, method: 'GET', route: '/api/cases', quantile: '0.5' }), value: 0.5 },
          { labels: s(RECORDED.httpDurationQuantile5m, { job: APP.job, method: 'GET', route: '/api/cases', quantile: '0.95' }), value: 0.95 },
          { labels: s(RECORDED.httpDurationQuantile5m, { job: APP.job, method: 'GET', route: '/api/cases', quantile: '0.99' }), value: 0.99 },
        ],
      },
    ],
  },
];

describe('promtool test rules', () => {
  let dir: string;
  let cleanup: () => void;
  let ruleFiles: string[];
  beforeAll(() => {
    const tree = rulesTree(config);
    ({ dir, cleanup } = writeTempTree(tree, 'promtool-unit-'));
    ruleFiles = tree.paths().map((p) => `${dir}/${p}`);
  });
  afterAll(() => cleanup());
  const evalInterval = `${config.evaluationIntervalSeconds}s`;

  it('has unit tests for every generated alert (the resource alerts in resource-rules-promtool.test.ts)', () => {
    const resources = new Set([computeAlertsGroup(config), storageAlertsGroup(config)].flatMap((g) => g.rules.filter(isAlertingRule).map((r) => r.alert)));
    const names = [...new Set(alertingRules(config).map((r) => r.alert))].filter((n) => !resources.has(n)).sort();
    expect(Object.keys(CASES).sort()).toEqual(names);
  });

  it.each(Object.keys(CASES))('%s', (name) => {
    const r = runPromtoolTests(dir, ruleFiles, CASES[name], evalInterval);
    expect(r.output).toContain('SUCCESS');
    expect(r).toMatchObject({ ok: true });
  });

  it('recording rules compute what contract/recording-rules.ts promises', () => {
    const r = runPromtoolTests(dir, ruleFiles, RECORDING_TESTS, evalInterval);
    expect(r.output).toContain('SUCCESS');
    expect(r).toMatchObject({ ok: true });
  });

  it('fails when an expectation is wrong (79% CPU must not alert)', () => {
    const wrong: RuleUnitTest[] = [
      {
        interval: '1m',
        input_series: [{ series: s(m.systemCpuUsage.name, { ...EXPORTER, instance: 'a' }), values: '0.79x30' }],
        alert_rule_test: [{ eval_time: '20m', alertname: 'ImmigrationAiHighCpuUsage', exp_alerts: [cpu('a', 'warning', '79%', '80%')] }],
      },
    ];
    const r = runPromtoolTests(dir, ruleFiles, wrong, evalInterval);
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/FAILED/);
  });
});

describe('promtool test rules: thresholds follow the configuration', () => {
  it('an SLO latency threshold of 1s matches the bucket in Prometheus 2 (le="1") and 3 (le="1.0") notation', () => {
    const c = loadConfig('production', {}, { alerting: { slo: { latencyThresholdSeconds: 1 } } });
    const tree = rulesTree(c);
    const { dir, cleanup } = writeTempTree(tree, 'promtool-le-');
    try {
      const record = 'job:immigration_ai_http_slow_requests:ratio_rate5m';
      const tests: RuleUnitTest[] = (['1', '1.0'] as const).map((le) => ({
        interval: '1m',
        input_series: [
          { series: s(`${m.httpRequestDuration.name}_bucket`, { ...APP, method: 'GET', route: '/x', le }), values: '0+75x10' },
          { series: s(`${m.httpRequestDuration.name}_count`, { ...APP, method: 'GET', route: '/x' }), values: '0+100x10' },
        ],
        promql_expr_test: [{ expr: record, eval_time: '10m', exp_samples: [{ labels: s(record, { job: APP.job }), value: 0.25 }] }],
      }));
      const r = runPromtoolTests(dir, tree.paths().map((p) => `${dir}/${p}`), tests, '30s');
      expect(r.output).toContain('SUCCESS');
      expect(r.ok).toBe(true);
    } finally {
      cleanup();
    }
  });
});
