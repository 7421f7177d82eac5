/**
 * Alertmanager routing, evaluated the way Alertmanager 0.25 does it (dispatch/route.go), on the
 * rendered alertmanager.yml: the routing tree is walked depth first; a route matches when all its
 * matchers do (a missing label is the empty string; regexes are anchored `^(?:...)$`); the first
 * matching child wins unless it has `continue: true`; a route none of whose children match is
 * itself the match; children inherit receiver, group_by and the three timings from their parent,
 * but not `continue` or time intervals. The tests hold this to `amtool config routes test`.
 */
import { alertRulesOf } from './alerting.js';
import type { EnvironmentArtifacts } from './artifacts.js';
import { durationSeconds } from './duration.js';
import { code, type Finding, finding, list, type RoutingRow } from './findings.js';
import { type Json, obj, objs, str, strs } from './tree.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface AmMatcher {
  name: string;
  type: MatchType;
  value: string;
  /** Compiled for `=~` / `!~`. */
  regex?: RegExp;
}

const MATCHER = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|!=|!~|=)\s*([\s\S]*?)\s*$/;

/** Go's regexp syntax as JavaScript's (inline flags, named groups), anchored like Alertmanager's matchers. */
function anchored(value: string): RegExp {
  let v = value.replace(/\(\?P</g, '(?<');
  let flags = '';
  const inline = /^\(\?([imsU]+)\)/.exec(v);
  if (inline) {
    flags = [...new Set(inline[1].replace('U', '').split(''))].join('');
    v = v.slice(inline[0].length);
  }
  return new RegExp(`^(?:${v})$`, flags);
}

function unquoteValue(raw: string): string {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }
  return raw;
}

/** Splits `a="x, y", b=~"z"` on the commas outside quotes. */
function splitMatchers(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quoted) {
      cur += c + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '') out.push(cur);
  return out;
}

export function makeMatcher(name: string, type: MatchType, value: string): AmMatcher {
  return type === '=~' || type === '!~' ? { name, type, value, regex: anchored(value) } : { name, type, value };
}

/** One entry of a `matchers` list (which may itself hold several, optionally in braces). */
export function parseMatchers(text: string): AmMatcher[] {
  let s = text.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  return splitMatchers(s).map((part) => {
    const m = MATCHER.exec(part);
    if (!m) throw new Error(`bad matcher ${JSON.stringify(part.trim())}`);
    return makeMatcher(m[1], m[2] as MatchType, unquoteValue(m[3]));
  });
}

export function matches(m: AmMatcher, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return (m.regex as RegExp).test(v);
    default:
      return !(m.regex as RegExp).test(v);
  }
}

export const matcherText = (m: AmMatcher): string => `${m.name}${m.type}${JSON.stringify(m.value)}`;

/** Matchers of a route or inhibition side: `matchers` strings plus the deprecated `match`/`match_re` maps. */
function matchersOf(matchersField: unknown, match: unknown, matchRe: unknown): AmMatcher[] {
  const out: AmMatcher[] = [];
  for (const s of strs(matchersField)) out.push(...parseMatchers(s));
  for (const [k, v] of Object.entries(obj(match))) out.push(makeMatcher(k, '=', String(v)));
  for (const [k, v] of Object.entries(obj(matchRe))) out.push(makeMatcher(k, '=~', String(v)));
  return out;
}

export interface RouteOptions {
  receiver: string;
  /** `['...']` groups by all labels. */
  groupBy: string[];
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}

export interface RouteNode extends RouteOptions {
  /** `route`, `route.routes[2]`, ... */
  path: string;
  matchers: AmMatcher[];
  continue: boolean;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  routes: RouteNode[];
}

