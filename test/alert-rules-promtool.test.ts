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
import { runPromtoolTests, seriesOf as s, type ExpectedAlert, type RuleUnitTest } from './helpers/promtool-tests.js';
import { writeTempTree } from './helpers/rules-on-disk.js';

const config = loadConfig('production', {});
const RUNBOOKS = 'https://github.com/immigration-ai/immigration-ai-observability/blob/main/dist/runbooks';
const GRAFANA = 'https://grafana.immigrationai.com/d';
const EXPORTER = { job: 'immigration-ai-exporter', instance: 'exporter-0:9464' };
const APP = { job: 'immigration-ai', instance: 'app-0:8000' };
const m = METRICS;

function alert(
  name: string,
  labels: Record<string, string>,
  summary: string,
  description: string,
  dashboard?: 'system-overview' | 'performance' | 'error-tracking',
): ExpectedAlert {
  return {
    exp_labels: labels,
    exp_annotations: {
      summary,
      description,
      runbook_url: `${RUNBOOKS}/${name}.md`,
      ...(dashboard ? { dashboard_url: `${GRAFANA}/immigration-ai-${dashboard}` } : {}),
    },
  };
}

const cpu = (instance: string, severity: string, value: string, threshold: string) =>
  alert('ImmigrationAiHighCpuUsage', { ...EXPORTER, instance, severity }, 'CPU usage is high.', `CPU usage on ${instance} is ${value}, above the ${threshold} ${severity} threshold.`, 'system-overview');
const errorRate = (method: string, route: string, severity: string, value: string, threshold: string) =>
  alert(
    'ImmigrationAiEndpointErrorRateHigh',
    { job: APP.job, method, route, severity },
    'An API endpoint answers too many requests with server errors.',
    `${method} ${route} answers ${value} of its requests with 5xx, above the ${threshold} ${severity} threshold.`,
    'error-tracking',
  );
