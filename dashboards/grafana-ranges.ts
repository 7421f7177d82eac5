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

/** The minimum interval of daily bars: `$__interval` is at least a day, so each bar is one day's count. */
export const DAILY = '1d';

/** What daily bars show without a bar: Grafana draws a day once it has ended (its steps are aligned to whole days). */
export const DAILY_EMPTY = 'No case completed on the days shown (a day\'s bar appears once the day has ended)';

/**
 * Events in each bar, for daily bars of rare events: with the panel's minimum interval at a day,
 * `$__rate_interval` is the bar's day plus one scrape interval, so no increase between two bars'
 * samples is lost.
 */
export const increaseOverInterval = (series: string): string => `increase(${series}[$__rate_interval])`;

/** histogram_quantile of the observations in each bar's interval. */
export function quantileOverInterval(q: number, def: MetricDefinition, by: readonly string[] = [], ...matchers: string[]): string {
  return `histogram_quantile(${q}, sum by (${['le', ...by].join(', ')}) (${increaseOverInterval(hist(def, 'bucket', ...matchers))}))`;
}

/**
 * `part / whole` over the selected range: 0 when no event is a `part` (its series may not exist),
 * empty ("No …" from the panel's noValue) when there is no event at all, never NaN.
 */
export const rangeRatio = (part: string, whole: string): string =>
  `(sum(${increaseOverRange(part)}) or vector(0)) / (sum(${increaseOverRange(whole)}) > 0)`;

/** Mean of a histogram's observations over the selected range; empty, not NaN, without observations. */
export function meanOverRange(def: MetricDefinition, by: readonly string[] = [], ...matchers: string[]): string {
  const sum = by.length > 0 ? `sum by (${by.join(', ')}) ` : 'sum';
  return `${sum}(${increaseOverRange(hist(def, 'sum', ...matchers))}) / (${sum}(${increaseOverRange(hist(def, 'count', ...matchers))}) > 0)`;
}
