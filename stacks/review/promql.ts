/**
 * PromQL read with Prometheus' own grammar (@prometheus-io/lezer-promql): syntax errors, the
 * thresholds of comparisons, the expression's shape without them, its selectors, and the
 * inlining of recording rules (for backtests over a history that never recorded them).
 */
import { parser } from '@prometheus-io/lezer-promql';

/** The part of a lezer syntax node we use (its @lezer/common types are a transitive dependency). */
interface Node {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly type: { readonly isError: boolean };
  readonly firstChild: Node | null;
  readonly nextSibling: Node | null;
  readonly parent: Node | null;
}

const parse = (expr: string): Node => parser.parse(expr).topNode as unknown as Node;

function children(n: Node): Node[] {
  const out: Node[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

function walk(n: Node, visit: (n: Node) => void): void {
  visit(n);
  for (let c = n.firstChild; c; c = c.nextSibling) walk(c, visit);
}

/** `undefined` when the expression parses; else where it does not, in words. */
export function syntaxError(expr: string): string | undefined {
  if (expr.trim() === '') return 'empty expression';
  let at: number | undefined;
  walk(parse(expr), (n) => {
    if (at === undefined && n.type.isError) at = n.from;
  });
  if (at === undefined) return undefined;
  const near = expr.slice(Math.max(0, at - 15), at + 15).replace(/\s+/g, ' ');
  return `syntax error at character ${at + 1} (near "${near}")`;
}

export type ComparisonOp = '>' | '<' | '>=' | '<=' | '==' | '!=';

const COMPARISON: Readonly<Record<string, ComparisonOp>> = { Gtr: '>', Lss: '<', Gte: '>=', Lte: '<=', Eql: '==', Neq: '!=' };
const ARITHMETIC = new Set(['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Pow']);
const FLIP: Readonly<Record<ComparisonOp, ComparisonOp>> = { '>': '<', '<': '>', '>=': '<=', '<=': '>=', '==': '==', '!=': '!=' };

function numberOf(text: string): number | undefined {
  const t = text.trim().toLowerCase().replace(/^\+/, '');
  if (t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === 'nan') return NaN;
  const n = Number(t);
  return Number.isNaN(n) ? undefined : n;
}

/** The value of a constant scalar expression (`0.9`, `(14.4 * (1 - 0.995))`), else undefined. */
function constantValue(n: Node, text: string): number | undefined {
  switch (n.name) {
    case 'NumberLiteral':
    case 'NumberDurationLiteral':
      return numberOf(text.slice(n.from, n.to));
    case 'ParenExpr': {
      const inner = children(n);
      return inner.length === 1 ? constantValue(inner[0], text) : undefined;
    }
    case 'UnaryExpr': {
      const [op, operand] = children(n);
      const v = operand ? constantValue(operand, text) : undefined;
      if (v === undefined) return undefined;
      return text.slice(op.from, op.to).trim() === '-' ? -v : v;
    }
    case 'BinaryExpr': {
      const parts = children(n);
      const op = parts.find((p) => ARITHMETIC.has(p.name));
      if (!op || parts.length !== 3) return undefined;
      const a = constantValue(parts[0], text);
      const b = constantValue(parts[2], text);
      if (a === undefined || b === undefined) return undefined;
      switch (op.name) {
        case 'Add': return a + b;
        case 'Sub': return a - b;
        case 'Mul': return a * b;
        case 'Div': return a / b;
        case 'Mod': return a % b;
        default: return a ** b;
      }
    }
    default:
      return undefined;
  }
}

export interface Comparison {
  /** The operator as if the constant were on the right (`0.9 < x` reads `x > 0.9`). */
  op: ComparisonOp;
  value: number;
  /** The non-constant operand's text. */
  subject: string;
  /** Where the constant operand sits in the expression. */
  from: number;
  to: number;
}

/** Comparisons of an expression with a constant on one side: its thresholds, in source order. */
export function comparisons(expr: string): Comparison[] {
  const out: Comparison[] = [];
  walk(parse(expr), (n) => {
    if (n.name !== 'BinaryExpr') return;
    const parts = children(n);
    const opNode = parts.find((p) => COMPARISON[p.name] !== undefined && p !== parts[0] && p !== parts[parts.length - 1]);
    if (!opNode) return;
    const lhs = parts[0];
    const rhs = parts[parts.length - 1];
    const l = constantValue(lhs, expr);
    const r = constantValue(rhs, expr);
    const op = COMPARISON[opNode.name];
    if (r !== undefined && l === undefined) out.push({ op, value: r, subject: expr.slice(lhs.from, lhs.to), from: rhs.from, to: rhs.to });
    else if (l !== undefined && r === undefined) out.push({ op: FLIP[op], value: l, subject: expr.slice(rhs.from, rhs.to), from: lhs.from, to: lhs.to });
  });
  return out.sort((a, b) => a.from - b.from);
}

/** The expression with its thresholds replaced by `#` and whitespace normalised: equal shapes differ only in thresholds. */
export function shapeOf(expr: string): string {
  let out = expr;
  for (const c of [...comparisons(expr)].sort((a, b) => b.from - a.from)) out = `${out.slice(0, c.from)}#${out.slice(c.to)}`;
  return out.replace(/\s+/g, ' ').replace(/\s*([(){},])\s*/g, '$1').trim();
}

const OP_WORDS: Readonly<Record<ComparisonOp, string>> = { '>': 'above', '<': 'below', '>=': 'at or above', '<=': 'at or below', '==': 'at exactly', '!=': 'at anything but' };

/** `above 0.9`. */
export const thresholdWords = (c: Pick<Comparison, 'op' | 'value'>): string => `${OP_WORDS[c.op]} ${formatNumber(c.value)}`;

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(12)));
}

