/**
 * Proves dashboard queries against the real grammars: PromQL with Prometheus' own lezer grammar
 * (@prometheus-io/lezer-promql), LogQL with Grafana's (@grafana/lezer-logql), after Grafana macro
 * and variable substitution. On top of parsing it checks what a grammar cannot:
 * - every metric is a catalog series (histograms: _bucket/_sum/_count), a shared recording rule
 *   (RECORDED), a series of node-exporter, cAdvisor or the kubelet we read (external-metrics.ts)
 *   or a standard series (up, ALERTS, process and Node.js default metrics);
 * - every label matcher on our metrics names a label the metric has;
 * - rate/irate/increase run over `$__rate_interval` (instant queries may use `$__range`), LogQL
 *   range aggregations over a macro;
 * - no `__name__` or quoted (UTF-8) label names, which Prometheus 2.42 cannot read.
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { ALL_EXTERNAL, scrapeLabels } from '../../contract/external-metrics.js';
import { RECORDED_NAMES, recordedSeries } from '../../contract/recording-rules.js';
import { ALL_METRICS, seriesNames } from '../../contract/metric-catalog.js';
import { type DashboardQuery, DEFAULT_MACROS, defaultVariableValues, listQueries, type MacroValues, substitute, type Substituted } from './dashboard-queries.js';

/** Series every Prometheus has, or every prom-client process exposes. */
export const STANDARD_SERIES: readonly string[] = ['up', 'ALERTS', 'ALERTS_FOR_STATE'];
export const STANDARD_PREFIXES: readonly string[] = ['process_', 'nodejs_'];

/** Labels every scraped series carries besides its own. */
const TARGET_LABELS = ['job', 'instance'];

/** Known series -> the labels a matcher may use (undefined: any label, for standard series). */
function knownSeries(): Map<string, Set<string> | undefined> {
  const known = new Map<string, Set<string> | undefined>();
  for (const def of ALL_METRICS) {
    for (const name of seriesNames(def)) {
      const labels = [...def.labelNames, ...TARGET_LABELS, ...(name.endsWith('_bucket') ? ['le'] : [])];
      known.set(name, new Set(labels));
    }
  }
  for (const name of RECORDED_NAMES) known.set(name, new Set(recordedSeries(name)?.labels));
  // Not ours: their own labels plus what the scrape adds (job, instance, node, metrics_path).
  for (const def of ALL_EXTERNAL) known.set(def.name, new Set([...def.labels, ...scrapeLabels(def.source)]));
  for (const name of STANDARD_SERIES) known.set(name, undefined);
  return known;
}

const KNOWN = knownSeries();

export function isKnownSeries(name: string): boolean {
  return KNOWN.has(name) || STANDARD_PREFIXES.some((p) => name.startsWith(p));
}

export interface LintResult {
  /** The expression after substitution (what a datasource would receive). */
  text: string;
  problems: string[];
  /** Metric names the expression selects. */
  metrics: string[];
  /** Every vector selector: its metric and label matchers (`label` -> `op value`, e.g. `="x"`). */
  selectors: { metric: string; matchers: Record<string, string> }[];
}

/** Node types as the parsers give them (their @lezer/common is a transitive dependency, not ours). */
type SyntaxNode = ReturnType<typeof promqlParser.parse>['topNode'];
interface Iterable {
  iterate(spec: { enter(n: { type: { isError: boolean }; from: number; to: number }): void }): void;
}
interface Span {
  from: number;
  to: number;
}

const RATE_FUNCTIONS = new Set(['Rate', 'Irate', 'Increase']);

function syntaxProblems(tree: Iterable, text: string): string[] {
  const problems: string[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) problems.push(`syntax error at ${n.from}: "${text.slice(Math.max(0, n.from - 15), n.to + 15)}"`);
    },
  });
  return problems;
}

const children = (n: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
};

const fromMacro = (s: Substituted, n: Span, macro: string): boolean =>
  s.spans.some((sp) => sp.name === macro && sp.from === n.from && sp.to === n.to);

export interface LintOptions {
  variables?: Record<string, string>;
  macros?: MacroValues;
  /**
   * An instant query may also take rates and increases over `$__range`: "in the selected time
   * range" totals for stat panels, where the last few minutes would mostly show nothing.
   */
  instant?: boolean;
}

