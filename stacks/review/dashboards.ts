/**
 * Grafana dashboards compared as dashboards and panels: added, removed or retitled; queries
 * changed (old and new, each parsed with the PromQL or LogQL grammar); thresholds changed; UIDs
 * changed (links and bookmarks to the old UID break).
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import type { EnvironmentArtifacts } from './artifacts.js';
import { code, type Finding, finding, type Level } from './findings.js';
import { changedPaths, pathsText } from './objects.js';
import { syntaxError } from './promql.js';
import { canonical, type Json, obj, objs, str } from './tree.js';

interface PanelView {
  id?: number;
  title: string;
  type: string;
  panel: Json;
  /** Title of the row it sits in, for people. */
  row?: string;
}

/** Every panel, rows' nested panels included (a collapsed row holds its panels). */
function panelsOf(dashboard: Json): PanelView[] {
  const out: PanelView[] = [];
  let row: string | undefined;
  for (const p of objs(dashboard.panels)) {
    if (p.type === 'row') {
      row = str(p.title);
      for (const inner of objs(p.panels)) out.push(view(inner, row));
      continue;
    }
    out.push(view(p, row));
  }
  return out;
}

const view = (p: Json, row?: string): PanelView => ({ id: typeof p.id === 'number' ? p.id : undefined, title: str(p.title) ?? '(untitled)', type: str(p.type) ?? '?', panel: p, row });

/**
 * Pairs panels: same id and title, then same title (unique on both sides), then same id (a
 * retitled panel). Ids alone are not trusted first: a layout packer renumbers panels when one is
 * inserted.
 */
function pairPanels(a: PanelView[], b: PanelView[]): { pairs: [PanelView, PanelView][]; added: PanelView[]; removed: PanelView[] } {
  const pairs: [PanelView, PanelView][] = [];
  let restA = [...a];
  let restB = [...b];
  const pass = (same: (x: PanelView, y: PanelView) => boolean, unique: boolean): void => {
    for (const x of [...restA]) {
      const candidates = restB.filter((y) => same(x, y));
      if (candidates.length === 0 || (unique && (candidates.length > 1 || restA.filter((z) => same(z, candidates[0])).length > 1))) continue;
      pairs.push([x, candidates[0]]);
      restA = restA.filter((z) => z !== x);
      restB = restB.filter((z) => z !== candidates[0]);
    }
  };
  pass((x, y) => x.id !== undefined && x.id === y.id && x.title === y.title, false);
  pass((x, y) => x.title === y.title, true);
  pass((x, y) => x.id !== undefined && x.id === y.id, false);
  return { pairs, added: restB, removed: restA };
}

/** Grafana macros and template variables replaced by values the grammars accept (a variable stands for a label value). */
function substituted(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range|auto)\b/g, '5m')
    .replace(/\$__(interval_ms|range_ms|range_s)\b/g, '300')
    .replace(/\$\{[A-Za-z0-9_]+(?::[^}]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[A-Za-z0-9_]+(?::[^\]]*)?\]\]/g, 'placeholder');
}

function logqlError(expr: string): string | undefined {
  let at: number | undefined;
  const cursor = logqlParser.parse(expr).cursor();
  do {
    if (cursor.type.isError && at === undefined) at = cursor.from;
  } while (cursor.next());
  return at === undefined ? undefined : `syntax error at character ${at + 1}`;
}

interface QueryView {
  refId: string;
  expr: string;
  language: 'promql' | 'logql';
}

function queriesOf(p: PanelView): QueryView[] {
  const panelType = str(obj(p.panel.datasource).type);
  return objs(p.panel.targets)
    .filter((t) => typeof t.expr === 'string')
    .map((t, i) => ({
      refId: str(t.refId) ?? `#${i}`,
      expr: t.expr as string,
      language: (str(obj(t.datasource).type) ?? panelType) === 'loki' ? ('logql' as const) : ('promql' as const),
    }));
}

