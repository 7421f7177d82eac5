/**
 * The label sets an alert can fire with, derived from its rule: the labels its expression keeps
 * (PromQL parsed with Prometheus' own lezer grammar, and followed through aggregations, vector
 * matching, `or`/`and`/`unless`, label-changing functions and recording rules), plus the rule's own
 * labels (which override) and `alertname`. Values are known where the expression pins them
 * (`job="..."`, `absent()`), where the caller says where a series comes from (its `namespace`),
 * and are a placeholder otherwise. Routing only needs the labels routes and inhibitions look at;
 * the point is to know, per alert, whether `namespace` survives and what it is.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { ALL_EXTERNAL, scrapeLabels } from '../../contract/external-metrics.js';
import { ALL_METRICS, seriesNames } from '../../contract/metric-catalog.js';
import { isAlertingRule, type RuleGroup } from '../../contract/rules.js';

/** Label name -> value (undefined: present, value not known from the rule). */
export type Labels = Map<string, string | undefined>;
type Node = ReturnType<typeof parser.parse>['topNode'];
/** Several label sets (an `or` or several rules of one recording name); `scalar` has none. */
type Result = { kind: 'scalar' } | { kind: 'vector'; sets: Labels[] };

export interface LabelContext {
  /** Labels every scraped series carries (job, instance, namespace, pod, ...). */
  targetLabels: readonly string[];
  /** The `namespace` label of a series, from its job (undefined job: a series without a job matcher). */
  namespaceOf: (job: string | undefined, metric: string) => string | undefined;
}

export interface AlertLabelSet {
  alert: string;
  labels: Record<string, string>;
}

/** Labels of the metrics outside our catalog that our rules use (Prometheus' and Alertmanager's own). */
const TOOL_METRIC_LABELS: Record<string, string[]> = {
  prometheus_rule_evaluation_failures_total: ['rule_group'],
  prometheus_notifications_errors_total: ['alertmanager'],
  prometheus_config_last_reload_successful: [],
  alertmanager_config_last_reload_successful: [],
  alertmanager_notifications_failed_total: ['integration', 'reason'],
  up: [],
};

const catalogLabels = new Map<string, string[]>();
for (const def of ALL_METRICS) for (const name of seriesNames(def)) catalogLabels.set(name, [...def.labelNames, ...(name.endsWith('_bucket') ? ['le'] : [])]);
// node-exporter, cAdvisor, kubelet and kube-state-metrics series: their own labels and the ones their scrape adds.
for (const ext of ALL_EXTERNAL) catalogLabels.set(ext.name, [...ext.labels, ...scrapeLabels(ext.source).filter((l) => l !== 'job')]);