export interface LabelMatcherText {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface SelectorRef {
  /** The metric name (from the identifier or a `__name__="..."` matcher), if any. */
  metric?: string;
  matchers: LabelMatcherText[];
  from: number;
  to: number;
  /** The enclosing range selector (`x[5m]`) and its range, when the selector is one. */
  range?: { from: number; to: number; duration: string };
  /** An instant selector with an `offset` or `@` modifier (which a parenthesised expression cannot take). */
  modified: boolean;
}

/** Go-style string literal -> its value (double quotes with escapes, single quotes, raw backticks). */
function unquote(lit: string): string {
  if (lit.startsWith('`')) return lit.slice(1, -1);
  const body = lit.slice(1, -1);
  if (lit.startsWith("'")) return JSON.parse(`"${body.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string;
  try {
    return JSON.parse(lit) as string;
  } catch {
    return body;
  }
}

const MATCH_OPS: Readonly<Record<string, LabelMatcherText['op']>> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

export function selectorsOf(expr: string): SelectorRef[] {
  const out: SelectorRef[] = [];
  walk(parse(expr), (n) => {
    if (n.name !== 'VectorSelector') return;
    let metric: string | undefined;
    const matchers: LabelMatcherText[] = [];
    for (const c of children(n)) {
      if (c.name === 'Identifier') metric = expr.slice(c.from, c.to);
      if (c.name !== 'LabelMatchers') continue;
      for (const m of children(c)) {
        const parts = children(m);
        if (m.name === 'QuotedLabelName') {
          metric = unquote(expr.slice(m.from, m.to));
          continue;
        }
        const nameNode = parts.find((p) => p.name === 'LabelName' || p.name === 'QuotedLabelName');
        const opNode = parts.find((p) => p.name === 'MatchOp');
        const valueNode = parts.find((p) => p.name === 'StringLiteral');
        if (!nameNode || !opNode || !valueNode) continue;
        const raw = expr.slice(nameNode.from, nameNode.to);
        const name = nameNode.name === 'QuotedLabelName' ? unquote(raw) : raw;
        const op = MATCH_OPS[children(opNode)[0]?.name ?? ''] ?? '=';
        const value = unquote(expr.slice(valueNode.from, valueNode.to));
        if (name === '__name__' && op === '=') metric = value;
        else matchers.push({ name, op, value });
      }
    }
    const parent = n.parent;
    let range: SelectorRef['range'];
    if (parent?.name === 'MatrixSelector') {
      const d = children(parent).find((c) => c.name !== 'VectorSelector');
      range = { from: parent.from, to: parent.to, duration: d ? expr.slice(d.from, d.to) : '' };
    }
    const modified = !range && parent !== null && (parent.name === 'OffsetExpr' || parent.name === 'AtModifier' || parent.name === 'StepInvariantExpr');
    out.push({ metric, matchers, from: n.from, to: n.to, range, modified });
  });
  return out;
}

/** Metric names an expression reads. */
export const metricsOf = (expr: string): string[] => [...new Set(selectorsOf(expr).map((s) => s.metric).filter((m): m is string => m !== undefined))];

export interface RecordingDefinition {
  expr: string;
  labels: Record<string, string>;
}

const FILTER_LABEL = 'backtest_match';
const regexEscape = (s: string): string => s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
const q = (s: string): string => JSON.stringify(s);

/**
 * Keeps (or drops) the series of `e` whose label matches, in PromQL: mark them with label_replace
 * (anchored like a selector's regex), keep the marked ones with `and`/`unless`, remove the mark.
 */
function filterBy(e: string, m: LabelMatcherText): string {
  const regex = m.op === '=' || m.op === '!=' ? regexEscape(m.value) : m.value;
  const setOp = m.op === '=' || m.op === '=~' ? 'and' : 'unless';
  const marked = `label_replace(${e}, ${q(FILTER_LABEL)}, "1", ${q(m.name)}, ${q(regex)})`;
  const one = `label_replace(vector(1), ${q(FILTER_LABEL)}, "1", "", "")`;
  return `label_replace(${marked} ${setOp} on(${FILTER_LABEL}) ${one}, ${q(FILTER_LABEL)}, "", "", "")`;
}

/**
 * Replaces references to the recording rules `inline` selects by their definitions (recursively),
 * so the expression can be evaluated over a history in which they were never recorded. A
 * selector's label matchers become filters and the rule's static labels are added back; a range
 * over a recording rule (`rec[5m]`) becomes a subquery at `subqueryStep`. The result equals what
 * the recorded series would have given, up to the recording rule's evaluation timestamps.
 */
export function inlineRecordingRules(
  expr: string,
  rules: ReadonlyMap<string, readonly RecordingDefinition[]>,
  inline: (name: string) => boolean,
  subqueryStep: string,
  depth = 0,
): { expr: string; inlined: string[] } {
  if (depth > 10) throw new Error('recording rules refer to each other more than 10 levels deep (a cycle?)');
  const inlined = new Set<string>();
  const edits: { from: number; to: number; text: string }[] = [];
  for (const s of selectorsOf(expr)) {
    const defs = s.metric === undefined ? undefined : rules.get(s.metric);
    if (s.metric === undefined || !defs || defs.length === 0 || !inline(s.metric)) continue;
    if (s.modified) throw new Error(`${s.metric} is read with an offset or @ modifier, which an inlined expression cannot take`);
    inlined.add(s.metric);
    // One name recorded by several rules (told apart by their static labels) is their union.
    const parts = defs.map((def) => {
      const inner = inlineRecordingRules(def.expr, rules, inline, subqueryStep, depth + 1);
      inner.inlined.forEach((n) => inlined.add(n));
      let e = inner.expr;
      for (const [k, v] of Object.entries(def.labels).sort(([a], [b]) => a.localeCompare(b))) e = `label_replace(${e}, ${q(k)}, ${q(v)}, "", "")`;
      return e;
    });
    let e = parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join(' or ');
    for (const m of s.matchers) e = filterBy(e, m);
    edits.push(s.range ? { from: s.range.from, to: s.range.to, text: `(${e})[${s.range.duration}:${subqueryStep}]` } : { from: s.from, to: s.to, text: `(${e})` });
  }
  let out = expr;
  for (const ed of edits.sort((a, b) => b.from - a.from)) out = `${out.slice(0, ed.from)}${ed.text}${out.slice(ed.to)}`;
  return { expr: out, inlined: [...inlined].sort() };
}
