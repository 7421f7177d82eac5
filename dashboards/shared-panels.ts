/**
 * Panels that several dashboards show alike, built once so their queries cannot drift apart: the
 * triage tiles (firing alerts, health, scrape status, availability) of the main dashboard and the
 * System Overview, and the active users.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as table from '@grafana/grafana-foundation-sdk/table';
import { ALERTS } from '../contract/alerts.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { METRICS, RESOURCE_JOBS, SCRAPE_JOBS } from '../contract/metric-catalog.js';
import { hist, leMatcher, percent, series, sharedState, upOf } from '../contract/promql.js';
import { increaseOverRange } from './grafana-ranges.js';
import { runbook } from './links.js';
import { binaryMapping, COLORS, healthySteps, neutralSteps, type PanelLink, statPanel, type Steps, tablePanel } from './panels.js';

/** Distinct active users per window (the exporter counts them from the database). */
export function activeUsersStat(title: string, description: string, links: PanelLink[] = []): stat.PanelBuilder {
  return statPanel({
    title,
    description,
    unit: 'short',
    queries: [{ expr: sharedState('max', METRICS.activeUsers, ['window']), legend: '{{window}}' }],
    thresholds: neutralSteps(),
    sparkline: true,
    noValue: 'No user figures: is the exporter up?',
    ...(links.length > 0 ? { links } : {}),
  });
}

/** Firing alerts, without the always-firing Watchdog (the dead man's switch). */
export const firing = (...matchers: string[]): string => `ALERTS{${['alertstate="firing"', 'alertname!="Watchdog"', ...matchers].join(', ')}}`;

/** Severity colours: critical red, warning orange (as Alertmanager's notifications say them). */
export const SEVERITY_COLORS = { critical: COLORS.critical, warning: COLORS.warning } as const;

/** Values to text and colour. */
const valueMapping = (options: Record<string, { text: string; color?: string }>): dashboard.ValueMapping => ({
  type: dashboard.MappingType.ValueToText,
  options: Object.fromEntries(Object.entries(options).map(([value, r], index) => [value, { ...r, index }])),
});

const severityMapping = (): dashboard.ValueMapping[] => [
  valueMapping({ critical: { text: 'critical', color: SEVERITY_COLORS.critical }, warning: { text: 'warning', color: SEVERITY_COLORS.warning } }),
];

/** Number of alerts firing now per severity: red tile for critical, orange for warning, green at 0. */
export function firingAlertsStat(links: PanelLink[] = []): stat.PanelBuilder {
  const tile = (color: string): Steps => [{ value: null, color: COLORS.ok }, { value: 1, color }];
  return statPanel({
    title: 'Firing alerts',
    description: 'Alerts firing now by severity (the Watchdog excluded): critical red, warning orange, green when none fires.',
    unit: 'short',
    decimals: 0,
    queries: [
      { expr: `count(${firing('severity="critical"')}) or vector(0)`, legend: 'critical', instant: true },
      { expr: `count(${firing('severity="warning"')}) or vector(0)`, legend: 'warning', instant: true },
    ],
    thresholds: tile(SEVERITY_COLORS.critical),
    seriesThresholds: [{ regexp: '^warning$', steps: tile(SEVERITY_COLORS.warning) }],
    mappings: [valueMapping({ '0': { text: 'None' } })],
    noValue: 'Unknown: Prometheus did not answer',
    background: true,
    links,
  });
}

/** One line per firing alert name and severity; the name links its runbook. */
export function firingAlertsTable(config: MonitoringConfig): table.PanelBuilder {
  return tablePanel({
    title: 'Alerts firing now',
    description: 'One line per firing alert name and severity (critical red, warning orange), with the number of series firing. Click a name for its runbook.',
    unit: 'short',
    queries: [{ expr: `count by (alertname, severity) (${firing()})`, instant: true, table: true }],
    thresholds: neutralSteps(),
    mappings: severityMapping(),
    colorColumns: ['severity'],
    // critical before warning
    sortBy: 'severity',
    sortAscending: true,
    noValue: 'No alerts firing',
    dataLinks: [{ title: 'Runbook of ${__data.fields.alertname}', url: `${config.links.runbookBaseUrl}/\${__data.fields.alertname}.md` }],
  });
}

