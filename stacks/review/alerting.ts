/**
 * Alerting rules compared as behaviour: which alerts appear or disappear, and for each one that
 * changed, its threshold, `for`, severity, expression and labels before and after, in words.
 */
import type { EnvironmentArtifacts, RuleGroupDoc } from './artifacts.js';
import { durationSeconds } from './duration.js';
import { code, type Finding, finding, list } from './findings.js';
import { comparisons, formatNumber, metricsOf, shapeOf, syntaxError, thresholdWords } from './promql.js';
import { str } from './tree.js';

export interface AlertRuleView {
  alert: string;
  expr: string;
  /** `0s` when the rule fires at once. */
  for: string;
  keepFiringFor: string;
  /** Static labels of the rule (severity included). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  group: string;
  file: string;
  /** Effective evaluation interval of the rule's group. */
  interval: string;
}

export interface RecordingRuleView {
  record: string;
  expr: string;
  labels: Record<string, string>;
  group: string;
  interval: string;
}

const stringMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (str(x) !== undefined) out[k] = str(x) as string;
  return out;
};

export function alertRulesOf(groups: readonly RuleGroupDoc[]): AlertRuleView[] {
  return groups.flatMap((g) =>
    g.rules
      .filter((r) => typeof r.alert === 'string')
      .map((r) => ({
        alert: r.alert as string,
        expr: str(r.expr) ?? '',
        for: str(r.for) ?? '0s',
        keepFiringFor: str(r.keep_firing_for) ?? '0s',
        labels: stringMap(r.labels),
        annotations: stringMap(r.annotations),
        group: g.name,
        file: g.file,
        interval: g.interval,
      })),
  );
}

export function recordingRulesOf(groups: readonly RuleGroupDoc[]): RecordingRuleView[] {
  return groups.flatMap((g) =>
    g.rules
      .filter((r) => typeof r.record === 'string')
      .map((r) => ({ record: r.record as string, expr: str(r.expr) ?? '', labels: stringMap(r.labels), group: g.name, interval: g.interval })),
  );
}

