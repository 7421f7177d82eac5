/**
 * Creates prom-client metrics from catalog definitions, so a metric's name, help, labels and
 * buckets are written once (in `catalog.ts`) and never retyped where the metric is published.
 */
import { Counter, Gauge, Histogram, type Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricDefinition, MetricOwner } from '../contract/metric-catalog.js';
import { ALL_METRICS } from '../contract/metric-catalog.js';

type LabelOf<D extends MetricDefinition> = D['labelNames'][number];

export interface CreateOptions {
  /** Gauges only: computed at scrape time (prom-client awaits it before rendering). */
  collect?: (this: Gauge<string>) => void | Promise<void>;
}

/** One prom-client metric for `def`, registered in `registry` (and nowhere else). */
export function createMetric(def: MetricDefinition, registry: Registry, options: CreateOptions = {}): Counter<string> | Gauge<string> | Histogram<string> {
  const base = { name: def.name, help: def.help, labelNames: [...def.labelNames], registers: [registry] };
  switch (def.type) {
    case 'counter':
      return new Counter(base);
    case 'gauge':
      return new Gauge({ ...base, ...(options.collect ? { collect: options.collect } : {}) });
    case 'histogram':
      return new Histogram({ ...base, buckets: [...(def.buckets ?? [])] });
    default:
      throw new Error(`unknown metric type of ${(def as MetricDefinition).name}`);
  }
}

function expectType(def: MetricDefinition, type: MetricDefinition['type']): void {
  if (def.type !== type) throw new Error(`${def.name} is a ${def.type} in the catalog, not a ${type}`);
}

export function createCounter<D extends MetricDefinition>(def: D, registry: Registry): Counter<LabelOf<D>> {
  expectType(def, 'counter');
  return createMetric(def, registry) as Counter<LabelOf<D>>;
}

export function createGauge<D extends MetricDefinition>(def: D, registry: Registry, options: CreateOptions = {}): Gauge<LabelOf<D>> {
  expectType(def, 'gauge');
  return createMetric(def, registry, options) as Gauge<LabelOf<D>>;
}

export function createHistogram<D extends MetricDefinition>(def: D, registry: Registry): Histogram<LabelOf<D>> {
  expectType(def, 'histogram');
  return createMetric(def, registry) as Histogram<LabelOf<D>>;
}

/** The catalog definitions one publisher owns. */
export const definitionsOwnedBy = (owner: MetricOwner): MetricDefinition[] => ALL_METRICS.filter((d) => d.owner === owner);

/**
 * prom-client's process and Node.js metrics, minus the three gauges it names `*_total`
 * (nodejs_active_handles_total, ...), which `promtool check metrics` rejects and which would
 * mislead rate() users. Their non-`_total` twins (nodejs_active_handles, ...) remain.
 */
export function registerDefaultMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
}
