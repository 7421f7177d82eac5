/**
 * Every PromQL target of every generated dashboard, run against a live Prometheus of the local
 * stack as Grafana would run it (variables and macros substituted), both as an instant and as a
 * range query. A panel or variable query that errors or returns no series shows "No data" on a
 * healthy, busy system; annotation queries (events such as maintenance) must only not error. LogQL targets need Loki, which the local stack does not run: listed as skipped.
 * So are the empty results of queries that read only what a kubelet publishes (container and
 * volume series): node-exporter runs here, a kubelet does not.
 */
import { buildDashboards } from '../../dashboards/index.js';
import { defaultVariableValues, listQueries, substitute, type DashboardQuery } from '../helpers/dashboard-queries.js';
import type { MonitoringConfig } from '../../contract/config/index.js';
import { prometheusQuery } from './servers.js';
import { ALL_EXTERNAL, externalJob } from '../../contract/external-metrics.js';
import { RESOURCE_JOBS } from '../../contract/metric-catalog.js';
import { recordedSeries } from '../../contract/recording-rules.js';
import { lintPromQL } from '../helpers/query-lint.js';

export interface DashboardCheck {
  checked: number;
  failures: string[];
  skipped: string[];
}

type Json = Record<string, unknown>;

/**
 * The series a query reads that only a kubelet (cAdvisor, volume stats) or kube-state-metrics
 * publishes, directly or through a recording rule; undefined when it reads none. Nothing here runs
 * a kubelet: such queries must parse and run, but cannot return data.
 */
export function kubeletOnly(expr: string): string[] | undefined {
  const jobs = new Set<string>([RESOURCE_JOBS.kubelet, RESOURCE_JOBS.kubeStateMetrics]);
  const names = lintPromQL(expr).metrics.filter((m) => {
    const ext = ALL_EXTERNAL.find((d) => d.name === m);
    return (ext !== undefined && jobs.has(externalJob(ext.source))) || jobs.has(recordedSeries(m)?.job ?? '');
  });
  return names.length > 0 ? [...new Set(names)] : undefined;
}

/** `label_values(<selector>, <label>)` variables take the first value Prometheus has for the label. */
export async function liveVariableValues(base: string, dashboard: Json): Promise<Record<string, string>> {
  const values = defaultVariableValues(dashboard);
  const list = ((dashboard.templating as Json | undefined)?.list ?? []) as Json[];
  for (const v of list) {
    if (v.type !== 'query' || typeof v.name !== 'string') continue;
    const raw = typeof v.query === 'string' ? v.query : String((v.query as Json | undefined)?.query ?? '');
    const m = /^\s*label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/s.exec(raw);
    if (!m || values[v.name] === '.*') continue;
    const r = await prometheusQuery(base, m[1]);
    const first = (r.data?.result as { metric: Record<string, string> }[] | undefined)?.find((s) => s.metric[m[2]] !== undefined);
    if (first) values[v.name] = first.metric[m[2]];
  }
  return values;
}

function seriesCount(r: { status: string; data?: { result: unknown[] } }): number {
  return r.status === 'success' ? (r.data?.result.length ?? 0) : 0;
}

