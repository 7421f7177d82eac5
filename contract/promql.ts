/**
 * The one set of PromQL builders over the metric catalog and the recording-rule names. Rules and
 * dashboards both select through these, so every selector pins its scrape job the same way
 * (`metric{job="…", extra}`) and a metric name is never retyped. Grafana-only range helpers
 * (`$__rate_interval`, `$__range`) live with the dashboards.
 */
import { type ExternalSeries, externalJob } from './external-metrics.js';
import { jobOf, type MetricDefinition } from './metric-catalog.js';
import { type RecordedName, recordedSeries } from './recording-rules.js';

/** `name{job="<job>", ...matchers}`. */
export function selector(name: string, job: string, matchers: readonly string[] = []): string {
  return `${name}{${[`job="${job}"`, ...matchers].join(', ')}}`;
}

/** A counter's or gauge's series, pinned to the scrape job that publishes it. */
export function series(def: MetricDefinition, ...matchers: string[]): string {
  if (def.type === 'histogram') throw new Error(`${def.name} is a histogram: select its _bucket, _sum or _count series with hist()`);
  return selector(def.name, jobOf(def), matchers);
}

/** Aggregations that read shared state once, however many replicas publish it. */
export type ReplicaSafeAggregation = 'max' | 'min' | 'avg';

/**
 * A shared-state metric (catalog scope `shared`) read once however many replicas publish it:
 * `max(series)` or `max by (a, b) (series)`. Only max, min and avg: a sum would add the replicas up.
 */
export function sharedState(agg: ReplicaSafeAggregation, def: MetricDefinition, by: readonly string[] = [], ...matchers: string[]): string {
  if (def.scope !== 'shared') throw new Error(`${def.name} describes its publisher, not shared state: aggregate it as the question needs`);
  return by.length === 0 ? `${agg}(${series(def, ...matchers)})` : `${agg} by (${by.join(', ')}) (${series(def, ...matchers)})`;
}

/** A histogram's `_bucket`, `_sum` or `_count` series. */
export function hist(def: MetricDefinition, part: 'bucket' | 'sum' | 'count', ...matchers: string[]): string {
  if (def.type !== 'histogram') throw new Error(`${def.name} is not a histogram`);
  return selector(`${def.name}_${part}`, jobOf(def), matchers);
}

/**
 * A shared recording rule's series, pinned to the job label it keeps: the app's for the HTTP rules
 * (aggregated by job, method, route), node-exporter's or the kubelet's for the resource rules.
 */
export function recorded(name: RecordedName, ...matchers: string[]): string {
  const s = recordedSeries(name);
  if (s === undefined) throw new Error(`${name} is not a recording rule of contract/recording-rules.ts`);
  return selector(name, s.job, matchers);
}

/** A series another program publishes (external-metrics.ts), pinned to the job that scrapes it. */
export function external(def: ExternalSeries, ...matchers: string[]): string {
  return selector(def.name, externalJob(def.source), matchers);
}

/** `label=~"a|b"`: one of several exact values (regex metacharacters escaped). */
export function oneOf(label: string, values: readonly string[]): string {
  return `${label}=~"${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|')}"`;
}

/** `up` of one scrape job. */
export const upOf = (job: string): string => selector('up', job);

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
