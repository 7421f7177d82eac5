/** The report for a terminal: risks first, then per environment and area, indented. */
import { renderBacktestRows } from './render-backtest.js';
import { AREAS, changeCount, type Finding, type Report, risksOf } from './findings.js';

const item = (f: Finding, indent: string): string => {
  const head = `${indent}${f.level === 'risk' ? 'RISK ' : f.level === 'notice' ? '* ' : '- '}${f.text}`;
  const blocks = (f.code ?? []).map((c) => `${indent}    ${c.label}: ${c.text.replace(/\n/g, `\n${indent}      `)}`);
  return [head, ...blocks].join('\n');
};

export function renderText(report: Report): string {
  const out: string[] = [`base: ${report.base.how}`, `head: ${report.head.how}`, ''];
  const risks = risksOf(report);
  out.push(`${risks.length} risk${risks.length === 1 ? '' : 's'}, ${changeCount(report)} change${changeCount(report) === 1 ? '' : 's'}`);
  if (risks.length > 0) {
    out.push('', 'RISKS');
    for (const r of risks) out.push(`  [${r.environment}] ${r.finding.text}`);
  }
  for (const env of report.environments) {
    out.push('');
    if (env.presence !== 'both') {
      out.push(`== ${env.environment}: environment ${env.presence}`);
      continue;
    }
    out.push(`== ${env.environment}: ${env.findings.length === 0 ? 'no change' : `${env.findings.length} change${env.findings.length === 1 ? '' : 's'}`}`);
    for (const { area, title } of AREAS) {
      const fs = env.findings.filter((f) => f.area === area);
      if (fs.length === 0) continue;
      out.push(`  ${title}`);
      for (const t of [...new Set(fs.map((f) => f.topic))]) {
        out.push(`    ${t}`);
        for (const f of fs.filter((x) => x.topic === t)) out.push(item(f, '      '));
      }
      if (area === 'routing') {
        const changed = env.routing.filter((r) => (r.before ?? []).join(',') !== (r.after ?? []).join(','));
        out.push(`    Receivers per alert: ${changed.length} of ${env.routing.length} label sets changed`);
        for (const r of changed) out.push(`      ${r.alert}: ${(r.before ?? ['-']).join(', ')} -> ${(r.after ?? ['-']).join(', ')}`);
      }
    }
    if (env.backtest) out.push('  Backtest', renderBacktestRows(env.backtest, 'text').replace(/^/gm, '    '));
  }
  if (report.shared.length > 0) {
    out.push('', '== shared (runbooks)');
    for (const f of report.shared) out.push(item(f, '  '));
  }
  if (report.notes.length > 0) out.push('', ...report.notes.map((n) => `note: ${n}`));
  return `${out.join('\n')}\n`;
}