export function queryError(q: Pick<QueryView, 'expr' | 'language'>): string | undefined {
  const text = substituted(q.expr);
  return q.language === 'logql' ? logqlError(text) : syntaxError(text);
}

function thresholdsText(fieldConfig: unknown): string[] {
  const fc = obj(fieldConfig);
  const steps = (t: unknown): string => {
    const o = obj(t);
    const list = objs(o.steps).map((s) => `${str(s.color) ?? '?'} ${s.value === null || s.value === undefined ? 'from the start' : `at ${s.value}`}`);
    return `${o.mode === 'percentage' ? 'percentage: ' : ''}${list.join(', ')}`;
  };
  const out: string[] = [];
  const defaults = obj(fc.defaults);
  if (defaults.thresholds !== undefined) out.push(steps(defaults.thresholds));
  for (const o of objs(fc.overrides)) {
    for (const prop of objs(o.properties)) if (prop.id === 'thresholds') out.push(`${canonical(obj(o.matcher).options ?? o.matcher)}: ${steps(prop.value)}`);
  }
  return out;
}

const HANDLED = new Set(['id', 'title', 'targets', 'gridPos']);

function comparePanel(dash: string, a: PanelView, b: PanelView): Finding[] {
  const out: Finding[] = [];
  const name = `${dash} panel ${code(b.title)}`;
  if (a.title !== b.title) out.push(finding('dashboards', 'Panels', 'info', `${dash} panel ${code(a.title)} retitled ${code(b.title)}.`));
  if (a.type !== b.type) out.push(finding('dashboards', 'Panels', 'info', `${name} is now a ${b.type} panel (was ${a.type}).`));
  const qa = new Map(queriesOf(a).map((q) => [q.refId, q]));
  const qb = new Map(queriesOf(b).map((q) => [q.refId, q]));
  for (const ref of [...new Set([...qa.keys(), ...qb.keys()])].sort()) {
    const x = qa.get(ref);
    const y = qb.get(ref);
    if (x && y && x.expr === y.expr) continue;
    const err = y ? queryError(y) : undefined;
    const parses = (q: QueryView): string => (queryError(q) ? `does not parse: ${queryError(q)}` : `parses as ${q.language === 'promql' ? 'PromQL' : 'LogQL'}`);
    const level: Level = err ? 'risk' : 'notice';
    if (x && y) {
      out.push(finding('dashboards', 'Queries', level, `${name}: query ${ref} changed (old ${parses(x)}; new ${parses(y)}).`, [
        { label: 'before', text: x.expr, lang: x.language },
        { label: 'after', text: y.expr, lang: y.language },
      ]));
    } else if (y) out.push(finding('dashboards', 'Queries', level, `${name}: query ${ref} added (${parses(y)}).`, [{ label: 'query', text: y.expr, lang: y.language }]));
    else if (x) out.push(finding('dashboards', 'Queries', 'info', `${name}: query ${ref} removed.`, [{ label: 'was', text: x.expr, lang: x.language }]));
  }
  const ta = thresholdsText(a.panel.fieldConfig);
  const tb = thresholdsText(b.panel.fieldConfig);
  if (ta.join(' | ') !== tb.join(' | ')) out.push(finding('dashboards', 'Thresholds', 'notice', `${name}: thresholds ${tb.join('; ') || '(none)'} (were ${ta.join('; ') || '(none)'}).`));
  const strip = (p: Json): Json => {
    const c: Json = {};
    for (const [k, v] of Object.entries(p)) if (!HANDLED.has(k) && k !== 'fieldConfig' && k !== 'type') c[k] = v;
    const fc = obj(p.fieldConfig);
    c.fieldConfig = { ...fc, defaults: { ...obj(fc.defaults), thresholds: undefined }, overrides: objs(fc.overrides).map((o) => ({ ...o, properties: objs(o.properties).filter((x) => x.id !== 'thresholds') })) };
    return c;
  };
  const rest = changedPaths(strip(a.panel), strip(b.panel));
  const moved = canonical(a.panel.gridPos) !== canonical(b.panel.gridPos);
  if (rest.length > 0 || moved) {
    out.push(finding('dashboards', 'Panels', 'info', `${name}: ${[...(rest.length > 0 ? [`changed ${pathsText(rest)}`] : []), ...(moved ? ['moved or resized'] : [])].join('; ')}.`));
  }
  return out;
}