const childrenOf = (n: Node): Node[] => {
  const out: Node[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
};
const child = (n: Node, name: string): Node | undefined => childrenOf(n).find((c) => c.type.name === name);
const unquote = (s: string): string => JSON.parse(s.startsWith("'") ? `"${s.slice(1, -1).replace(/"/g, '\\"')}"` : s.startsWith('`') ? JSON.stringify(s.slice(1, -1)) : s) as string;

function clone(sets: Labels[]): Labels[] {
  return sets.map((s) => new Map(s));
}

export class AlertLabelAnalyzer {
  private readonly recorded = new Map<string, { expr: string; labels: Record<string, string> }[]>();
  private readonly resolving = new Set<string>();

  constructor(private readonly groups: readonly RuleGroup[], private readonly ctx: LabelContext) {
    for (const g of groups) for (const r of g.rules) if (!isAlertingRule(r)) this.recorded.set(r.record, [...(this.recorded.get(r.record) ?? []), { expr: r.expr, labels: r.labels ?? {} }]);
  }

  /** Every label set each alerting rule can fire with (duplicates removed). */
  alertLabelSets(placeholder = 'example'): AlertLabelSet[] {
    const out = new Map<string, AlertLabelSet>();
    for (const g of this.groups) {
      for (const r of g.rules) {
        if (!isAlertingRule(r)) continue;
        const result = this.analyze(r.expr);
        const sets = result.kind === 'scalar' ? [new Map()] : result.sets;
        for (const s of sets) {
          const labels: Record<string, string> = {};
          for (const [k, v] of [...s.entries()].sort(([a], [b]) => a.localeCompare(b))) labels[k] = v ?? placeholder;
          Object.assign(labels, r.labels ?? {}, { alertname: r.alert });
          const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
          out.set(key, { alert: r.alert, labels });
        }
      }
    }
    return [...out.values()];
  }

  analyze(expr: string): Result {
    const tree = parser.parse(expr);
    let error = false;
    tree.iterate({ enter: (n) => void (n.type.isError && (error = true)) });
    if (error) throw new Error(`cannot parse ${expr}`);
    return this.node(tree.topNode, expr);
  }

  private selector(n: Node, text: string): Result {
    const metric = child(n, 'Identifier') ? text.slice(child(n, 'Identifier')!.from, child(n, 'Identifier')!.to) : '';
    const matchers = new Map<string, string>();
    const list = child(n, 'LabelMatchers');
    for (const m of list ? childrenOf(list).filter((c) => c.type.name === 'UnquotedLabelMatcher') : []) {
      const name = text.slice(child(m, 'LabelName')!.from, child(m, 'LabelName')!.to);
      const op = text.slice(child(m, 'MatchOp')!.from, child(m, 'MatchOp')!.to);
      const value = unquote(text.slice(child(m, 'StringLiteral')!.from, child(m, 'StringLiteral')!.to));
      if (op === '=') matchers.set(name, value);
    }
    const rules = this.recorded.get(metric);
    if (rules) {
      if (this.resolving.has(metric)) throw new Error(`recording rule ${metric} refers to itself`);
      this.resolving.add(metric);
      try {
        const sets = rules.flatMap((r) => {
          const res = this.analyze(r.expr);
          const base = res.kind === 'scalar' ? [new Map()] : res.sets;
          return base.map((s) => {
            const out: Labels = new Map(s);
            for (const [k, v] of Object.entries(r.labels)) out.set(k, v);
            return out;
          });
        });
        for (const s of sets) for (const [k, v] of matchers) s.set(k, v);
        return { kind: 'vector', sets };
      } finally {
        this.resolving.delete(metric);
      }
    }
    const own = catalogLabels.get(metric) ?? TOOL_METRIC_LABELS[metric];
    if (own === undefined) throw new Error(`unknown series ${metric}: add its labels to TOOL_METRIC_LABELS`);
    const labels: Labels = new Map();
    for (const l of [...this.ctx.targetLabels, ...own]) labels.set(l, undefined);
    for (const [k, v] of matchers) labels.set(k, v);
    const namespace = this.ctx.namespaceOf(matchers.get('job'), metric);
    if (namespace !== undefined) labels.set('namespace', namespace);
    return { kind: 'vector', sets: [labels] };
  }

  private grouping(n: Node | undefined, text: string): string[] {
    const g = n ? child(n, 'GroupingLabels') : undefined;
    return g ? childrenOf(g).filter((c) => c.type.name === 'LabelName').map((c) => text.slice(c.from, c.to)) : [];
  }

  private node(n: Node, text: string): Result {
    switch (n.type.name) {
      case 'PromQL':
      case 'ParenExpr':
      case 'FunctionCallBody':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'SubqueryExpr':
      case 'MatrixSelector': {
        const inner = childrenOf(n).filter((c) => !['(', ')', 'Offset', 'At', 'DurationExpr', 'NumberDurationLiteralInDurationContext'].includes(c.type.name));
        return this.node(inner[0], text);
      }
      case 'NumberDurationLiteral':
      case 'NumberLiteral':
      case 'StringLiteral':
        return { kind: 'scalar' };
      case 'UnaryExpr':
        return this.node(childrenOf(n).at(-1)!, text);
      case 'VectorSelector':
        return this.selector(n, text);
      case 'AggregateExpr': {
        const op = text.slice(child(n, 'AggregateOp')!.from, child(n, 'AggregateOp')!.to);
        const modifier = child(n, 'AggregateModifier');
        const body = child(n, 'FunctionCallBody')!;
        const args = childrenOf(body).filter((c) => !['(', ')', ','].includes(c.type.name)).map((c) => this.node(c, text));
        const inner = args.find((a) => a.kind === 'vector') as Extract<Result, { kind: 'vector' }> | undefined;
        const sets = inner ? clone(inner.sets) : [new Map()];
        if (['topk', 'bottomk', 'limitk'].includes(op)) return { kind: 'vector', sets };
        const keep = this.grouping(modifier, text);
        const without = modifier && child(modifier, 'Without');
        for (const s of sets) {
          for (const k of [...s.keys()]) if (without ? keep.includes(k) : !keep.includes(k)) s.delete(k);
          if (!without) for (const k of keep) if (!s.has(k)) s.set(k, undefined);
        }
        if (op === 'count_values') for (const s of sets) s.set('value', undefined);
        return { kind: 'vector', sets };
      }
      case 'FunctionCall': {
        const name = text.slice(child(n, 'FunctionIdentifier')!.from, child(n, 'FunctionIdentifier')!.to);
        const body = child(n, 'FunctionCallBody')!;
        const argNodes = childrenOf(body).filter((c) => !['(', ')', ','].includes(c.type.name));
        if (['vector', 'time', 'scalar', 'pi'].includes(name)) return name === 'vector' ? { kind: 'vector', sets: [new Map()] } : { kind: 'scalar' };
        if (name === 'absent' || name === 'absent_over_time') {
          const sel = argNodes[0].type.name === 'MatrixSelector' ? child(argNodes[0], 'VectorSelector')! : argNodes[0];
          const labels: Labels = new Map();
          const list = child(sel, 'LabelMatchers');
          for (const m of list ? childrenOf(list).filter((c) => c.type.name === 'UnquotedLabelMatcher') : []) {
            if (text.slice(child(m, 'MatchOp')!.from, child(m, 'MatchOp')!.to) !== '=') continue;
            labels.set(text.slice(child(m, 'LabelName')!.from, child(m, 'LabelName')!.to), unquote(text.slice(child(m, 'StringLiteral')!.from, child(m, 'StringLiteral')!.to)));
          }
          return { kind: 'vector', sets: [labels] };
        }
        const args = argNodes.map((a) => this.node(a, text));
        const vec = args.find((a) => a.kind === 'vector') as Extract<Result, { kind: 'vector' }> | undefined;
        if (!vec) return { kind: 'scalar' };
        const sets = clone(vec.sets);
        if (name === 'histogram_quantile') for (const s of sets) s.delete('le');
        if (name === 'label_replace' || name === 'label_join') {
          const dst = unquote(text.slice(argNodes[1].from, argNodes[1].to));
          for (const s of sets) s.set(dst, undefined);
        }
        return { kind: 'vector', sets };
      }
      case 'BinaryExpr': {
        const parts = childrenOf(n);
        const lhs = this.node(parts[0], text);
        const rhs = this.node(parts.at(-1)!, text);
        const op = parts[1].type.name;
        if (op === 'Or') {
          const sets = [...(lhs.kind === 'vector' ? lhs.sets : []), ...(rhs.kind === 'vector' ? rhs.sets : [])];
          return { kind: 'vector', sets: clone(sets) };
        }
        if (op === 'And' || op === 'Unless') return lhs.kind === 'vector' ? { kind: 'vector', sets: clone(lhs.sets) } : lhs;
        if (lhs.kind === 'scalar' && rhs.kind === 'scalar') return lhs;
        if (lhs.kind === 'scalar') return rhs;
        if (rhs.kind === 'scalar') return lhs;
        // Vector to vector: Prometheus' resultMetric.
        const clause = child(n, 'MatchingModifierClause');
        const labelLists = clause ? childrenOf(clause).filter((c) => c.type.name === 'GroupingLabels').map((g) => childrenOf(g).filter((c) => c.type.name === 'LabelName').map((c) => text.slice(c.from, c.to))) : [];
        const on = clause && child(clause, 'On');
        const groupLeft = clause && child(clause, 'GroupLeft');
        const groupRight = clause && child(clause, 'GroupRight');
        const matching = labelLists[0] ?? [];
        const include = labelLists[1] ?? [];
        const many = groupRight ? rhs : lhs;
        const one = groupRight ? lhs : rhs;
        const sets = clone(many.sets).flatMap((s) => {
          if (!groupLeft && !groupRight) {
            for (const k of [...s.keys()]) if (on ? !matching.includes(k) : matching.includes(k)) s.delete(k);
            return [s];
          }
          return one.sets.map((o) => {
            const out = new Map(s);
            for (const k of include) out.set(k, o.get(k));
            return out;
          });
        });
        return { kind: 'vector', sets };
      }
      default:
        throw new Error(`alert-labels: PromQL node ${n.type.name} not handled ("${text.slice(n.from, n.to)}")`);
    }
  }
}
