import { HTTP_DURATION_BUCKETS, METRICS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { alertRule } from './define.js';
import { hist, humanSeconds, leMatcher, num, percent, series } from '../contract/promql.js';
import type { AlertingRule, RecordingRule, RuleGroup, Severity } from '../contract/rules.js';
import { ALERTS, type AlertName } from '../contract/alerts.js';

/**
 * Multi-window, multi-burn-rate SLO alerts (Google SRE workbook, ch. 5; as Sloth and Pyrra
 * generate them). A window pair fires when both the long and the short window burn the error
 * budget faster than `factor` times the sustainable rate: the long window proves it matters, the
 * short one that it is still happening (so the alert resolves quickly).
 */
export interface BurnWindow {
  long: string;
  short: string;
  factor: number;
  severity: Extract<Severity, 'critical' | 'warning'>;
}

export const BURN_WINDOWS: readonly BurnWindow[] = [
  { long: '1h', short: '5m', factor: 14.4, severity: 'critical' }, // 2% of a 30-day budget in 1 hour
  { long: '6h', short: '30m', factor: 6, severity: 'critical' }, // 5% in 6 hours
  { long: '1d', short: '2h', factor: 3, severity: 'warning' }, // 10% in 1 day
  { long: '3d', short: '6h', factor: 1, severity: 'warning' }, // 10% in 3 days
];

/** Every window a burn-rate alert reads, each recorded once. */
export const SLO_WINDOWS: readonly string[] = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

export interface SloDefinition {
  /** Value of the `slo` label on the alerts. */
  slo: string;
  alert: AlertName;
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
      errorRatioRecord: 'job:immigration_ai_http_errors:ratio_rate',
      objective: availabilityObjective,
      errorRatioExpr: (w) => `sum by (job) (rate(${series(req, 'status_code=~"5.."')}[${w}])) / sum by (job) (rate(${series(req)}[${w}]))`,
      summary: 'The API burns its availability error budget too fast.',
      failed: 'answered with 5xx',
    },
    {
      slo: 'api-latency',
      alert: ALERTS.apiLatencyBudgetBurn,
      errorRatioRecord: 'job:immigration_ai_http_slow_requests:ratio_rate',
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
      dashboard: 'performance',
    }),
  );
  return { name: `immigration-ai-slo-${def.slo}.rules`, rules: [...recordings, ...alerts] };
}
