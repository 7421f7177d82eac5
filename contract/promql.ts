import { jobOf, type MetricDefinition } from './metric-catalog.js';

/**
 * Small PromQL builders. Every selector pins the scrape job from the catalog (and nothing else
 * about the target), so rules keep working whatever the instance or pod labels are.
 */

/** `metric_suffix{job="…",extra}` for a catalog metric; `suffix` is `_bucket`, `_sum` or `_count` for histograms. */
export function series(def: MetricDefinition, matchers: string[] = [], suffix = ''): string {
  if (suffix !== '' && def.type !== 'histogram') throw new Error(`${def.name} is not a histogram`);
  return `${def.name}${suffix}{${[`job="${jobOf(def)}"`, ...matchers].join(', ')}}`;
}

/**
 * Matches a classic histogram bucket bound in Prometheus 2 (`le="1"`) and 3 (which normalises
 * integral bounds to `le="1.0"`).
 */
export function leMatcher(bound: number): string {
  return Number.isInteger(bound) ? `le=~"${bound}(\\\\.0)?"` : `le="${bound}"`;
}

/** A number as PromQL and people write it (no float noise like 0.07200000000000001). */
export function num(x: number): string {
  return String(Number(x.toPrecision(12)));
}

/** 0.995 -> `99.5%` */
export function percent(ratio: number): string {
  return `${num(ratio * 100)}%`;
}

/** 1 -> `1s`, 0.5 -> `500ms`, 120 -> `2m` (how thresholds read in descriptions). */
export function humanSeconds(s: number): string {
  if (s < 1) return `${num(s * 1000)}ms`;
  if (s < 60 || s % 60 !== 0) return `${num(s)}s`;
  if (s % 3600 === 0) return `${s / 3600}h`;
  return `${s / 60}m`;
}
