/**
 * Backtest: for every alert whose expression, threshold or `for` changed (and every alert added or
 * removed), evaluate the old and the new rule over the stored history of a live Prometheus and
 * count how often each would have fired, and for how long.
 *
 * Method: a range query of the rule's expression at its evaluation interval (chunked below the
 * points-per-query limit) gives, per series, the evaluation times at which the expression
 * returned it. Prometheus' alerting state machine is replayed on them: a series that is returned
 * continuously for `for` fires; it resolves at the first evaluation that no longer returns it
 * (or `keep_firing_for` later). Episodes are counted per series and for the alert as a whole (the
 * union over its series, roughly what pages). For the base rule, what Prometheus itself recorded
 * in `ALERTS{alertstate="firing"}` over the same window is shown next to it, a check of the method
 * when the live Prometheus runs the base rules.
 *
 * Recording rules: a recording rule whose definition is the same on both sides and whose series
 * Prometheus holds is read from the history; any other (new, changed, or never recorded there) is
 * inlined from the same side's rule files, so a new rule can be backtested before it ever ran.
 */
import { type AlertRuleView, alertRulesOf, pairAlerts, recordingRulesOf } from './alerting.js';
import type { EnvironmentArtifacts } from './artifacts.js';
import { durationSeconds, humanDuration } from './duration.js';
import type { BacktestOutcome, BacktestReport, BacktestRow, FiringSummary } from './findings.js';
import { type PrometheusApi, QueryRejected } from './prometheus-api.js';
import { inlineRecordingRules, metricsOf, type RecordingDefinition, shapeOf } from './promql.js';

export interface BacktestOptions {
  days: number;
  /** End of the window (default: now). */
  end?: Date;
  /** Query step in seconds (default: each rule's evaluation interval). */
  stepSeconds?: number;
}

/** Firing intervals [start, end) of one series from the times its expression returned it. */
export function firingIntervals(times: readonly number[], step: number, forSeconds: number, keepFiringSeconds: number): [number, number][] {
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  const out: [number, number][] = [];
  let runStart: number | undefined;
  let prev: number | undefined;
  const close = (runEnd: number): void => {
    if (runStart === undefined) return;
    // Fires at the first evaluation at least `for` after the series appeared.
    const firesAt = runStart + Math.ceil(forSeconds / step - 1e-9) * step;
    const last = out[out.length - 1];
    if (last && runStart < last[1] - 1e-9) {
      // Came back while still kept firing: the same episode goes on.
      last[1] = runEnd + step + keepFiringSeconds;
    } else if (firesAt <= runEnd + 1e-9) out.push([firesAt, runEnd + step + keepFiringSeconds]);
  };
  for (const t of sorted) {
    if (prev === undefined || t - prev > step * 1.5) {
      if (prev !== undefined) close(prev);
      runStart = t;
    }
    prev = t;
  }
  if (prev !== undefined) close(prev);
  return out;
}

/** Union of intervals: how many separate episodes, and their total length. */
export function union(intervals: readonly [number, number][]): { episodes: number; seconds: number } {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let episodes = 0;
  let seconds = 0;
  let cur: [number, number] | undefined;
  for (const [s, e] of sorted) {
    if (cur && s <= cur[1]) cur[1] = Math.max(cur[1], e);
    else {
      if (cur) seconds += cur[1] - cur[0];
      cur = [s, e];
      episodes++;
    }
  }
  if (cur) seconds += cur[1] - cur[0];
  return { episodes, seconds };
}

function summarise(series: Iterable<{ times: number[] }>, step: number, forSeconds: number, keepFiringSeconds: number, windowEnd: number): FiringSummary {
  const all: [number, number][] = [];
  let firingSeries = 0;
  for (const s of series) {
    // The last evaluation of the window closes any episode still firing: count it up to the window's end.
    const iv = firingIntervals(s.times, step, forSeconds, keepFiringSeconds).map(([a, b]) => [a, Math.min(b, windowEnd + step)] as [number, number]);
    if (iv.length > 0) firingSeries++;
    all.push(...iv);
  }
  const u = union(all);
  return { episodes: u.episodes, seriesEpisodes: all.length, firingSeconds: u.seconds, series: firingSeries };
}

const q = (s: string): string => JSON.stringify(s);

function changeOf(b: AlertRuleView | undefined, h: AlertRuleView | undefined): string | undefined {
  if (!b) return 'added';
  if (!h) return 'removed';
  const parts: string[] = [];
  if (b.expr !== h.expr) parts.push(shapeOf(b.expr) === shapeOf(h.expr) ? 'threshold' : 'expression');
  if (durationSeconds(b.for) !== durationSeconds(h.for)) parts.push('for');
  if (durationSeconds(b.keepFiringFor) !== durationSeconds(h.keepFiringFor)) parts.push('keep_firing_for');
  if (durationSeconds(b.interval) !== durationSeconds(h.interval)) parts.push('evaluation interval');
  return parts.length > 0 ? parts.join(', ') : undefined;
}

const title = (r: AlertRuleView): string => {
  const others = Object.keys(r.labels).filter((k) => k !== 'severity').sort();
  return `${r.alert}${r.labels.severity ? ` ${r.labels.severity}` : ''}${others.length > 0 ? ` (${others.map((k) => `${k}=${r.labels[k]}`).join(', ')})` : ''}`;
};

function definitions(e: EnvironmentArtifacts): Map<string, RecordingDefinition[]> {
  const m = new Map<string, RecordingDefinition[]>();
  for (const r of recordingRulesOf(e.ruleGroups)) m.set(r.record, [...(m.get(r.record) ?? []), { expr: r.expr, labels: r.labels }]);
  return m;
}