export async function checkDashboardsLive(config: MonitoringConfig, prometheusUrl: string, rangeSeconds: number): Promise<DashboardCheck> {
  const out: DashboardCheck = { checked: 0, failures: [], skipped: [] };
  const end = Math.floor(Date.now() / 1000);
  const range = { start: end - rangeSeconds, end, step: Math.max(5, Math.round(rangeSeconds / 60)) };
  for (const d of buildDashboards(config)) {
    const json = d.model as unknown as Json;
    const values = await liveVariableValues(prometheusUrl, json);
    for (const q of listQueries(json) as DashboardQuery[]) {
      const label = `${d.uid} ${q.where}`;
      if (q.language !== 'promql') {
        out.skipped.push(`${label} (LogQL: no Loki in the local stack)`);
        continue;
      }
      let expr: string;
      try {
        expr = substitute(q.expr, values).text;
      } catch (err) {
        out.failures.push(`${label}: ${(err as Error).message}`);
        continue;
      }
      out.checked++;
      const instant = await prometheusQuery(prometheusUrl, expr);
      const ranged = await prometheusQuery(prometheusUrl, expr, range);
      const unavailable = kubeletOnly(expr);
      for (const [kind, r] of [['instant', instant], ['range', ranged]] as const) {
        if (r.status !== 'success') out.failures.push(`${label} (${kind}): error ${r.error ?? r.status}: ${expr}`);
        // An annotation marks events (e.g. maintenance): on a healthy system it rightly has none.
        else if (q.source !== 'annotation' && seriesCount(r as { status: string; data?: { result: unknown[] } }) === 0) {
          if (unavailable) out.skipped.push(`${label} (${kind}: no kubelet here, ${unavailable.join(', ')})`);
          else out.failures.push(`${label} (${kind}): no series: ${expr}`);
        }
      }
    }
  }
  return out;
}

export interface SharedStateCheck {
  checked: string[];
  failures: string[];
}

/**
 * Panels of shared state against the live stack with its two exporter replicas: each replica
 * publishes the value (so a sum would double it), and the panel shows exactly one replica's value.
 * Only figures that stay put during a run (seeded business data, the backup record), so the two
 * replicas' samples agree.
 */
const SHARED_PANELS: { uid: string; panel: string; metric: string; matchers: string }[] = [
  { uid: 'immigration-ai-agency-performance', panel: 'Active clients', metric: 'immigration_ai_agency_active_clients', matchers: 'agency_id="$agency"' },
  { uid: 'immigration-ai-agency-performance', panel: 'Pending reviews', metric: 'immigration_ai_agency_pending_document_reviews', matchers: 'agency_id="$agency"' },
  { uid: 'immigration-ai-business', panel: 'Active users', metric: 'immigration_ai_active_users', matchers: 'window="24h"' },
  { uid: 'immigration-ai-system-overview', panel: 'Active users', metric: 'immigration_ai_active_users', matchers: 'window="24h"' },
];

const firstValue = (r: { data?: { result: unknown[] } }): number | undefined => {
  const v = (r.data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1];
  return v === undefined ? undefined : Number(v);
};

export async function checkSharedStateOnce(config: MonitoringConfig, prometheusUrl: string, exporterInstances: string[]): Promise<SharedStateCheck> {
  const out: SharedStateCheck = { checked: [], failures: [] };
  const dashboards = buildDashboards(config);
  for (const p of SHARED_PANELS) {
    const d = dashboards.find((x) => x.uid === p.uid);
    const json = d?.model as unknown as Json;
    const q = listQueries(json).find((x) => x.panelTitle === p.panel && x.refId === 'A');
    if (!d || !q) {
      out.failures.push(`${p.uid}: no panel "${p.panel}"`);
      continue;
    }
    const values = await liveVariableValues(prometheusUrl, json);
    const expr = substitute(q.expr, values).text;
    const matchers = substitute(p.matchers, values).text;
    const shown = firstValue(await prometheusQuery(prometheusUrl, expr));
    const perReplica = await Promise.all(exporterInstances.map(async (instance) => firstValue(await prometheusQuery(prometheusUrl, `${p.metric}{job="immigration-ai-exporter", instance="${instance}", ${matchers}}`))));
    const label = `${p.uid} "${p.panel}"`;
    if (perReplica.some((v) => v === undefined)) out.failures.push(`${label}: not every exporter replica publishes ${p.metric}{${matchers}} (${perReplica.join(', ')})`);
    else if (shown === undefined) out.failures.push(`${label}: no value: ${expr}`);
    else if (perReplica.some((v) => v !== shown)) out.failures.push(`${label} shows ${shown}, the replicas publish ${perReplica.join(' and ')}: ${expr}`);
    else out.checked.push(`${label} = ${shown} (each of ${exporterInstances.length} replicas publishes ${shown}; a sum would show ${shown * exporterInstances.length})`);
  }
  return out;
}
