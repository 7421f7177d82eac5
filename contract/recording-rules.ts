/**
 * Names of the recording rules that dashboards and several alerts share, following the
 * `level:metric:operations` convention. The rules themselves are defined in alert-rules/; a test
 * there asserts every name here is recorded, so dashboards can rely on these constants.
 */
export const RECORDED = {
  /** sum by (job, method, route) of rate(immigration_ai_http_requests_total[5m]) */
  httpRequestsRate5m: 'job_method_route:immigration_ai_http_requests:rate5m',
  /** the same, restricted to status_code=~"5.." */
  httpErrorsRate5m: 'job_method_route:immigration_ai_http_errors:rate5m',
  /** errors / requests per endpoint (0..1) */
  httpErrorRatio5m: 'job_method_route:immigration_ai_http_errors:ratio_rate5m',
  /** mean request duration per endpoint: rate(sum) / rate(count) */
  httpDurationMean5m: 'job_method_route:immigration_ai_http_request_duration_seconds:mean5m',
  /** sum by (job, method, route) of increase(immigration_ai_http_requests_total[1h]): the low-traffic guard of ImmigrationAiApiSlow */
  httpRequestsIncrease1h: 'job_method_route:immigration_ai_http_requests:increase1h',
  /** the same, restricted to status_code=~"5..": the low-traffic guard of ImmigrationAiEndpointErrorRateHigh */
  httpErrorsIncrease1h: 'job_method_route:immigration_ai_http_errors:increase1h',
  /** histogram_quantile per endpoint, with a `quantile` label of 0.5, 0.95 and 0.99 */
  httpDurationQuantile5m: 'job_method_route:immigration_ai_http_request_duration_seconds:histogram_quantile5m',
} as const;

export type RecordedKey = keyof typeof RECORDED;
export const RECORDED_NAMES: readonly string[] = Object.values(RECORDED);
export type RecordedName = (typeof RECORDED)[RecordedKey];
