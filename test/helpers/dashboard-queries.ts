/**
 * Every query a dashboard runs, listed from its JSON (a built dashboard or a file from dist/):
 * panel targets, template variable queries and annotation queries, each with its language.
 * Plus Grafana's macro and variable substitution, so a query can be parsed or run against a real
 * Prometheus/Loki outside Grafana. No dependencies: the e2e tests import this at run time.
 */

export type QueryLanguage = 'promql' | 'logql';

export interface DashboardQuery {
  dashboardUid: string;
  source: 'panel' | 'variable' | 'annotation';
  /** Human-readable location, e.g. `panel 4 "Error Rates" target A`. */
  where: string;
  panelId?: number;
  panelTitle?: string;
  refId?: string;
  language: QueryLanguage;
  /** The expression as Grafana stores it, macros and variables included. */
  expr: string;
  /** Instant (one evaluation) rather than range query. */
  instant: boolean;
  /** The datasource reference as written (`${datasource}` when it goes through the variable). */
  datasource: { type?: string; uid?: string };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {});
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const LANGUAGE_OF_TYPE: Record<string, QueryLanguage> = { prometheus: 'promql', loki: 'logql' };

/** Grafana's `label_values(<selector>, <label>)` / `query_result(<expr>)` variable queries -> the PromQL inside. */
export function variableQueryExpr(query: string): string {
  const labelValues = /^\s*label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/s.exec(query);
  if (labelValues) return labelValues[1].trim();
  const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(query);
  if (queryResult) return queryResult[1].trim();
  return query.trim();
}

/** The panels of a dashboard, flattened (rows' nested panels included), rows excluded. */
export function panelsOf(dashboard: unknown): Json[] {
  const out: Json[] = [];
  const walk = (panels: Json[]): void => {
    for (const p of panels) {
      if (p.type === 'row') walk(arr(p.panels));
      else out.push(p);
    }
  };
  walk(arr(obj(dashboard).panels));
  return out;
}

export function listQueries(dashboard: unknown): DashboardQuery[] {
  const d = obj(dashboard);
  const dashboardUid = str(d.uid) ?? '';
  const out: DashboardQuery[] = [];
  for (const p of panelsOf(d)) {
    const panelDs = obj(p.datasource);
    for (const t of arr(p.targets)) {
      const ds = t.datasource !== undefined ? obj(t.datasource) : panelDs;
      const language = LANGUAGE_OF_TYPE[str(ds.type) ?? ''];
      const expr = str(t.expr);
      if (language === undefined || expr === undefined) continue;
      const refId = str(t.refId) ?? '?';
      out.push({
        dashboardUid,
        source: 'panel',
        where: `panel ${String(p.id)} "${str(p.title) ?? ''}" target ${refId}`,
        panelId: typeof p.id === 'number' ? p.id : undefined,
        panelTitle: str(p.title),
        refId,
        language,
        expr,
        instant: t.instant === true && t.range !== true,
        datasource: { type: str(ds.type), uid: str(ds.uid) },
      });
    }
  }
  for (const v of arr(obj(d.templating).list)) {
    if (v.type !== 'query') continue;
    const ds = obj(v.datasource);
    const language = LANGUAGE_OF_TYPE[str(ds.type) ?? ''];
    const q = str(v.query) ?? str(obj(v.query).query);
    if (language === undefined || q === undefined) continue;
    out.push({
      dashboardUid,
      source: 'variable',
      where: `variable ${str(v.name) ?? ''}`,
      language,
      expr: language === 'promql' ? variableQueryExpr(q) : q,
      instant: true,
      datasource: { type: str(ds.type), uid: str(ds.uid) },
    });
  }
  for (const a of arr(obj(d.annotations).list)) {
    const ds = obj(a.datasource);
    const language = LANGUAGE_OF_TYPE[str(ds.type) ?? ''];
    const expr = str(a.expr);
    if (language === undefined || expr === undefined) continue;
    out.push({
      dashboardUid,
      source: 'annotation',
      where: `annotation "${str(a.name) ?? ''}"`,
      language,
      expr,
      instant: false,
      datasource: { type: str(ds.type), uid: str(ds.uid) },
    });
  }
  return out;
}

/** Values for Grafana's built-in macros (durations as PromQL/LogQL accept them). */
export interface MacroValues {
  rateInterval: string;
  interval: string;
  range: string;
}

export const DEFAULT_MACROS: MacroValues = { rateInterval: '2m', interval: '1m', range: '1h' };

/** A placeholder for a variable with no current value (e.g. the agency before one is picked). */
export const PLACEHOLDER_VALUE = 'sample';

/**
 * The value each template variable of a dashboard takes when substituted: its current value
 * ("All" becomes the all value, `.*`), else a placeholder. Pass real values (e.g. an agency id) to `substitute` to override.
 */
export function defaultVariableValues(dashboard: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  for (const v of arr(obj(obj(dashboard).templating).list)) {
    const name = str(v.name);
    if (name === undefined) continue;
    const current = obj(v.current).value;
    const currentValue = Array.isArray(current) ? str(current[0]) : str(current);
    const all = currentValue === '$__all' || (currentValue === undefined && v.includeAll === true);
    values[name] = all ? (str(v.allValue) ?? '.*') : (currentValue ?? PLACEHOLDER_VALUE);
  }
  return values;
}

export interface Substituted {
  text: string;
  /** Where each substituted macro or variable sits in `text` (for checks on the parse tree). */
  spans: { from: number; to: number; name: string }[];
}

const BUILTINS = (m: MacroValues): Record<string, string> => ({
  __rate_interval: m.rateInterval,
  __interval: m.interval,
  __auto: m.interval,
  __range: m.range,
  __interval_ms: String(durationMs(m.interval)),
  __range_ms: String(durationMs(m.range)),
  __range_s: String(durationMs(m.range) / 1000),
});

/** `$name`, `${name}`, `${name:format}` and the deprecated `[[name]]`. */
const VARIABLE_REF = /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]/g;

/**
 * Replaces Grafana macros and template variables. An unknown variable is an error: a query that
 * names a variable the dashboard does not define would reach the datasource unsubstituted.
 */
export function substitute(expr: string, variables: Record<string, string>, macros: MacroValues = DEFAULT_MACROS): Substituted {
  const builtins = BUILTINS(macros);
  const spans: Substituted['spans'] = [];
  let text = '';
  let last = 0;
  for (const m of expr.matchAll(VARIABLE_REF)) {
    const name = m[1] ?? m[2] ?? m[3];
    // `$1` in label_replace is a regex back-reference, not a variable; Grafana leaves it alone too.
    if (/^\d+$/.test(name)) continue;
    const value = builtins[name] ?? variables[name];
    if (value === undefined) throw new Error(`unknown variable $${name} in: ${expr}`);
    text += expr.slice(last, m.index);
    spans.push({ from: text.length, to: text.length + value.length, name });
    text += value;
    last = (m.index ?? 0) + m[0].length;
  }
  text += expr.slice(last);
  return { text, spans };
}

function durationMs(d: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000, y: 31536000000 };
  let total = 0;
  for (const m of d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}
