/**
 * PromQL over Grafana's interval macros, which only dashboards have: `$__rate_interval` (at least
 * four scrape intervals, follows the zoom) and `$__range` (the selected time range). Selectors
 * come from contract/promql.ts, shared with the rules.
 */
import type { MetricDefinition } from '../contract/metric-catalog.js';
import { hist } from '../contract/promql.js';

/** Per-second rate over Grafana's `$__rate_interval`. */
export const rate = (series: string): string => `rate(${series}[$__rate_interval])`;

/** Events per hour from a counter's per-second rate (business volumes read better per hour). */
export const perHour = (series: string, by = ''): string => `3600 * sum${by ? ` by (${by}) ` : ''}(${rate(series)})`;

/**
 * Increase over the dashboard's whole time range, for instant "in the selected range" stats of
 * rare events (case completions, virus detections), where the last few minutes are mostly empty.
 */
export const increaseOverRange = (series: string): string => `increase(${series}[$__range])`;

/** histogram_quantile of the observations within the dashboard's time range (instant queries). */
export function quantileOverRange(q: number, def: MetricDefinition, by: readonly string[] = [], ...matchers: string[]): string {
  return `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (${increaseOverRange(hist(def, 'bucket', ...matchers))}))`;
}

/** histogram_quantile over the per-second rate of a histogram's buckets, keeping `by` labels. */
export function quantile(q: number, def: MetricDefinition, by: readonly string[] = [], ...matchers: string[]): string {
  return `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (${rate(hist(def, 'bucket', ...matchers))}))`;
}

/** Mean of a histogram's observations over the rate interval: rate(sum) / rate(count). */
export function mean(def: MetricDefinition, by: readonly string[] = [], ...matchers: string[]): string {
  const sum = by.length > 0 ? `sum by (${by.join(', ')}) ` : 'sum';
  return `${sum}(${rate(hist(def, 'sum', ...matchers))}) / ${sum}(${rate(hist(def, 'count', ...matchers))})`;
}
