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
 * - no `__name__` or quoted (UTF-8) label names, which Prometheus 2.42 cannot read;
 * - shared-state metrics (catalog `scope: 'shared'`) are read replica-safely: the nearest
 *   aggregation around them is `max`, `min` or `avg` by labels that are not `instance` or `pod`,
 *   never `sum`, `count`, `topk` of the raw series or no aggregation at all (two exporter
 *   replicas publish the same value; anything else doubles it or shows it twice). The same check
 *   runs on every alerting and recording rule (`lintRuleExpr`).
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { ALL_EXTERNAL, scrapeLabels } from '../../contract/external-metrics.js';
import { RECORDED_NAMES, recordedSeries } from '../../contract/recording-rules.js';
import { SLO_RECORDED_NAMES } from '../../contract/slo.js';
import { ALL_METRICS, SHARED_STATE_METRICS, seriesNames } from '../../contract/metric-catalog.js';
import { type DashboardQuery, DEFAULT_MACROS, defaultVariableValues, listQueries, type MacroValues, substitute, type Substituted } from './dashboard-queries.js';

/** Series every Prometheus has, or every prom-client process exposes, and the one tool series a dashboard reads. */
export const STANDARD_SERIES: readonly string[] = ['up', 'ALERTS', 'ALERTS_FOR_STATE', 'alertmanager_notifications_total'];
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
  // The SLO error ratios, aggregated by job.
  for (const name of SLO_RECORDED_NAMES) known.set(name, new Set(['job']));
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

/** Series of the shared-state metrics (histograms: their _bucket, _sum and _count). */
const SHARED_SERIES = new Set(SHARED_STATE_METRICS.flatMap(seriesNames));
/** Aggregations that give one value per shared thing, however many replicas publish it. */
const REPLICA_SAFE_AGGREGATIONS = new Set(['Max', 'Min', 'Avg']);
/** Target labels that tell replicas apart: an aggregation keeping one keeps a series per replica. */
const REPLICA_LABELS = new Set(['instance', 'pod']);
/** Functions that only ask whether a series exists: replica-safe without aggregation. */
const EXISTENCE_FUNCTIONS = new Set(['Absent', 'AbsentOverTime']);

/**
 * Shared-state selectors not aggregated replica-safely. Walks up from each selector to the
 * nearest aggregation; `absent(...)` around it first is fine (existence does not double).
 */
function replicaSafetyProblems(tree: { topNode: SyntaxNode }, text: string): string[] {
  const problems: string[] = [];
  const visit = (n: SyntaxNode): void => {
    if (n.name === 'VectorSelector') {
      const id = n.getChild('Identifier');
      const name = id ? text.slice(id.from, id.to) : '';
      if (SHARED_SERIES.has(name)) {
        const problem = aggregationProblem(n, name, text);
        if (problem) problems.push(problem);
      }
    }
    for (const c of children(n)) visit(c);
  };
  visit(tree.topNode);
  return problems;
}

function aggregationProblem(selector: SyntaxNode, name: string, text: string): string | undefined {
  const advice = `aggregate it over the replicas with max, min or avg by the labels to keep (not instance or pod)`;
  for (let p = selector.parent; p; p = p.parent) {
    if (p.name === 'FunctionCall' && EXISTENCE_FUNCTIONS.has(p.getChild('FunctionIdentifier')?.firstChild?.name ?? '')) return undefined;
    if (p.name !== 'AggregateExpr') continue;
    const op = p.getChild('AggregateOp')?.firstChild?.name ?? '?';
    const where = text.slice(p.from, p.to);
    if (!REPLICA_SAFE_AGGREGATIONS.has(op)) {
      return `${name} describes shared state, which every replica publishes: ${op.toLowerCase()} over it adds up or lists the replicas; ${advice}: ${where}`;
    }
    const modifier = p.getChild('AggregateModifier');
    if (modifier?.getChild('Without')) return `${name} describes shared state: aggregate it by (labels), not without (...), so no replica label survives: ${where}`;
    const grouping = modifier?.getChild('GroupingLabels');
    const kept = grouping ? grouping.getChildren('LabelName').map((l) => text.slice(l.from, l.to)) : [];
    const replicaLabel = kept.find((l) => REPLICA_LABELS.has(l));
    if (replicaLabel !== undefined) return `${name} describes shared state: grouping by ${replicaLabel} keeps one series per replica; ${advice}: ${where}`;
    return undefined;
  }
  return `${name} describes shared state, which every replica publishes: ${advice}: ${text.slice(selector.from, selector.to)}`;
}

export interface RuleLintResult {
  problems: string[];
  metrics: string[];
}

/** The monitoring tools' own metrics, which the meta alerts read (not in our catalog). */
const TOOL_PREFIXES: readonly string[] = ['prometheus_', 'alertmanager_'];

/**
 * An alerting or recording rule's expression: syntax, known series (catalog, RECORDED, standard,
 * the tools' own, and `recorded`: the names the rule files record themselves), and replica-safe
 * reads of shared state. Rules use fixed windows such as [5m], so the dashboards' macro rules do
 * not apply.
 */
export function lintRuleExpr(expr: string, recorded: ReadonlySet<string> = new Set()): RuleLintResult {
  const tree = promqlParser.parse(expr);
  const problems = syntaxProblems(tree, expr);
  const metrics: string[] = [];
  tree.iterate({
    enter: (ref) => {
      if (ref.name !== 'VectorSelector') return;
      const id = ref.node.getChild('Identifier');
      if (!id) return;
      const name = expr.slice(id.from, id.to);
      metrics.push(name);
      if (!isKnownSeries(name) && !recorded.has(name) && !TOOL_PREFIXES.some((p) => name.startsWith(p))) {
        problems.push(`unknown metric ${name}: not in the catalog, a recording rule or the standard series`);
      }
    },
  });
  problems.push(...replicaSafetyProblems(tree, expr));
  return { problems, metrics };
}

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
  /**
   * A template variable's `label_values(<selector>, <label>)`: only the label's distinct values
   * are used, so the replica rule does not apply.
   */
  labelValuesOnly?: boolean;
  macros?: MacroValues;
  /**
   * An instant query may also take rates and increases over `$__range`: "in the selected time
   * range" totals for stat panels, where the last few minutes would mostly show nothing.
   */
  instant?: boolean;
}

export function lintPromQL(expr: string, options: LintOptions = {}): LintResult {
  const { variables = {}, macros = DEFAULT_MACROS, instant = false, labelValuesOnly = false } = options;
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
  if (!labelValuesOnly) problems.push(...replicaSafetyProblems(tree, text));
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
        ? lintPromQL(query.expr, { variables, macros, instant: query.instant, labelValuesOnly: query.source === 'variable' })
        : lintLogQL(query.expr, { variables, macros }),
  }));
}
