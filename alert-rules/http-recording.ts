import { METRICS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { promDuration } from '../contract/duration.js';
import { RECORDED } from '../contract/recording-rules.js';
import { hist, series } from '../contract/promql.js';
import type { RecordingRule, RuleGroup } from '../contract/rules.js';

/** Quantiles recorded per endpoint for dashboards (label `quantile`). */
export const RECORDED_QUANTILES = [0.5, 0.95, 0.99] as const;

const BY_ENDPOINT = 'job, method, route';

/**
 * The per-endpoint HTTP recording rules shared by dashboards and alerts (names in
 * contract/recording-rules.ts). Order matters: later rules reuse earlier ones within the group.
 */
export function httpRecordingGroup(config: MonitoringConfig): RuleGroup {
  // 5m and 1h everywhere but in the time-compressed local environment (the names keep saying 5m and 1h).
  const w = promDuration(config.alerting.rateWindowSeconds);
  const guard = promDuration(config.alerting.lowTraffic.windowSeconds);
  const req = METRICS.httpRequests;
  const dur = METRICS.httpRequestDuration;
  const rules: RecordingRule[] = [
    { record: RECORDED.httpRequestsRate5m, expr: `sum by (${BY_ENDPOINT}) (rate(${series(req)}[${w}]))` },
    {
      // An endpoint without 5xx records 0 (not nothing), so dashboards and ratios see a value.
      record: RECORDED.httpErrorsRate5m,
      expr: `sum by (${BY_ENDPOINT}) (rate(${series(req, 'status_code=~"5.."')}[${w}])) or 0 * ${RECORDED.httpRequestsRate5m}`,
    },
    {
      // Idle endpoints (0 req/s) give NaN, which compares false: they never alert on their ratio.
      record: RECORDED.httpErrorRatio5m,
      expr: `${RECORDED.httpErrorsRate5m} / ${RECORDED.httpRequestsRate5m}`,
    },
    {
      record: RECORDED.httpDurationMean5m,
      expr: `sum by (${BY_ENDPOINT}) (rate(${hist(dur, 'sum')}[${w}])) / sum by (${BY_ENDPOINT}) (rate(${hist(dur, 'count')}[${w}]))`,
    },
    // Counts behind the 5m figures, for the per-endpoint alerts' low-traffic guard.
    { record: RECORDED.httpRequestsIncrease1h, expr: `sum by (${BY_ENDPOINT}) (increase(${series(req)}[${guard}]))` },
    {
      // 0, not nothing, for an endpoint without 5xx (as the errors rate), so dashboards list it.
      record: RECORDED.httpErrorsIncrease1h,
      expr: `sum by (${BY_ENDPOINT}) (increase(${series(req, 'status_code=~"5.."')}[${guard}])) or 0 * ${RECORDED.httpRequestsIncrease1h}`,
    },
    ...RECORDED_QUANTILES.map((q) => ({
      record: RECORDED.httpDurationQuantile5m,
      expr: `histogram_quantile(${q}, sum by (${BY_ENDPOINT}, le) (rate(${hist(dur, 'bucket')}[${w}])))`,
      labels: { quantile: String(q) },
    })),
  ];
  return { name: 'immigration-ai-http.rules', rules };
}
