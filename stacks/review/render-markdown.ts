/**
 * The report as a pull-request comment: risks first, then one collapsible section per environment
 * (alerting, routing with a table of the receivers that changed, security, dashboards, everything
 * else, backtest). Stays under GitHub's 65,536-character comment limit by dropping detail in steps.
 */
import { renderBacktestRows } from './render-backtest.js';
import { AREAS, changeCount, type EnvironmentReport, type Finding, type Level, type Report, risksOf } from './findings.js';

/** Marks the comment so a CI job can find and update it instead of adding a new one. */
export const COMMENT_MARKER = '<!-- immigration-ai-review-diff -->';
const LIMIT = 60_000;

const LEVEL_TAG: Readonly<Record<Level, string>> = { risk: '**risk** ', notice: '', info: '' };

/** Escapes what GitHub would read as HTML, emphasis or a table cell border, outside `code` spans. */
export function escapeMarkdown(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '&lt;').replace(/([*_|~])/g, '\\$1')))
    .join('');
}

const fence = (text: string, lang = ''): string => {
  const ticks = text.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${text}\n${ticks}`;
};

interface Detail {
  /** Include code blocks (before/after expressions). */
  code: boolean;
  /** Include info-level findings. */
  info: boolean;
}

function findingItem(f: Finding, d: Detail): string {
  let s = `- ${LEVEL_TAG[f.level]}${escapeMarkdown(f.text)}`;
  if (d.code && f.code && f.code.length > 0) {
    const blocks = f.code.map((c) => `${c.label}:\n\n${fence(c.text, c.lang)}`).join('\n\n');
    s += `\n  <details><summary>${f.code.map((c) => c.label).join(' / ')}</summary>\n\n${blocks.replace(/^/gm, '  ')}\n\n  </details>`;
  }
  return s;
}

function routingTable(env: EnvironmentReport): string {
  const changed = env.routing.filter((r) => (r.before ?? []).join(',') !== (r.after ?? []).join(','));
  if (env.routing.length === 0) return '';
  const unchanged = env.routing.length - changed.length;
  const cell = (xs?: string[]): string => (xs ? xs.map((x) => `\`${x}\``).join(', ') : '(no Alertmanager)');
  const rows = changed.map((r) => `| \`${r.alert.replace(/\|/g, '\\|')}\`${r.origin === 'synthetic' ? ' (synthetic)' : ''} | ${cell(r.before)} | ${cell(r.after)} |`);
  const table = changed.length > 0 ? `| alert | receivers before | receivers after |\n| --- | --- | --- |\n${rows.join('\n')}\n\n` : '';
  return `${table}${unchanged} of ${env.routing.length} alert label sets reach the same receivers as before.\n`;
}

function environmentSection(env: EnvironmentReport, d: Detail): string {
  if (env.presence !== 'both') return `- **${env.environment}**: environment ${env.presence} (not compared field by field).\n`;
  const risks = env.findings.filter((f) => f.level === 'risk').length;
  if (env.findings.length === 0 && !env.backtest) return `- **${env.environment}**: no change.\n`;
  const parts: string[] = [];
  for (const { area, title } of AREAS) {
    // The routing table already shows which receivers changed; the list keeps only the risks among them.
    const shownInTable = (f: Finding): boolean => area === 'routing' && f.topic === 'Receivers reached' && f.level !== 'risk';
    const fs = env.findings.filter((f) => f.area === area && (d.info || f.level !== 'info') && !shownInTable(f));
    const hidden = env.findings.filter((f) => f.area === area && !shownInTable(f)).length - fs.length;
    const table = area === 'routing' && env.findings.some((f) => f.area === 'routing') ? routingTable(env) : '';
    if (fs.length === 0 && table === '' && hidden === 0) continue;
    const topics = [...new Set(fs.map((f) => f.topic))];
    const body = topics.map((t) => `**${t}**\n\n${fs.filter((f) => f.topic === t).map((f) => findingItem(f, d)).join('\n')}`).join('\n\n');
    parts.push(`#### ${title}\n\n${table}${table && body ? '\n' : ''}${body}${hidden > 0 ? `\n\n(${hidden} minor changes left out to fit the comment; run \`npm run diff\` for all.)` : ''}`.trimEnd());
  }
  if (env.backtest) parts.push(`#### Backtest\n\n${renderBacktestRows(env.backtest, 'markdown')}`);
  const summary = `<b>${env.environment}</b>: ${risks > 0 ? `${risks} risk${risks === 1 ? '' : 's'}, ` : ''}${env.findings.length} change${env.findings.length === 1 ? '' : 's'}`;
  return `<details${risks > 0 ? ' open' : ''}><summary>${summary}</summary>\n\n${parts.join('\n\n')}\n\n</details>\n`;
}

function render(report: Report, d: Detail): string {
  const risks = risksOf(report);
  const lines: string[] = [COMMENT_MARKER, '### What this change does to the monitoring stack', ''];
  lines.push(`Base: ${escapeMarkdown(report.base.how)}. Head: ${escapeMarkdown(report.head.how)}.`, '');
  const changed = report.environments.filter((e) => e.findings.length > 0 || e.presence !== 'both').map((e) => e.environment);
  lines.push(
    `${risks.length > 0 ? `**${risks.length} risk${risks.length === 1 ? '' : 's'}**` : 'No risks found'}; ${changeCount(report)} change${changeCount(report) === 1 ? '' : 's'} in ${changed.length > 0 ? changed.join(', ') : 'no environment'} (${report.environments.length} compared).`,
    '',
  );
  if (risks.length > 0) {
    lines.push('#### Risks', '');
    for (const r of risks) lines.push(`- **${r.environment}** (${AREAS.find((a) => a.area === r.finding.area)?.title.toLowerCase()}): ${escapeMarkdown(r.finding.text)}`);
    lines.push('');
  }
  for (const env of report.environments) lines.push(environmentSection(env, d));
  if (report.shared.length > 0) {
    const fs = report.shared.filter((f) => d.info || f.level !== 'info');
    lines.push(`<details><summary><b>shared</b>: ${report.shared.length} change${report.shared.length === 1 ? '' : 's'} (runbooks)</summary>\n\n${fs.map((f) => findingItem(f, d)).join('\n')}\n\n</details>\n`);
  }
  if (report.notes.length > 0) lines.push(`<sub>Notes: ${report.notes.map(escapeMarkdown).join('; ')}.</sub>`, '');
  return `${lines.join('\n').trimEnd()}\n`;
}

export function renderMarkdown(report: Report, limit = LIMIT): string {
  for (const d of [{ code: true, info: true }, { code: false, info: true }, { code: false, info: false }]) {
    const text = render(report, d);
    if (text.length <= limit) return text;
  }
  const text = render(report, { code: false, info: false });
  return `${text.slice(0, limit - 200)}\n\n... (cut to fit a pull-request comment; run \`npm run diff\` for the whole report)\n`;
}