function compareDashboard(a: Json, b: Json): Finding[] {
  const out: Finding[] = [];
  const dash = `Dashboard ${code(str(b.title) ?? '?')}`;
  if (a.title !== b.title) out.push(finding('dashboards', 'Dashboards', 'info', `Dashboard ${code(str(a.title) ?? '?')} retitled ${code(str(b.title) ?? '?')}.`));
  const { pairs, added, removed } = pairPanels(panelsOf(a), panelsOf(b));
  for (const p of added) {
    const errors = queriesOf(p).filter((q) => queryError(q));
    out.push(finding('dashboards', 'Panels', errors.length > 0 ? 'risk' : 'info', `${dash}: panel ${code(p.title)} added${p.row ? ` in row ${code(p.row)}` : ''}${errors.length > 0 ? `; its query ${errors.map((q) => q.refId).join(', ')} does not parse` : ''}.`));
  }
  for (const p of removed) out.push(finding('dashboards', 'Panels', 'info', `${dash}: panel ${code(p.title)} removed.`));
  for (const [x, y] of pairs) out.push(...comparePanel(dash, x, y));
  const outer = (d: Json): Json => Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'panels' && k !== 'uid' && k !== 'title' && k !== 'version'));
  const rest = changedPaths(outer(a), outer(b));
  if (rest.length > 0) out.push(finding('dashboards', 'Dashboards', 'info', `${dash}: changed ${pathsText(rest)}.`));
  return out;
}

export function compareDashboards(base: EnvironmentArtifacts, head: EnvironmentArtifacts): Finding[] {
  const out: Finding[] = [];
  const byUid = (e: EnvironmentArtifacts): Map<string, Json> => new Map(e.dashboards.map((d) => [str(d.dashboard.uid) ?? d.file, d.dashboard]));
  const a = byUid(base);
  const b = byUid(head);
  const onlyA = [...a.keys()].filter((k) => !b.has(k));
  const onlyB = [...b.keys()].filter((k) => !a.has(k));
  const renamed = new Map<string, string>();
  // A dashboard whose UID changed is the same dashboard by title (unique on both sides).
  for (const ua of onlyA) {
    const title = a.get(ua)?.title;
    const candidates = onlyB.filter((ub) => b.get(ub)?.title === title && !renamed.has(ub));
    if (candidates.length === 1 && onlyA.filter((x) => a.get(x)?.title === title).length === 1) renamed.set(candidates[0], ua);
  }
  for (const [ub, ua] of renamed) {
    out.push(finding('dashboards', 'Dashboards', 'risk', `Dashboard ${code(str(b.get(ub)?.title) ?? '?')}: UID ${code(ua)} -> ${code(ub)}; links, bookmarks and alert dashboard_url annotations to /d/${ua} break.`));
    out.push(...compareDashboard(a.get(ua) as Json, b.get(ub) as Json));
  }
  for (const ub of onlyB.filter((k) => !renamed.has(k))) out.push(finding('dashboards', 'Dashboards', 'info', `Dashboard ${code(str(b.get(ub)?.title) ?? ub)} added (UID ${code(ub)}, ${panelsOf(b.get(ub) as Json).length} panels).`));
  for (const ua of onlyA.filter((k) => ![...renamed.values()].includes(k))) {
    out.push(finding('dashboards', 'Dashboards', 'notice', `Dashboard ${code(str(a.get(ua)?.title) ?? ua)} removed (UID ${code(ua)}): links to it break.`));
  }
  for (const uid of [...a.keys()].filter((k) => b.has(k)).sort()) {
    if (canonical(a.get(uid)) !== canonical(b.get(uid))) out.push(...compareDashboard(a.get(uid) as Json, b.get(uid) as Json));
  }
  return out;
}
