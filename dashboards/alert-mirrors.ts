/**
 * Queries and panels that mirror an alert: the alert's own recorded series, its low-traffic guard
 * and its thresholds, so a line crosses the dashed threshold exactly when the alert could fire. At
 * a few thousand requests a day one 5xx on a quiet endpoint is 50-100% of its requests; the alert
 * does not fire for it, and neither does the panel draw it above the line.
 */
import { ALERTS } from '../contract/alerts.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { humanSeconds, num, percent, recorded } from '../contract/promql.js';
import { RECORDED } from '../contract/recording-rules.js';
import { BURN_WINDOWS, SLO_PERIOD, type SloKey, sloRatio } from '../contract/slo.js';
import { runbook } from './links.js';
import { alertSteps, COLORS, type PanelLink, type Steps, timeseriesPanel } from './panels.js';

const ENDPOINT = 'on (job, method, route)';

/** Per-endpoint 5xx ratio, only where the endpoint had enough failures for ImmigrationAiEndpointErrorRateHigh to fire. */
export function guardedErrorRatio(config: MonitoringConfig, ...matchers: string[]): string {
  const { minFailedRequests } = config.alerting.lowTraffic;
  return `${recorded(RECORDED.httpErrorRatio5m, ...matchers)} and ${ENDPOINT} ${recorded(RECORDED.httpErrorsIncrease1h, ...matchers)} >= ${num(minFailedRequests)}`;
}

/** Per-endpoint mean response time, only where the endpoint had enough requests for ImmigrationAiApiSlow to fire. */
export function guardedMeanDuration(config: MonitoringConfig, ...matchers: string[]): string {
  const { minRequests } = config.alerting.lowTraffic;
  return `${recorded(RECORDED.httpDurationMean5m, ...matchers)} and ${ENDPOINT} ${recorded(RECORDED.httpRequestsIncrease1h, ...matchers)} >= ${num(minRequests)}`;
}

/** Words for the guard, shared by descriptions and `noValue`. */
export function guardWords(config: MonitoringConfig): { failures: string; requests: string } {
  const { lowTraffic } = config.alerting;
  const window = humanSeconds(lowTraffic.windowSeconds);
  return {
    failures: `at least ${num(lowTraffic.minFailedRequests)} failed requests in the last ${window}`,
    requests: `at least ${num(lowTraffic.minRequests)} requests in the last ${window}`,
  };
}

/** The per-endpoint error ratio as ImmigrationAiEndpointErrorRateHigh sees it. */
export function endpointErrorRatioPanel(config: MonitoringConfig, title: string, links: PanelLink[], dataLinks: PanelLink[], ...matchers: string[]) {
  const { warning, critical } = config.alerting.thresholds;
  const g = guardWords(config);
  return timeseriesPanel({
    title,
    description: `Share of 5xx responses per endpoint over 5 minutes, drawn only for endpoints with ${g.failures}: exactly what ${ALERTS.endpointErrorRateHigh} compares with its dashed lines (warning ${percent(warning.errorRateRatio)}, critical ${percent(critical.errorRateRatio)}). A stray failure on a quiet endpoint is left out, as the alert leaves it out; "Failed requests in the low-traffic window" on Error Tracking counts every failure.`,
    unit: 'percentunit',
    queries: [{ expr: guardedErrorRatio(config, ...matchers), legend: '{{method}} {{route}}' }],
    thresholds: alertSteps(warning.errorRateRatio, critical.errorRateRatio),
    showThresholds: true,
    min: 0,
    noValue: `No endpoint had ${g.failures}: no error-rate alert can fire`,
    links: [runbook(config, ALERTS.endpointErrorRateHigh), ...links],
    dataLinks,
  });
}

/** The per-endpoint mean response time as ImmigrationAiApiSlow sees it. */
export function meanResponseTimePanel(config: MonitoringConfig, title: string, links: PanelLink[], dataLinks: PanelLink[], ...matchers: string[]) {
  const { warning } = config.alerting.thresholds;
  const g = guardWords(config);
  return timeseriesPanel({
    title,
    description: `Mean response time per endpoint over 5 minutes, drawn only for endpoints with ${g.requests}: exactly what ${ALERTS.apiSlow} compares with the dashed ${num(warning.apiResponseSeconds)} s line. The quantile panels on Performance show every endpoint.`,
    unit: 's',
    queries: [{ expr: guardedMeanDuration(config, ...matchers), legend: '{{method}} {{route}}' }],
    thresholds: alertSteps(warning.apiResponseSeconds),
    showThresholds: true,
    min: 0,
    noValue: `No endpoint had ${g.requests}: no latency alert can fire`,
    links: [runbook(config, ALERTS.apiSlow), ...links],
    dataLinks,
  });
}

/** Burn-rate lines at each pair's factor: critical pairs red, warning pairs orange. */
export function burnSteps(): Steps {
  const steps: Steps = [{ value: null, color: COLORS.ok }];
  for (const b of [...BURN_WINDOWS].sort((x, y) => x.factor - y.factor)) steps.push({ value: b.factor, color: b.severity === 'critical' ? COLORS.critical : COLORS.warning });
  return steps;
}

/**
 * How fast an SLO burns its 30-day error budget, per alert window pair: the lower of the pair's two
 * windows (`(long <= short) or short`), which is above the pair's factor exactly when the pair's
 * burn-rate alert fires.
 */
export function burnRatePanel(config: MonitoringConfig, slo: SloKey) {
  const objective = slo === 'availability' ? config.alerting.slo.availabilityObjective : config.alerting.slo.latencyObjective;
  const alert = slo === 'availability' ? ALERTS.apiAvailabilityBudgetBurn : ALERTS.apiLatencyBudgetBurn;
  const budget = `(1 - ${num(objective)})`;
  const burn = (w: string): string => `${sloRatio(slo, w)} / ${budget}`;
  const pairs = BURN_WINDOWS.map((b) => `${b.long}/${b.short} ≥ ${num(b.factor)} (${b.severity})`).join(', ');
  return timeseriesPanel({
    title: slo === 'availability' ? 'Availability budget burn rate' : 'Latency budget burn rate',
    description: `How many times faster than sustainable the API burns the ${SLO_PERIOD} error budget of its ${percent(objective)} ${slo} objective (1 = the budget lasts exactly ${SLO_PERIOD}). Each line is one window pair of ${alert}, the lower of its two windows: the pair fires when its line is above its factor (${pairs}).`,
    unit: 'x',
    queries: BURN_WINDOWS.map((b) => ({ expr: `(${burn(b.long)} <= ${burn(b.short)}) or ${burn(b.short)}`, legend: `${b.long}/${b.short} (fires above ${num(b.factor)})` })),
    thresholds: burnSteps(),
    showThresholds: true,
    min: 0,
    noValue: 'No requests in the windows: no budget is burning',
    links: [runbook(config, alert)],
  });
}
