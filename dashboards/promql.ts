/**
 * Small PromQL builders over the metric catalog and the recording-rule contract, so a dashboard
 * never retypes a metric name and every rate uses Grafana's `$__rate_interval`.
 */
import { RECORDED } from '../contract/recording-rules.js';
import { jobOf, type MetricDefinition, SCRAPE_JOBS, seriesNames } from '../contract/metric-catalog.js';

/** `metric{job="<its scrape job>", ...matchers}`. Every query pins the job, so other targets never leak in. */
export function sel(def: MetricDefinition, ...matchers: string[]): string {
  if (def.type === 'histogram') throw new Error(`${def.name} is a histogram: select its _bucket, _sum or _count series`);
  return selector(def.name, jobOf(def), matchers);
}

/** A histogram's `_bucket`, `_sum` or `_count` series (names from the catalog's `seriesNames`). */
export function hist(def: MetricDefinition, part: 'bucket' | 'sum' | 'count', ...matchers: string[]): string {
  const name = seriesNames(def).find((n) => n === `${def.name}_${part}`);
  if (def.type !== 'histogram' || name === undefined) throw new Error(`${def.name} is not a histogram`);
  return selector(name, jobOf(def), matchers);
}

/** A shared recording rule's series; they keep the app's `job` label (aggregated by job, method, route). */
export function recorded(name: (typeof RECORDED)[keyof typeof RECORDED], ...matchers: string[]): string {
  return selector(name, SCRAPE_JOBS.app, matchers);
}

/** `up` for one of our scrape jobs. */
export const upOf = (job: string): string => selector('up', job, []);

/** Per-second rate over Grafana's `$__rate_interval` (at least four scrape intervals, follows the zoom). */
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

function selector(name: string, job: string, matchers: readonly string[]): string {
  return `${name}{${[`job="${job}"`, ...matchers].join(', ')}}`;
}