const burn = (alertname: string, slo: string, long: string, short: string, severity: string, summary: string, text: string) =>
  alert(alertname, { job: APP.job, slo, long_window: long, short_window: short, severity }, summary, text, 'performance');
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
        {
          eval_time: '3m',
          alertname: 'ImmigrationAiDatabaseDown',
          exp_alerts: [
            alert(
              'ImmigrationAiDatabaseDown', { ...EXPORTER, component: 'database', severity: 'critical' }, 'The application database is unreachable.',
              'The health check run by immigration-ai-exporter on exporter-0:9464 reports no database connectivity (health status 0).', 'system-overview',
            ),
          ],
        },
      ],
    },
  ],
  ImmigrationAiDatabaseSlow: [
    {
      interval: '1m',
      input_series: [
        { series: s(m.healthCheckDuration.name, { ...EXPORTER, instance: 'slow:9464', component: 'database' }), values: '1.2x30' },
        { series: s(m.healthCheckDuration.name, { ...EXPORTER, instance: 'fine:9464', component: 'database' }), values: '0.9x30' },
        { series: s(m.healthCheckDuration.name, { ...EXPORTER, instance: 'slow:9464', component: 'storage' }), values: '5x30' },
      ],
      alert_rule_test: [
        { eval_time: '14m30s', alertname: 'ImmigrationAiDatabaseSlow', exp_alerts: [] },
        {
          eval_time: '16m',
          alertname: 'ImmigrationAiDatabaseSlow',
          exp_alerts: [
            alert(
              'ImmigrationAiDatabaseSlow', { ...EXPORTER, instance: 'slow:9464', component: 'database', severity: 'warning' }, 'The database responds slowly.',
              'The database answered the health check of slow:9464 in 1.2s, above the 1s threshold.', 'performance',
            ),
          ],
        },
      ],
    },
  ],
  ImmigrationAiEndpointErrorRateHigh: [
    {
      interval: '1m',
      input_series: [
        ...traffic('GET', '/api/cases', 89, 11, 40), // 11%: warning and critical
        ...traffic('POST', '/api/documents', 91, 9, 40), // 9%: warning only
        ...traffic('GET', '/api/health', 96, 4, 40), // 4%: nothing
        ...traffic('GET', '/api/rare', 2.67, 0.33, 40), // 11% but 0.05 req/s: below the low-traffic guard
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
              'GET /api/cases answers in 2.1s on average, above the 2s threshold.', 'performance',
            ),
          ],
        },
      ],
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
              'immigration-ai rejects 2 unauthorized access attempts per second, above the 1/s threshold: a possible attack.', 'error-tracking',
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
      // One verification failure at 70m: the warning waits 15 minutes.
      interval: '1m',
      input_series: [{ series: s(m.backupVerificationFailures.name, APP), values: '0x69 1x40' }],
      alert_rule_test: [
        { eval_time: '60m', alertname: 'ImmigrationAiBackupVerificationFailed', exp_alerts: [] },
        { eval_time: '84m', alertname: 'ImmigrationAiBackupVerificationFailed', exp_alerts: [] },
        {
          eval_time: '90m',
          alertname: 'ImmigrationAiBackupVerificationFailed',
          exp_alerts: [
            alert(
              'ImmigrationAiBackupVerificationFailed', { ...APP, reason: 'verification_failed', severity: 'warning' }, 'Backups are failing or missing.',
              '1 backup verification failures in the last hour (reported by immigration-ai).', 'system-overview',
            ),
          ],
        },
      ],
    },
    {
      // Unix time of the last verified backup, set before the test's t=0 so the ages are known:
      // instance old is 27h47m old at t=0 (over the 26h limit), instance recent 22h13m (within it).
      interval: '1m',
      input_series: [
        { series: s(m.backupLastSuccess.name, { ...APP, instance: 'old' }), values: '-100000x30' },
        { series: s(m.backupLastSuccess.name, { ...APP, instance: 'recent' }), values: '-80000x30' },
      ],
      alert_rule_test: [
        { eval_time: '14m30s', alertname: 'ImmigrationAiBackupVerificationFailed', exp_alerts: [] },
        {
          eval_time: '16m',
          alertname: 'ImmigrationAiBackupVerificationFailed',
          exp_alerts: [
            alert(
              'ImmigrationAiBackupVerificationFailed', { job: APP.job, instance: 'old', reason: 'backup_too_old', severity: 'warning' }, 'Backups are failing or missing.',
              'The last verified backup is 1d 4h 2m 40s old, older than the 26h limit (reported by immigration-ai).', 'system-overview',
            ),
          ],
        },
      ],
    },
  ],
  ImmigrationAiExporterDown: [
    {
      interval: '1m',
      input_series: [
        { series: s('up', { ...EXPORTER, instance: 'a:9464' }), values: '1 1 0x10' },
        { series: s('up', { ...EXPORTER, instance: 'b:9464' }), values: '1x12' },
      ],
      alert_rule_test: [
        { eval_time: '2m30s', alertname: 'ImmigrationAiExporterDown', exp_alerts: [] },
        {
          eval_time: '3m',
          alertname: 'ImmigrationAiExporterDown',
          exp_alerts: [
            alert(
              'ImmigrationAiExporterDown', { ...EXPORTER, instance: 'a:9464', severity: 'critical' }, 'The metrics exporter is down.',
              'Prometheus cannot scrape target a:9464 of job immigration-ai-exporter: health, database and host metrics are stale and their alerts cannot fire.', 'system-overview',
            ),
          ],
        },
      ],
    },
    {
      // No exporter target at all (only the app is scraped).
      interval: '1m',
      input_series: [{ series: s('up', APP), values: '1x10' }],
      alert_rule_test: [
        {
          eval_time: '2m',
          alertname: 'ImmigrationAiExporterDown',
          exp_alerts: [
            alert(
              'ImmigrationAiExporterDown', { job: EXPORTER.job, severity: 'critical' }, 'The metrics exporter is down.',
              'Prometheus cannot scrape any target of job immigration-ai-exporter: health, database and host metrics are stale and their alerts cannot fire.', 'system-overview',
            ),
          ],
        },
      ],
    },
  ],
  ImmigrationAiMaintenanceMode: [
    {
      interval: '1m',
      input_series: [{ series: s(m.maintenanceMode.name, EXPORTER), values: '0 0 1x5 0x5' }],
      alert_rule_test: [
        { eval_time: '1m', alertname: 'ImmigrationAiMaintenanceMode', exp_alerts: [] },
        {
          eval_time: '2m',
          alertname: 'ImmigrationAiMaintenanceMode',
          exp_alerts: [
            alert(
              'ImmigrationAiMaintenanceMode', { ...EXPORTER, severity: 'none' }, 'Planned maintenance is on and alerts are silenced.',
              'immigration-ai-exporter on exporter-0:9464 reports maintenance mode: every alert except Watchdog is inhibited until it ends.', 'system-overview',
            ),
          ],
        },
        { eval_time: '8m', alertname: 'ImmigrationAiMaintenanceMode', exp_alerts: [] },
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
      {
        expr: RECORDED.httpRequestsRate5m,
        eval_time: '10m',
        exp_samples: [
          { labels: s(RECORDED.httpRequestsRate5m, { job: APP.job, method: 'GET', route: '/api/cases' }), value: 1.5 },
          { labels: s(RECORDED.httpRequestsRate5m, { job: APP.job, method: 'GET', route: '/api/ok' }), value: 1 },
        ],
      },
      {
        expr: RECORDED.httpErrorsRate5m,
        eval_time: '10m',
        exp_samples: [
          { labels: s(RECORDED.httpErrorsRate5m, { job: APP.job, method: 'GET', route: '/api/cases' }), value: 0.5 },
          { labels: s(RECORDED.httpErrorsRate5m, { job: APP.job, method: 'GET', route: '/api/ok' }), value: 0 },
        ],
      },
      {
        expr: RECORDED.httpErrorRatio5m,
        eval_time: '10m',
        exp_samples: [
          { labels: s(RECORDED.httpErrorRatio5m, { job: APP.job, method: 'GET', route: '/api/cases' }), value: 1 / 3 },
          { labels: s(RECORDED.httpErrorRatio5m, { job: APP.job, method: 'GET', route: '/api/ok' }), value: 0 },
        ],
      },
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
