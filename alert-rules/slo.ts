import { HTTP_DURATION_BUCKETS, METRICS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { alertRule } from './define.js';
import { hist, humanSeconds, leMatcher, num, percent, series } from '../contract/promql.js';
import type { AlertingRule, RecordingRule, RuleGroup } from '../contract/rules.js';
import { BURN_WINDOWS, SLO_ERROR_RATIO, SLO_WINDOWS } from '../contract/slo.js';
import { ALERTS, type AlertName } from '../contract/alerts.js';
import type { PanelKey } from '../contract/dashboards.js';

/**
 * Multi-window, multi-burn-rate SLO alerts on the windows and factors of contract/slo.ts: the long
 * window proves it matters, the short one that it is still happening (so the alert resolves quickly).
 */
export { BURN_WINDOWS, SLO_WINDOWS, type BurnWindow } from '../contract/slo.js';

export interface SloDefinition {
  /** Value of the `slo` label on the alerts. */
  slo: string;
  alert: AlertName;
  /** The burn-rate panel that mirrors the alert. */
  panel: PanelKey;
  /** The recorded error ratio per window: `${errorRatioRecord}${window}`. */
  errorRatioRecord: string;
  objective: number;
  errorRatioExpr: (window: string) => string;
  summary: string;
  /** What a failed event is, for the description. */
  failed: string;
}

export function apiSlos(config: MonitoringConfig): SloDefinition[] {
  const req = METRICS.httpRequests;
  const dur = METRICS.httpRequestDuration;
  const { availabilityObjective, latencyObjective, latencyThresholdSeconds } = config.alerting.slo;
  if (!(HTTP_DURATION_BUCKETS as readonly number[]).includes(latencyThresholdSeconds)) {
    throw new Error(
      `alerting.slo.latencyThresholdSeconds (${latencyThresholdSeconds}) must be a bucket bound of ${METRICS.httpRequestDuration.name}: ${HTTP_DURATION_BUCKETS.join(', ')}`,
    );
  }
  return [
    {
      slo: 'api-availability',
      alert: ALERTS.apiAvailabilityBudgetBurn,
      panel: 'availabilityBurnRate',
      errorRatioRecord: SLO_ERROR_RATIO.availability,
      objective: availabilityObjective,
      errorRatioExpr: (w) => `sum by (job) (rate(${series(req, 'status_code=~"5.."')}[${w}])) / sum by (job) (rate(${series(req)}[${w}]))`,
      summary: 'The API burns its availability error budget too fast.',
      failed: 'answered with 5xx',
    },
    {
      slo: 'api-latency',
      alert: ALERTS.apiLatencyBudgetBurn,
      panel: 'latencyBurnRate',
      errorRatioRecord: SLO_ERROR_RATIO.latency,
      objective: latencyObjective,
      errorRatioExpr: (w) =>
        `1 - sum by (job) (rate(${hist(dur, 'bucket', leMatcher(latencyThresholdSeconds))}[${w}])) / sum by (job) (rate(${hist(dur, 'count')}[${w}]))`,
      summary: 'The API burns its latency error budget too fast.',
      failed: `slower than ${humanSeconds(latencyThresholdSeconds)}`,
    },
  ];
}

/** One group per SLO: its error-ratio recordings, then its four burn-rate alerts. */
export function sloGroup(config: MonitoringConfig, def: SloDefinition): RuleGroup {
  const recordings: RecordingRule[] = SLO_WINDOWS.map((w) => ({ record: `${def.errorRatioRecord}${w}`, expr: def.errorRatioExpr(w) }));
  const budget = `(1 - ${num(def.objective)})`;
  const alerts: AlertingRule[] = BURN_WINDOWS.map((b) =>
    alertRule(config, {
      alert: def.alert,
      severity: b.severity,
      expr: `${def.errorRatioRecord}${b.long} > (${num(b.factor)} * ${budget}) and ${def.errorRatioRecord}${b.short} > (${num(b.factor)} * ${budget})`,
      labels: { slo: def.slo, long_window: b.long, short_window: b.short },
      summary: def.summary,
      description:
        `{{ $labels.job }} ${def.failed} {{ $value | humanizePercentage }} of its requests over the last ${b.long} (and still over the last ${b.short}), ` +
        `burning the error budget of its ${percent(def.objective)} objective at least ${num(b.factor)} times faster than sustainable.`,
      panel: def.panel,
    }),
  );
  return { name: `immigration-ai-slo-${def.slo}.rules`, rules: [...recordings, ...alerts] };
}