/** Alertmanager's defaults for the root route. */
const DEFAULT_OPTIONS: RouteOptions = { receiver: '', groupBy: [], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' };

export function buildRoute(raw: Json, parent: RouteOptions = DEFAULT_OPTIONS, path = 'route'): RouteNode {
  const opts: RouteOptions = {
    receiver: str(raw.receiver) ?? parent.receiver,
    groupBy: raw.group_by !== undefined ? strs(raw.group_by) : parent.groupBy,
    groupWait: str(raw.group_wait) ?? parent.groupWait,
    groupInterval: str(raw.group_interval) ?? parent.groupInterval,
    repeatInterval: str(raw.repeat_interval) ?? parent.repeatInterval,
  };
  const node: RouteNode = {
    ...opts,
    path,
    // The root route matches every alert; Alertmanager rejects matchers on it.
    matchers: path === 'route' ? [] : matchersOf(raw.matchers, raw.match, raw.match_re),
    continue: raw.continue === true,
    muteTimeIntervals: strs(raw.mute_time_intervals),
    activeTimeIntervals: strs(raw.active_time_intervals),
    routes: [],
  };
  node.routes = objs(raw.routes).map((r, i) => buildRoute(r, opts, `${path}.routes[${i}]`));
  return node;
}

/** dispatch.Route.Match: the routes an alert with `labels` ends up in, in order. */
export function matchRoutes(node: RouteNode, labels: Readonly<Record<string, string>>): RouteNode[] {
  if (!node.matchers.every((m) => matches(m, labels))) return [];
  const all: RouteNode[] = [];
  for (const child of node.routes) {
    const found = matchRoutes(child, labels);
    all.push(...found);
    if (found.length > 0 && !child.continue) break;
  }
  return all.length > 0 ? all : [node];
}

export interface Integration {
  type: string;
  target: string;
}

/** What a receiver notifies: `email` to ..., `slack` #channel, `webhook` url, ... */
export function integrationsOf(receiver: Json): Integration[] {
  const out: Integration[] = [];
  for (const [key, value] of Object.entries(receiver)) {
    if (!key.endsWith('_configs')) continue;
    const type = key.slice(0, -'_configs'.length);
    for (const c of objs(value)) {
      const target = str(c.to) ?? str(c.channel) ?? str(c.url) ?? str(c.api_url) ?? str(c.routing_key_file) ?? str(c.service_key_file) ?? str(c.chat_id) ?? str(c.room_id) ?? '';
      out.push({ type, target: target.replace(/\s+/g, ' ') });
    }
  }
  return out.sort((a, b) => `${a.type} ${a.target}`.localeCompare(`${b.type} ${b.target}`));
}

const integrationText = (i: Integration): string => (i.target ? `${i.type} ${i.target}` : i.type);

export interface InhibitRule {
  source: AmMatcher[];
  target: AmMatcher[];
  equal: string[];
}

export function inhibitRulesOf(am: Json): InhibitRule[] {
  return objs(am.inhibit_rules).map((r) => ({
    source: matchersOf(r.source_matchers, r.source_match, r.source_match_re),
    target: matchersOf(r.target_matchers, r.target_match, r.target_match_re),
    equal: strs(r.equal),
  }));
}

const inhibitText = (r: InhibitRule): string =>
  `while an alert matching ${code(r.source.map(matcherText).join(', ') || '(anything)')} fires, alerts matching ${code(r.target.map(matcherText).join(', ') || '(anything)')}${r.equal.length > 0 ? ` with the same ${r.equal.join(', ')}` : ''} are muted`;

export interface LabelSet {
  /** Display: name and static labels, without the external labels. */
  alert: string;
  labels: Record<string, string>;
  origin: 'rule' | 'synthetic';
  critical: boolean;
}

/** Applies the alert_relabel_configs we can evaluate statically (labeldrop, labelkeep); others are reported. */
function relabel(labels: Record<string, string>, configs: readonly Json[], notes: Set<string>): Record<string, string> {
  let out = { ...labels };
  for (const c of configs) {
    const action = str(c.action) ?? 'replace';
    const re = anchored(str(c.regex) ?? '(.*)');
    if (action === 'labeldrop') out = Object.fromEntries(Object.entries(out).filter(([k]) => !re.test(k)));
    else if (action === 'labelkeep') out = Object.fromEntries(Object.entries(out).filter(([k]) => re.test(k)));
    else notes.add(`alert_relabel_configs action "${action}" is not applied to the routing label sets`);
  }
  return out;
}

const display = (labels: Record<string, string>, hidden: ReadonlySet<string>): string => {
  const rest = Object.keys(labels).filter((k) => k !== 'alertname' && !hidden.has(k)).sort();
  return `${labels.alertname ?? '(no alertname)'}${rest.length > 0 ? `{${rest.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(', ')}}` : ''}`;
};

/**
 * The label sets alerts reach Alertmanager with: every alerting rule's name and static labels
 * (labels from the expression are not known statically; templated static labels are skipped),
 * plus the external labels after alert relabelling, and synthetic sets for an unknown severity, a
 * missing severity and the Watchdog.
 */
export function labelSetsOf(env: EnvironmentArtifacts, notes: Set<string>): LabelSet[] {
  const external = env.prometheus?.externalLabels ?? {};
  const hidden = new Set(Object.keys(external));
  const sets = new Map<string, LabelSet>();
  const add = (static_: Record<string, string>, origin: LabelSet['origin']): void => {
    const labels = relabel({ ...external, ...static_ }, env.prometheus?.alertRelabelConfigs ?? [], notes);
    const alert = display(labels, hidden);
    if (!sets.has(alert)) sets.set(alert, { alert, labels, origin, critical: labels.severity === 'critical' });
  };
  for (const r of alertRulesOf(env.ruleGroups)) {
    const labels: Record<string, string> = { alertname: r.alert };
    for (const [k, v] of Object.entries(r.labels)) {
      if (v.includes('{{')) notes.add(`templated label ${k} of ${r.alert} is left out of its routing label set`);
      else labels[k] = v;
    }
    add(labels, 'rule');
  }
  add({ alertname: 'SyntheticAlert', severity: 'unknown' }, 'synthetic');
  add({ alertname: 'SyntheticAlert' }, 'synthetic');
  add({ alertname: 'Watchdog' }, 'synthetic');
  return [...sets.values()];
}

export interface RoutingSide {
  root: RouteNode;
  /** Receiver name -> its integrations (an empty list notifies nobody). */
  receivers: Map<string, Integration[]>;
  inhibitRules: InhibitRule[];
}

export function routingSide(am: Json): RoutingSide {
  const receivers = new Map<string, Integration[]>();
  for (const r of objs(am.receivers)) receivers.set(str(r.name) ?? '', integrationsOf(r));
  return { root: buildRoute(obj(am.route)), receivers, inhibitRules: inhibitRulesOf(am) };
}

/** Receiver names for a label set, in Alertmanager's order (what `amtool config routes test` prints, comma-joined). */
export const receiversFor = (side: RoutingSide, labels: Readonly<Record<string, string>>): string[] => matchRoutes(side.root, labels).map((r) => r.receiver);

const pages = (side: RoutingSide, receivers: readonly string[]): string[] => receivers.filter((r) => (side.receivers.get(r) ?? []).length > 0);

function timingOf(r: RouteNode): Record<string, string> {
  return {
    group_by: r.groupBy.length === 0 ? '(none)' : r.groupBy.join(', '),
    group_wait: r.groupWait,
    group_interval: r.groupInterval,
    repeat_interval: r.repeatInterval,
    mute_time_intervals: r.muteTimeIntervals.join(', ') || '(none)',
    active_time_intervals: r.activeTimeIntervals.join(', ') || '(none)',
  };
}

function sameValue(key: string, a: string, b: string): boolean {
  if (key.endsWith('_wait') || key.endsWith('_interval')) return durationSeconds(a) === durationSeconds(b);
  return a === b;
}

const TOPIC_RECEIVERS = 'Receivers reached';

/** `12 alert label sets: A, B (2 label sets), ...`, by alert name (one name often has several label sets). */
function alertNames(sets: readonly string[], all: ReadonlyMap<string, LabelSet>): string {
  const counts = new Map<string, number>();
  for (const s of sets) {
    const name = all.get(s)?.labels.alertname ?? s;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const names = [...counts.entries()].map(([n, c]) => `${code(n)}${c > 1 ? ` (${c} label sets)` : ''}`);
  return `${sets.length} alert label set${sets.length === 1 ? '' : 's'}: ${list(names, 12)}`;
}

export interface RoutingComparison {
  findings: Finding[];
  rows: RoutingRow[];
  notes: string[];
}

export function compareRouting(base: EnvironmentArtifacts, head: EnvironmentArtifacts): RoutingComparison {
  const notes = new Set<string>();
  const findings: Finding[] = [];
  if (!base.alertmanager && !head.alertmanager) return { findings, rows: [], notes: [] };
  let b: RoutingSide | undefined;
  let h: RoutingSide | undefined;
  try {
    b = base.alertmanager ? routingSide(base.alertmanager) : undefined;
  } catch (err) {
    notes.add(`the base alertmanager.yml cannot be evaluated (${(err as Error).message})`);
  }
  try {
    h = head.alertmanager ? routingSide(head.alertmanager) : undefined;
  } catch (err) {
    return { findings: [finding('routing', 'Alertmanager', 'risk', `alertmanager.yml cannot be evaluated: ${(err as Error).message}; Alertmanager would refuse it.`)], rows: [], notes: [...notes] };
  }
  if (!b && base.alertmanager) return { findings, rows: [], notes: [...notes] };
  if (!b || !h) {
    findings.push(finding('routing', 'Alertmanager', b ? 'risk' : 'notice', b ? 'alertmanager.yml is no longer generated: nothing routes alerts in this environment.' : 'alertmanager.yml is now generated.'));
  }
  const baseSets = labelSetsOf(base, notes);
  const headSets = labelSetsOf(head, notes);
  const inBase = new Set(baseSets.filter((s) => s.origin === 'rule').map((s) => s.alert));
  const inHead = new Set(headSets.filter((s) => s.origin === 'rule').map((s) => s.alert));
  const union = new Map<string, LabelSet>();
  // Each side routes its own label sets (its external labels); an alert on one side only is routed there.
  for (const s of [...headSets, ...baseSets]) if (!union.has(s.alert)) union.set(s.alert, s);
  const labelsOn = (sets: LabelSet[], alert: string): Record<string, string> | undefined => sets.find((s) => s.alert === alert)?.labels;

  const rows: RoutingRow[] = [];
  const moved = new Map<string, string[]>();
  const timing = new Map<string, string[]>();
  for (const s of [...union.values()].sort((x, y) => x.alert.localeCompare(y.alert))) {
    const bl = labelsOn(baseSets, s.alert) ?? s.labels;
    const hl = labelsOn(headSets, s.alert) ?? s.labels;
    const before = b ? receiversFor(b, bl) : undefined;
    const after = h ? receiversFor(h, hl) : undefined;
    rows.push({ alert: s.alert, labels: s.labels, origin: s.origin, ...(before ? { before } : {}), ...(after ? { after } : {}) });
    if (!b || !h || !before || !after) continue;
    const critical = bl.severity === 'critical' || hl.severity === 'critical';
    const pagedBefore = pages(b, before);
    const pagedAfter = pages(h, after);
    const ruleOnBothSides = inBase.has(s.alert) && inHead.has(s.alert);
    const newRule = !inBase.has(s.alert) && inHead.has(s.alert);
    if (critical && ruleOnBothSides && pagedBefore.length > 0 && pagedAfter.length === 0) {
      findings.push(finding('routing', TOPIC_RECEIVERS, 'risk', `${code(s.alert)} no longer reaches a receiver that notifies anyone: ${list(before)} -> ${list(after)}.`));
    } else if (critical && newRule && pagedAfter.length === 0) {
      findings.push(finding('routing', TOPIC_RECEIVERS, 'risk', `The new critical alert ${code(s.alert)} reaches no receiver that notifies anyone (${list(after)}).`));
    } else if (before.join(',') !== after.join(',') && (ruleOnBothSides || s.origin === 'synthetic')) {
      const key = `${before.join(', ')} -> ${after.join(', ')}`;
      moved.set(key, [...(moved.get(key) ?? []), s.alert]);
    }
    // Timing and grouping of the receivers reached on both sides.
    const rb = matchRoutes(b.root, bl);
    const rh = matchRoutes(h.root, hl);
    for (const routeAfter of rh) {
      const routeBefore = rb.find((r) => r.receiver === routeAfter.receiver);
      if (!routeBefore) continue;
      const tb = timingOf(routeBefore);
      const th = timingOf(routeAfter);
      const changes = Object.keys(th).filter((k) => !sameValue(k, tb[k], th[k])).map((k) => `${k} ${tb[k]} -> ${th[k]}`);
      if (changes.length === 0) continue;
      const key = `receiver ${code(routeAfter.receiver)}: ${changes.join(', ')}`;
      timing.set(key, [...(timing.get(key) ?? []), s.alert]);
    }
  }
  for (const [key, alerts] of moved) {
    // Critical alerts, and the synthetic sets (the safety net for alerts nobody classified), deserve a look.
    const notable = alerts.some((a) => union.get(a)?.critical || union.get(a)?.origin === 'synthetic');
    findings.push(finding('routing', TOPIC_RECEIVERS, notable ? 'notice' : 'info', `${list(alerts.map(code))} now ${alerts.length === 1 ? 'reaches' : 'reach'} ${key.replace(/^.* -> /, '')} (was ${key.replace(/ -> .*$/, '')}).`));
  }
  for (const [key, alerts] of timing) findings.push(finding('routing', 'Grouping and timing', 'notice', `${key}, for ${alertNames(alerts, union)}.`));
  if (b && h) {
    findings.push(...compareReceivers(b, h), ...compareInhibition(b, h, [...union.values()]));
  }
  return { findings, rows, notes: [...notes].sort() };
}

function compareReceivers(b: RoutingSide, h: RoutingSide): Finding[] {
  const out: Finding[] = [];
  for (const name of [...new Set([...b.receivers.keys(), ...h.receivers.keys()])].sort()) {
    const before = b.receivers.get(name);
    const after = h.receivers.get(name);
    if (!before) {
      out.push(finding('routing', 'Receivers', 'info', `Receiver ${code(name)} added: ${after && after.length > 0 ? list(after.map(integrationText)) : 'notifies nobody'}.`));
      continue;
    }
    if (!after) {
      out.push(finding('routing', 'Receivers', 'info', `Receiver ${code(name)} removed.`));
      continue;
    }
    const bt = before.map(integrationText);
    const ht = after.map(integrationText);
    const removed = bt.filter((x) => !ht.includes(x));
    const added = ht.filter((x) => !bt.includes(x));
    if (removed.length > 0) {
      out.push(finding('routing', 'Receivers', 'notice', `Receiver ${code(name)} no longer notifies ${list(removed)}${ht.length === 0 ? ': it now notifies nobody' : ''}.`));
    }
    if (added.length > 0) out.push(finding('routing', 'Receivers', 'info', `Receiver ${code(name)} now also notifies ${list(added)}.`));
  }
  return out;
}

/** Whether `source` can mute `target` under `rule`, judged on static labels (labels not known statically may be equal). */
function canInhibit(rule: InhibitRule, source: Record<string, string>, target: Record<string, string>): boolean {
  if (!rule.source.every((m) => matches(m, source)) || !rule.target.every((m) => matches(m, target))) return false;
  return rule.equal.every((l) => source[l] === undefined || target[l] === undefined || source[l] === target[l]);
}

function compareInhibition(b: RoutingSide, h: RoutingSide, sets: LabelSet[]): Finding[] {
  const out: Finding[] = [];
  const bt = b.inhibitRules.map(inhibitText);
  const ht = h.inhibitRules.map(inhibitText);
  for (const t of ht.filter((x) => !bt.includes(x))) out.push(finding('routing', 'Inhibition', 'notice', `Inhibition added: ${t}.`));
  for (const t of bt.filter((x) => !ht.includes(x))) out.push(finding('routing', 'Inhibition', 'notice', `Inhibition removed: ${t}.`));
  if (out.length === 0) return out;
  // What the rule changes mean for our alerts: who may now mute whom.
  const pairs = (side: RoutingSide): Set<string> => {
    const s = new Set<string>();
    for (const src of sets) for (const tgt of sets) {
      if (src.alert !== tgt.alert && src.origin === 'rule' && tgt.origin === 'rule' && side.inhibitRules.some((r) => canInhibit(r, src.labels, tgt.labels))) s.add(`${src.alert}\u0000${tgt.alert}`);
    }
    return s;
  };
  const pb = pairs(b);
  const ph = pairs(h);
  const group = (keys: string[]): Map<string, string[]> => {
    const m = new Map<string, string[]>();
    for (const k of keys) {
      const [src, tgt] = k.split('\u0000');
      m.set(src, [...(m.get(src) ?? []), tgt]);
    }
    return m;
  };
  for (const [src, tgts] of group([...ph].filter((k) => !pb.has(k)))) {
    const criticals = tgts.filter((t) => sets.find((s) => s.alert === t)?.critical);
    out.push(finding('routing', 'Inhibition', 'notice', `${code(src)} may now mute ${list(tgts.map(code))}${criticals.length > 0 ? ` (${criticals.length} critical)` : ''}.`));
  }
  for (const [src, tgts] of group([...pb].filter((k) => !ph.has(k)))) out.push(finding('routing', 'Inhibition', 'info', `${code(src)} can no longer mute ${list(tgts.map(code))}.`));
  return out;
}