const sortedLabels = (labels: Record<string, string>, without: readonly string[] = []): string =>
  Object.keys(labels)
    .filter((k) => !without.includes(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');

/** Identity of an alert: its name and static labels (one name often has a warning and a critical rule). */
export const alertKey = (r: Pick<AlertRuleView, 'alert' | 'labels'>): string => `${r.alert}{${sortedLabels(r.labels)}}`;

/** `ImmigrationAiHighCpuUsage critical` (plus any other static labels, which tell rules of one name apart). */
export function alertTitle(r: Pick<AlertRuleView, 'alert' | 'labels'>): string {
  const others = Object.keys(r.labels).filter((k) => k !== 'severity').sort();
  const severity = r.labels.severity ? ` ${r.labels.severity}` : '';
  return `${code(r.alert)}${severity}${others.length > 0 ? ` (${others.map((k) => `${k}=${r.labels[k]}`).join(', ')})` : ''}`;
}

export interface AlertPairing {
  pairs: [AlertRuleView, AlertRuleView][];
  added: AlertRuleView[];
  removed: AlertRuleView[];
}

/**
 * Pairs the rules of both sides: first by name and all static labels, then (for a severity change)
 * by name and the labels other than severity when that is unambiguous on both sides.
 */
export function pairAlerts(base: readonly AlertRuleView[], head: readonly AlertRuleView[]): AlertPairing {
  const pairs: [AlertRuleView, AlertRuleView][] = [];
  let restBase = [...base];
  let restHead = [...head];
  const match = (keyOf: (r: AlertRuleView) => string, unique: boolean): void => {
    const byKey = new Map<string, AlertRuleView[]>();
    for (const h of restHead) byKey.set(keyOf(h), [...(byKey.get(keyOf(h)) ?? []), h]);
    const baseCount = new Map<string, number>();
    for (const b of restBase) baseCount.set(keyOf(b), (baseCount.get(keyOf(b)) ?? 0) + 1);
    const used = new Set<AlertRuleView>();
    const keptBase: AlertRuleView[] = [];
    for (const b of restBase) {
      const candidates = byKey.get(keyOf(b)) ?? [];
      if (unique && (candidates.length !== 1 || baseCount.get(keyOf(b)) !== 1)) {
        keptBase.push(b);
        continue;
      }
      const h = candidates.find((c) => !used.has(c));
      if (h) {
        used.add(h);
        pairs.push([b, h]);
      } else keptBase.push(b);
    }
    restBase = keptBase;
    restHead = restHead.filter((h) => !used.has(h));
  };
  match(alertKey, false);
  match((r) => `${r.alert}{${sortedLabels(r.labels, ['severity'])}}`, true);
  return { pairs, added: restHead, removed: restBase };
}

function forWords(r: AlertRuleView): string {
  const s = durationSeconds(r.for) ?? 0;
  return s === 0 ? 'at once' : `after ${r.for}`;
}

const TOPIC = 'Alert rules';

/** How one paired alert changed; undefined when it did not. */
function describeChange(b: AlertRuleView, h: AlertRuleView): Finding | undefined {
  // What changes when and whether it fires, then what changes only its notification.
  const behaviour: string[] = [];
  const other: string[] = [];
  const blocks: NonNullable<Finding['code']> = [];
  if (b.labels.severity !== h.labels.severity) behaviour.push(`severity ${b.labels.severity ?? '(none)'} -> ${h.labels.severity ?? '(none)'}`);
  const err = b.expr !== h.expr ? syntaxError(h.expr) : undefined;
  if (b.expr !== h.expr) {
    const before = comparisons(b.expr);
    const after = comparisons(h.expr);
    if (shapeOf(b.expr) === shapeOf(h.expr) && before.length === after.length) {
      const changed = after.map((a, i) => ({ a, x: before[i] })).filter(({ a, x }) => a.value !== x.value || a.op !== x.op);
      for (const { a, x } of changed) {
        const subject = after.length === 1 ? '' : ` when ${code(shorten(a.subject))} is`;
        behaviour.push(`fires${subject} ${thresholdWords(a)} instead of ${a.op === x.op ? formatNumber(x.value) : thresholdWords(x)}`);
      }
      if (changed.length === 0) other.push('expression reformatted');
    } else {
      behaviour.push(err ? `expression changed and does not parse: ${err}` : 'expression changed');
      blocks.push({ label: 'before', text: b.expr, lang: 'promql' }, { label: 'after', text: h.expr, lang: 'promql' });
    }
  }
  if (durationSeconds(b.keepFiringFor) !== durationSeconds(h.keepFiringFor)) behaviour.push(`keeps firing for ${h.keepFiringFor} after it clears (was ${b.keepFiringFor})`);
  if (durationSeconds(b.interval) !== durationSeconds(h.interval)) behaviour.push(`evaluated every ${h.interval} (was ${b.interval})`);
  const forChanged = durationSeconds(b.for) !== durationSeconds(h.for);
  const labelChanges = diffMaps(b.labels, h.labels, ['severity']);
  if (labelChanges.length > 0) other.push(`labels ${labelChanges.join(', ')}`);
  const annotationChanges = Object.keys({ ...b.annotations, ...h.annotations })
    .sort()
    .filter((k) => b.annotations[k] !== h.annotations[k]);
  if (annotationChanges.length > 0) other.push(`annotations changed: ${annotationChanges.join(', ')}`);
  if (b.group !== h.group) other.push(`moved from group ${code(b.group)} to ${code(h.group)}`);
  if (behaviour.length === 0 && !forChanged && other.length === 0) return undefined;
  // "fires above 0.85 instead of 0.9, after 1m": the `for` is stated with any behaviour change, its old value when it changed.
  const when = forChanged ? `${behaviour.length > 0 ? '' : 'fires '}${forWords(h)} instead of ${forWords(b).replace(/^after /, '')}` : forWords(h);
  const sentence = behaviour.length > 0 || forChanged ? [...behaviour, when].join(', ') : '';
  const text = `${alertTitle(h)}: ${[sentence, ...other].filter((s) => s !== '').join('; ')}.`;
  const level = err ? 'risk' : behaviour.length > 0 || forChanged ? 'notice' : 'info';
  return finding('alerting', TOPIC, level, text, blocks);
}

function diffMaps(a: Record<string, string>, b: Record<string, string>, skip: readonly string[]): string[] {
  return Object.keys({ ...a, ...b })
    .filter((k) => !skip.includes(k) && a[k] !== b[k])
    .sort()
    .map((k) => (a[k] === undefined ? `+${k}=${b[k]}` : b[k] === undefined ? `-${k}=${a[k]}` : `${k} ${a[k]} -> ${b[k]}`));
}

/** A selector or short expression as the subject of a threshold (`job:x:ratio_rate5m`, not its matchers). */
function shorten(subject: string): string {
  const s = subject.replace(/\s+/g, ' ').trim();
  if (s.length <= 60) return s;
  const name = /[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(s.replace(/^(sum|max|min|avg|count)\s*(by|without)?\s*\([^)]*\)\s*/, ''))?.[0];
  return name ?? `${s.slice(0, 57)}...`;
}

/** Alert rule findings: added, removed and changed alerts, and changed recording rules with the alerts they feed. */
export function compareAlerting(base: EnvironmentArtifacts, head: EnvironmentArtifacts): Finding[] {
  const out: Finding[] = [];
  const b = alertRulesOf(base.ruleGroups);
  const h = alertRulesOf(head.ruleGroups);
  const { pairs, added, removed } = pairAlerts(b, h);
  for (const r of removed) {
    const critical = r.labels.severity === 'critical';
    out.push(finding('alerting', TOPIC, critical ? 'risk' : 'notice', `${alertTitle(r)} removed${critical ? ': this critical condition no longer pages anyone' : ''}.`, [
      { label: 'was', text: r.expr, lang: 'promql' },
    ]));
  }
  for (const r of added) {
    const err = syntaxError(r.expr);
    out.push(
      finding('alerting', TOPIC, err ? 'risk' : 'notice', `${alertTitle(r)} added: fires ${forWords(r)} when the expression returns a series${err ? `; it does not parse: ${err}` : ''}.`, [
        { label: 'expression', text: r.expr, lang: 'promql' },
      ]),
    );
  }
  // The same change to many alerts (a `for` set for every critical) is one finding listing them.
  const same = new Map<string, { titles: string[]; f: Finding }>();
  for (const [x, y] of pairs) {
    const f = describeChange(x, y);
    if (!f) continue;
    const title = alertTitle(y);
    const rest = f.text.slice(title.length + 2);
    const key = f.code ? `\u0000${f.text}` : `${f.level}\u0000${rest}`;
    const entry = same.get(key) ?? { titles: [], f: { ...f, text: rest } };
    entry.titles.push(title);
    same.set(key, entry);
  }
  for (const { titles, f } of same.values()) {
    out.push(titles.length === 1 ? { ...f, text: `${titles[0]}: ${f.text}` } : { ...f, text: `${list(titles, 50)}: ${f.text}` });
  }
  out.push(...compareRecordingRules(base, head, h));
  return out;
}

function compareRecordingRules(base: EnvironmentArtifacts, head: EnvironmentArtifacts, headAlerts: readonly AlertRuleView[]): Finding[] {
  const out: Finding[] = [];
  const index = (rules: RecordingRuleView[]): Map<string, RecordingRuleView[]> => {
    const m = new Map<string, RecordingRuleView[]>();
    for (const r of rules) m.set(r.record, [...(m.get(r.record) ?? []), r]);
    return m;
  };
  const b = index(recordingRulesOf(base.ruleGroups));
  const h = index(recordingRulesOf(head.ruleGroups));
  const headRules = recordingRulesOf(head.ruleGroups).map((r) => ({ record: r.record, reads: metricsOf(r.expr) }));
  const alertReads = headAlerts.map((a) => ({ alert: a.alert, reads: metricsOf(a.expr) }));
  // Which alerts read a recording rule, directly or through other recording rules.
  const users = (record: string): string[] => {
    const seen = new Set<string>([record]);
    const queue = [record];
    while (queue.length > 0) {
      const cur = queue.shift() as string;
      for (const r of headRules) if (!seen.has(r.record) && r.reads.includes(cur)) {
        seen.add(r.record);
        queue.push(r.record);
      }
    }
    return [...new Set(alertReads.filter((a) => a.reads.some((m) => seen.has(m))).map((a) => a.alert))].sort();
  };
  const fed = (record: string): string => {
    const u = users(record);
    return u.length > 0 ? ` It feeds ${list(u.map(code))}.` : '';
  };
  for (const name of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const before = b.get(name) ?? [];
    const after = h.get(name) ?? [];
    const text = (rs: RecordingRuleView[]): string => rs.map((r) => `${r.expr}${Object.keys(r.labels).length > 0 ? `  # labels ${sortedLabels(r.labels)}` : ''}`).join('\n');
    if (before.length === 0) out.push(finding('alerting', 'Recording rules', 'info', `Recording rule ${code(name)} added.${fed(name)}`, [{ label: 'expression', text: text(after), lang: 'promql' }]));
    else if (after.length === 0) out.push(finding('alerting', 'Recording rules', 'notice', `Recording rule ${code(name)} removed: dashboards or alerts still reading it get no data.`, [{ label: 'was', text: text(before), lang: 'promql' }]));
    else if (text(before) !== text(after)) {
      out.push(finding('alerting', 'Recording rules', 'notice', `Recording rule ${code(name)} changed.${fed(name)}`, [
        { label: 'before', text: text(before), lang: 'promql' },
        { label: 'after', text: text(after), lang: 'promql' },
      ]));
    } else if (before[0].interval !== after[0].interval) {
      out.push(finding('alerting', 'Recording rules', 'info', `Recording rule ${code(name)} is evaluated every ${after[0].interval} (was ${before[0].interval}).`));
    }
  }
  const groups = (e: EnvironmentArtifacts): Map<string, string> => new Map(e.ruleGroups.map((g) => [g.name, g.interval]));
  const gb = groups(base);
  const gh = groups(head);
  for (const g of [...gh.keys()].filter((k) => !gb.has(k)).sort()) out.push(finding('alerting', 'Rule groups', 'info', `Rule group ${code(g)} added (every ${gh.get(g)}).`));
  for (const g of [...gb.keys()].filter((k) => !gh.has(k)).sort()) out.push(finding('alerting', 'Rule groups', 'info', `Rule group ${code(g)} removed.`));
  for (const g of [...gh.keys()].filter((k) => gb.has(k) && durationSeconds(gb.get(k)) !== durationSeconds(gh.get(k))).sort()) {
    out.push(finding('alerting', 'Rule groups', 'notice', `Rule group ${code(g)} is evaluated every ${gh.get(g)} (was ${gb.get(g)}).`));
  }
  return out;
}