/** The worst replica's check per component; -1 (red, "Unknown") when no exporter publishes any: missing is not healthy. */
export function componentHealthStat(title: string, description: string, links: PanelLink[]): stat.PanelBuilder {
  return statPanel({
    title,
    description: `${description} "Unknown" (red) when no exporter replica publishes health checks: the exporter is down, and nothing says the platform is fine.`,
    unit: 'none',
    queries: [
      {
        expr: `${sharedState('min', METRICS.healthStatus, ['component'])} or on () label_replace(vector(-1), "component", "health checks", "", "")`,
        legend: '{{component}}',
        instant: true,
      },
    ],
    mappings: [...binaryMapping(['Healthy', COLORS.ok], ['Unhealthy', COLORS.critical]), valueMapping({ '-1': { text: 'Unknown', color: COLORS.critical } })],
    thresholds: healthySteps(),
    background: true,
    noValue: 'Unknown: Prometheus did not answer',
    links,
  });
}

/** Whether Prometheus reaches every target of each scrape job (Down also when a job has no target at all). */
export function scrapeTargetsStat(config: MonitoringConfig): stat.PanelBuilder {
  return statPanel({
    title: 'Scrape targets',
    description: `Whether Prometheus reaches every exporter replica and every application pod (Down also when the job has no target at all), and every node-exporter and kubelet it scrapes (${ALERTS.resourceMetricsDown}; shown only where they run). One target down is a warning of ${ALERTS.exporterDown} or ${ALERTS.appDown}; every target down pages.`,
    unit: 'none',
    queries: [
      // A target that is absent (not discovered) is as down as one that fails: `or vector(0)`.
      { expr: `min(${upOf(SCRAPE_JOBS.exporter)}) or vector(0)`, legend: 'exporter', instant: true },
      { expr: `min(${upOf(SCRAPE_JOBS.app)}) or vector(0)`, legend: 'application', instant: true },
      { expr: `min by (job) (up{job=~"${RESOURCE_JOBS.nodeExporter}|${RESOURCE_JOBS.kubelet}"})`, legend: '{{job}}', instant: true },
    ],
    mappings: binaryMapping(['Up', COLORS.ok], ['Down', COLORS.critical]),
    thresholds: healthySteps(),
    background: true,
    noValue: 'Unknown: Prometheus did not answer',
    links: [runbook(config, ALERTS.exporterDown), runbook(config, ALERTS.appDown), runbook(config, ALERTS.resourceMetricsDown)],
  });
}

/** Requests and 5xx over the selected range; the denominator guarded, so no traffic reads "No requests", not NaN. */
export function rangeTotals(): { total: string; failed: string } {
  return {
    total: `sum(${increaseOverRange(series(METRICS.httpRequests))})`,
    // `or vector(0)`: with no 5xx at all the error series does not exist, and the ratio must be 0, not empty.
    failed: `(sum(${increaseOverRange(series(METRICS.httpRequests, 'status_code=~"5.."'))}) or vector(0))`,
  };
}

/** Higher is better: red below the objective, green from it. */
export const objectiveSteps = (objective: number): Steps => [
  { value: null, color: COLORS.critical },
  { value: objective, color: COLORS.ok },
];

/** Share of requests not failing with 5xx in the selected range. */
export function availabilityStat(config: MonitoringConfig, links: PanelLink[]): stat.PanelBuilder {
  const { slo } = config.alerting;
  const { total, failed } = rangeTotals();
  return statPanel({
    title: 'Availability',
    description: `Share of API requests not failing with 5xx in the selected time range. Objective: ${percent(slo.availabilityObjective)}.`,
    unit: 'percentunit',
    decimals: 3,
    queries: [{ expr: `1 - (${failed} / (${total} > 0))`, legend: 'availability', instant: true }],
    thresholds: objectiveSteps(slo.availabilityObjective),
    background: true,
    noValue: 'No requests in the selected range',
    links: [runbook(config, ALERTS.apiAvailabilityBudgetBurn), ...links],
  });
}

/** Share of requests faster than the latency objective's threshold in the selected range. */
export function fastRequestsQuery(config: MonitoringConfig): string {
  const { slo } = config.alerting;
  const fast = `sum(${increaseOverRange(hist(METRICS.httpRequestDuration, 'bucket', leMatcher(slo.latencyThresholdSeconds)))})`;
  const observed = `sum(${increaseOverRange(hist(METRICS.httpRequestDuration, 'count'))})`;
  return `${fast} / (${observed} > 0)`;
}
