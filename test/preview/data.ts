/**
 * The data of a dashboard preview: every panel of a dashboard's JSON with its position, display
 * options and the real result of each of its PromQL targets, run against a Prometheus as Grafana
 * would run them (variables at their first live value, macros for the previewed range).
 */
import { type DashboardArtifact } from '../../contract/dashboards.js';
import { substitute } from '../helpers/dashboard-queries.js';
import { kubeletOnly, liveVariableValues } from '../local-stack/dashboards-live.js';
import { prometheusQuery } from '../local-stack/servers.js';

type Json = Record<string, any>;

export interface PreviewSeries {
  name: string;
  labels: Record<string, string>;
  /** [unix seconds, value] */
  points: [number, number][];
}

export interface PreviewPanel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  /** For a collapsed row: how many panels it hides. */
  hidden?: number;
  fieldConfig: Json;
  options: Json;
  transformations?: Json[];
  series: PreviewSeries[];
  /** Why the preview draws nothing of its own (Loki panels: no Loki here). */
  note?: string;
  /** Every target reads only what a kubelet publishes: empty wherever no kubelet is scraped (the local stack). */
  kubeletOnly?: boolean;
  /** The panel's bars are longer than the data behind them (daily bars of a stack minutes old): nothing to draw yet. */
  barsLongerThanRange?: boolean;
  errors: string[];
}

export interface PreviewDashboard {
  uid: string;
  title: string;
  rangeSeconds: number;
  end: number;
  variables: Record<string, string>;
  panels: PreviewPanel[];
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const seconds = (d: string): number => [...d.matchAll(/(\d+)([smhdw])/g)].reduce((t, m) => t + Number(m[1]) * UNITS[m[2]], 0);

/** A legend as Grafana formats it: `{{label}}` replaced, `__auto` as the label set. */
function legendName(format: string | undefined, labels: Record<string, string>): string {
  if (format === undefined || format === '__auto' || format === '') {
    const { __name__: name, ...rest } = labels;
    const inner = Object.entries(rest).map(([k, v]) => `${k}="${v}"`).join(', ');
    return `${name ?? ''}${inner ? `{${inner}}` : name ? '' : '{}'}`;
  }
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, l: string) => labels[l] ?? '');
}

/** Runs one panel's targets over its range (the dashboard's, or its relative time override). */
async function panelData(prometheusUrl: string, p: Json, variables: Record<string, string>, end: number, dashboardRange: number): Promise<PreviewPanel> {
  const range = p.timeFrom ? seconds(String(p.timeFrom)) : dashboardRange;
  const minInterval = p.interval ? seconds(String(p.interval)) : 0;
  const step = Math.max(15, Math.round(range / 240), minInterval);
  const macros = { rateInterval: `${Math.max(step + 15, 60)}s`, interval: `${step}s`, range: `${range}s` };
  const out: PreviewPanel = { id: p.id, type: p.type, title: p.title, gridPos: p.gridPos, fieldConfig: p.fieldConfig ?? {}, options: p.options ?? {}, transformations: p.transformations ?? [], series: [], errors: [] };
  out.barsLongerThanRange = minInterval > range;
  if (p.type === 'logs' || (p.datasource?.type ?? '') === 'loki') {
    out.note = 'Loki panel: not drawn by the preview';
    return out;
  }
  const exprs = ((p.targets ?? []) as Json[]).filter((t) => typeof t.expr === 'string').map((t) => substitute(t.expr, variables, macros).text);
  out.kubeletOnly = exprs.length > 0 && exprs.every((e) => kubeletOnly(e) !== undefined);
  for (const t of (p.targets ?? []) as Json[]) {
    if (typeof t.expr !== 'string') continue;
    const expr = substitute(t.expr, variables, macros).text;
    const instant = t.instant === true && t.range !== true;
    const r = await prometheusQuery(prometheusUrl, expr, instant ? undefined : { start: end - range, end, step });
    if (r.status !== 'success') {
      out.errors.push(`${t.refId}: ${r.error ?? r.status}`);
      continue;
    }
    for (const s of (r.data?.result ?? []) as Json[]) {
      const labels = (s.metric ?? {}) as Record<string, string>;
      const points: [number, number][] = instant ? [[Number(s.value[0]), Number(s.value[1])]] : (s.values as [number, string][]).map(([ts, v]) => [ts, Number(v)]);
      out.series.push({ name: legendName(t.legendFormat, labels), labels, points });
    }
  }
  return out;
}

/** Every top-level panel of a dashboard with its data; collapsed rows as one header line, as Grafana opens the dashboard. */
export async function previewData(prometheusUrl: string, d: DashboardArtifact, rangeSeconds: number, end = Math.floor(Date.now() / 1000)): Promise<PreviewDashboard> {
  const model = d.model as unknown as Json;
  const variables = await liveVariableValues(prometheusUrl, model);
  const panels: PreviewPanel[] = [];
  for (const p of (model.panels ?? []) as Json[]) {
    if (p.type === 'row') {
      panels.push({ id: p.id, type: 'row', title: p.title, gridPos: p.gridPos, hidden: p.collapsed ? (p.panels ?? []).length : undefined, fieldConfig: {}, options: {}, series: [], errors: [] });
      continue;
    }
    panels.push(await panelData(prometheusUrl, p, variables, end, rangeSeconds));
  }
  return { uid: d.uid, title: d.title, rangeSeconds, end, variables, panels };
}

/**
 * Panels that show nothing: no series, or a query error. Aside: Loki panels, kubelet-only panels
 * where no kubelet runs, and bars longer than the range (a daily bar needs a day of data).
 */
export function emptyPanels(p: PreviewDashboard, options: { kubelet: boolean } = { kubelet: false }): string[] {
  return p.panels
    .filter((x) => x.type !== 'row' && x.note === undefined && (options.kubelet || !x.kubeletOnly) && !x.barsLongerThanRange && (x.errors.length > 0 || x.series.length === 0 || x.series.every((s) => s.points.every(([, v]) => Number.isNaN(v)))))
    .map((x) => `${p.uid} "${x.title}"${x.errors.length > 0 ? `: ${x.errors.join('; ')}` : ''}`);
}
