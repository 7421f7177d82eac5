/** Backtest results in words ("would have fired 3 times (42m) in the last 7 days instead of 0") and as a table. */
import { humanDuration } from './duration.js';
import type { BacktestOutcome, BacktestReport, BacktestRow, FiringSummary } from './findings.js';

const times = (n: number): string => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

const summaryText = (s: FiringSummary): string => (s.episodes === 0 ? 'never' : `${times(s.episodes)} (${humanDuration(s.firingSeconds)} in all${s.series > 1 ? `, ${s.series} series` : ''})`);

/** `would have fired twice (...)`, `would not have fired`. */
const wouldHave = (s: FiringSummary): string => (s.episodes === 0 ? 'would not have fired' : `would have fired ${summaryText(s)}`);

function outcomeText(o: BacktestOutcome | undefined): string {
  if (!o) return '-';
  return o.status === 'ok' ? summaryText(o) : `not backtested: ${o.reason}`;
}

/** `the last 7 days`, or the span of a shorter (or clipped) window. */
function windowText(r: BacktestReport): string {
  const days = Math.round(r.days * 10) / 10;
  if (Math.abs(r.days - days) < 0.01 && days >= 1) return `the last ${days === 1 ? 'day' : `${days} days`}`;
  return `the last ${humanDuration(Math.round(r.days * 86400))}`;
}

/** One sentence per rule. */
export function backtestSentence(row: BacktestRow, report: BacktestReport): string {
  const w = windowText(report);
  const b = row.before;
  const a = row.after;
  if (a?.status === 'ok' && b?.status === 'ok') {
    if (a.episodes === b.episodes && a.firingSeconds === b.firingSeconds) return `${row.alert}: ${wouldHave(a)} in ${w}, as before.`;
    return `${row.alert}: ${wouldHave(a)} in ${w} instead of ${summaryText(b)}.`;
  }
  if (a?.status === 'ok' && !b) return `${row.alert} (new): ${wouldHave(a)} in ${w}.`;
  if (b?.status === 'ok' && !a) return `${row.alert} (removed): ${b.episodes === 0 ? 'did not fire' : `fired ${summaryText(b)}`} in ${w}; it will not fire any more.`;
  return `${row.alert}: before ${outcomeText(b)}; after ${outcomeText(a)}.`;
}

function recordedText(row: BacktestRow): string {
  if (!row.recorded) return '-';
  return 'error' in row.recorded ? `(query failed: ${row.recorded.error})` : summaryText(row.recorded);
}

export function renderBacktestRows(report: BacktestReport, format: 'markdown' | 'text'): string {
  const head = `${report.prometheus}, ${report.start} to ${report.end}`;
  if (report.rows.length === 0) return `No alert changed its expression, threshold or \`for\`: nothing to backtest (${head}).`;
  const sentences = report.rows.map((r) => backtestSentence(r, report));
  if (format === 'text') {
    return [
      head,
      ...sentences,
      ...report.rows.map((r) => `  ${r.alert} [${r.change}, step ${r.stepSeconds}s]: before ${outcomeText(r.before)}; after ${outcomeText(r.after)}; recorded in ALERTS ${recordedText(r)}`),
      ...report.notes.map((n) => `  note: ${n}`),
    ].join('\n');
  }
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const table = [
    '| alert | changed | before | after | recorded in ALERTS |',
    '| --- | --- | --- | --- | --- |',
    ...report.rows.map((r) => `| ${cell(r.alert)} | ${r.change} | ${cell(outcomeText(r.before))} | ${cell(outcomeText(r.after))} | ${cell(recordedText(r))} |`),
  ].join('\n');
  return `Against ${head}, each rule at its evaluation interval:\n\n${sentences.map((s) => `- ${s}`).join('\n')}\n\n${table}\n\n<sub>${report.notes.join('; ')}.</sub>`;
}