const sameDefinitions = (a?: RecordingDefinition[], b?: RecordingDefinition[]): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export async function backtest(api: PrometheusApi, base: EnvironmentArtifacts, head: EnvironmentArtifacts, opts: BacktestOptions): Promise<BacktestReport> {
  const endMs = (opts.end ?? new Date()).getTime();
  const defs = { base: definitions(base), head: definitions(head) };
  const { pairs, added, removed } = pairAlerts(alertRulesOf(base.ruleGroups), alertRulesOf(head.ruleGroups));
  const todo: { b?: AlertRuleView; h?: AlertRuleView; change: string }[] = [];
  for (const [b, h] of pairs) {
    const change = changeOf(b, h);
    if (change) todo.push({ b, h, change });
  }
  for (const h of added) todo.push({ h, change: 'added' });
  for (const b of removed) todo.push({ b, change: 'removed' });

  const rangeEnd = Math.floor(endMs / 1000);
  const requestedStart = rangeEnd - Math.round(opts.days * 86400);
  // Before its first sample a Prometheus has no history, and `absent()` would "fire" there: start at its data.
  const probeStep = Math.max(1, Math.ceil((rangeEnd - requestedStart) / 5000));
  const probe = await api.presence('count(up)', requestedStart, rangeEnd, probeStep);
  const firstData = Math.min(...[...probe.values()].flatMap((x) => x.times));
  const rangeStart = Number.isFinite(firstData) ? Math.max(requestedStart, firstData) : requestedStart;
  const notes = new Set<string>();
  if (!Number.isFinite(firstData)) notes.add('no `up` series in the window: where the history starts is unknown, and absent() may count the time before it');
  if (rangeStart > requestedStart) notes.add(`the history starts at ${new Date(rangeStart * 1000).toISOString()}: the window begins there`);
  const stored = new Map<string, boolean>();
  /** Read a recording rule from history only when both sides define it alike and Prometheus has it. */
  const useStored = async (name: string): Promise<boolean> => {
    if (!sameDefinitions(defs.base.get(name), defs.head.get(name))) return false;
    if (!stored.has(name)) stored.set(name, await api.hasSeries(name, rangeStart, rangeEnd));
    return stored.get(name) as boolean;
  };

  const evaluate = async (r: AlertRuleView, side: 'base' | 'head', step: number, start: number, end: number): Promise<BacktestOutcome> => {
    const sideDefs = defs[side];
    const referenced = new Set<string>();
    const visit = (expr: string, depth = 0): void => {
      for (const m of metricsOf(expr)) if (sideDefs.has(m) && !referenced.has(m) && depth < 10) {
        referenced.add(m);
        for (const d of sideDefs.get(m) ?? []) visit(d.expr, depth + 1);
      }
    };
    visit(r.expr);
    const fromHistory = new Set<string>();
    for (const m of referenced) if (await useStored(m)) fromHistory.add(m);
    let query: string;
    let inlined: string[];
    try {
      ({ expr: query, inlined } = inlineRecordingRules(r.expr, sideDefs, (n) => !fromHistory.has(n), `${step}s`));
    } catch (err) {
      return { status: 'skipped', reason: (err as Error).message };
    }
    try {
      const series = await api.presence(query, start, end, step);
      const summary = summarise(series.values(), step, durationSeconds(r.for) ?? 0, durationSeconds(r.keepFiringFor) ?? 0, end);
      const ruleNotes: string[] = [];
      if (inlined.length > 0) ruleNotes.push(`inlined ${inlined.join(', ')}`);
      if ([...series.values()].some((s) => s.times.includes(start))) ruleNotes.push('active at the start of the window (its pending time is counted from there)');
      return { status: 'ok', query, notes: ruleNotes, ...summary };
    } catch (err) {
      if (err instanceof QueryRejected) return { status: 'skipped', reason: `Prometheus rejected the query (${err.message})`, query };
      throw err;
    }
  };

  const rows: BacktestRow[] = [];
  for (const t of todo) {
    const rule = (t.h ?? t.b) as AlertRuleView;
    const interval = durationSeconds(rule.interval) ?? 60;
    const step = opts.stepSeconds ?? interval;
    if (step > interval) notes.add(`a step of ${humanDuration(step)} is coarser than the evaluation interval: \`for\` is honoured to within one step`);
    const end = Math.floor(rangeEnd / step) * step;
    const start = Math.ceil(rangeStart / step) * step;
    const row: BacktestRow = { alert: title(rule), change: t.change, stepSeconds: step };
    if (t.b) row.before = await evaluate(t.b, 'base', step, start, end);
    if (t.h) row.after = await evaluate(t.h, 'head', step, start, end);
    if (t.b) {
      const matchers = [`alertname=${q(t.b.alert)}`, 'alertstate="firing"', ...Object.entries(t.b.labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${q(v)}`)];
      try {
        const series = await api.presence(`ALERTS{${matchers.join(', ')}}`, start, end, step);
        row.recorded = summarise(series.values(), step, 0, 0, end);
      } catch (err) {
        if (!(err instanceof QueryRejected)) throw err;
        row.recorded = { error: err.message };
      }
    }
    rows.push(row);
  }
  if (stored.size > 0) {
    const fromHistory = [...stored.entries()].filter(([, v]) => v).map(([k]) => k);
    if (fromHistory.length > 0) notes.add(`recording rules read from history (same definition on both sides): ${fromHistory.sort().join(', ')}`);
  }
  notes.add('other recording rules are inlined from the same side\'s rule files');
  return {
    prometheus: api.url,
    start: new Date(rangeStart * 1000).toISOString(),
    end: new Date(rangeEnd * 1000).toISOString(),
    days: (rangeEnd - rangeStart) / 86400,
    rows,
    notes: [...notes],
  };
}