export function lintPromQL(expr: string, options: LintOptions = {}): LintResult {
  const { variables = {}, macros = DEFAULT_MACROS, instant = false } = options;
  let s: Substituted;
  try {
    s = substitute(expr, variables, macros);
  } catch (err) {
    return { text: expr, problems: [(err as Error).message], metrics: [], selectors: [] };
  }
  const { text } = s;
  const tree = promqlParser.parse(text);
  const problems = syntaxProblems(tree, text);
  const metrics: string[] = [];
  const selectors: LintResult['selectors'] = [];
  tree.iterate({
    enter: (ref) => {
      const n = ref.node;
      if (n.name === 'VectorSelector') {
        const id = n.getChild('Identifier');
        const name = id ? text.slice(id.from, id.to) : undefined;
        if (name === undefined) problems.push(`selector without a metric name: ${text.slice(n.from, n.to)}`);
        else {
          metrics.push(name);
          if (!isKnownSeries(name)) problems.push(`unknown metric ${name}: not in the catalog, RECORDED, external-metrics.ts or the standard series`);
        }
        const allowed = name === undefined ? undefined : KNOWN.get(name);
        const matchers = n.getChild('LabelMatchers');
        const selector = { metric: name ?? '', matchers: {} as Record<string, string> };
        selectors.push(selector);
        for (const m of matchers ? children(matchers) : []) {
          if (m.name === 'QuotedLabelMatcher' || m.name === 'QuotedLabelName') problems.push(`quoted label name (Prometheus 3 only): ${text.slice(m.from, m.to)}`);
          if (m.name !== 'UnquotedLabelMatcher') continue;
          const ln = m.getChild('LabelName');
          const label = ln ? text.slice(ln.from, ln.to) : '';
          selector.matchers[label] = ln ? text.slice(ln.to, m.to).trim() : '';
          if (label === '__name__') problems.push(`__name__ matcher hides the metric name: ${text.slice(m.from, m.to)}`);
          else if (allowed !== undefined && !allowed.has(label)) problems.push(`${name} has no label "${label}" (has ${[...allowed].join(', ')})`);
        }
      }
      if (n.name === 'FunctionCall') {
        const fn = n.getChild('FunctionIdentifier')?.firstChild?.name;
        if (fn === undefined || !RATE_FUNCTIONS.has(fn)) return;
        const body = n.getChild('FunctionCallBody');
        const arg = body ? children(body).find((c) => c.name === 'MatrixSelector' || c.name === 'SubqueryExpr') : undefined;
        const range = arg?.getChild('DurationExpr');
        const macroOk = range !== null && range !== undefined && (fromMacro(s, range, '__rate_interval') || (instant && fromMacro(s, range, '__range')));
        if (!arg || arg.name !== 'MatrixSelector' || !macroOk) {
          const allowed = instant ? '[$__rate_interval] or [$__range]' : '[$__rate_interval]';
          problems.push(`${fn.toLowerCase()}() must run over ${allowed}: ${text.slice(n.from, n.to)}`);
        }
      }
    },
  });
  return { text, problems, metrics, selectors };
}

export function lintLogQL(expr: string, options: Omit<LintOptions, 'instant'> = {}): LintResult {
  const { variables = {}, macros = DEFAULT_MACROS } = options;
  let s: Substituted;
  try {
    s = substitute(expr, variables, macros);
  } catch (err) {
    return { text: expr, problems: [(err as Error).message], metrics: [], selectors: [] };
  }
  const tree = logqlParser.parse(s.text);
  const problems = syntaxProblems(tree, s.text);
  tree.iterate({
    enter: (ref) => {
      if (ref.name !== 'Range') return;
      const d = ref.node.getChild('Duration');
      const ok = d !== null && ['__interval', '__auto', '__rate_interval', '__range'].some((m) => fromMacro(s, d, m));
      if (!ok) problems.push(`LogQL range must be a Grafana macro ($__interval, $__auto, $__rate_interval or $__range): ${s.text.slice(ref.from, ref.to)}`);
    },
  });
  return { text: s.text, problems, metrics: [], selectors: [] };
}

export interface QueryReport {
  query: DashboardQuery;
  result: LintResult;
}

/** Lints every query of a dashboard with its variables' default values. */
export function lintDashboard(dashboard: unknown, macros: MacroValues = DEFAULT_MACROS): QueryReport[] {
  const variables = defaultVariableValues(dashboard);
  return listQueries(dashboard).map((query) => ({
    query,
    result:
      query.language === 'promql'
        ? lintPromQL(query.expr, { variables, macros, instant: query.instant })
        : lintLogQL(query.expr, { variables, macros }),
  }));
}
