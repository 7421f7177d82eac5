/**
 * The comparison of two generated trees: per environment, alerting, routing, security,
 * dashboards and everything else; the shared runbooks once. Pure: trees in, findings out.
 */
import { compareAlerting } from './alerting.js';
import { readEnvironment } from './artifacts.js';
import { compareDashboards } from './dashboards.js';
import { code, type EnvironmentReport, type Finding, finding, type Report, type SideInfo } from './findings.js';
import { compareNetwork } from './network-flows.js';
import { compareObjects, fileChange } from './objects.js';
import { compareRouting } from './routing.js';
import { compareSecurity } from './security.js';
import { clearParseCache, environmentsOf, subtree, type Tree } from './tree.js';

export function compareEnvironment(name: string, base: Tree, head: Tree): { report: EnvironmentReport; notes: string[] } {
  const b = readEnvironment(name, subtree(base, name));
  const h = readEnvironment(name, subtree(head, name));
  const routing = compareRouting(b, h);
  const findings: Finding[] = [
    ...compareAlerting(b, h),
    ...routing.findings,
    ...compareSecurity(b, h),
    ...compareNetwork(b, h),
    ...compareDashboards(b, h),
    ...compareObjects(b, h),
  ];
  return { report: { environment: name, presence: 'both', findings, routing: routing.rows }, notes: routing.notes.map((n) => `${name}: ${n}`) };
}

function compareShared(base: Tree, head: Tree): Finding[] {
  const b = subtree(base, 'runbooks');
  const h = subtree(head, 'runbooks');
  const out: Finding[] = [];
  for (const p of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const x = b.get(p);
    const y = h.get(p);
    if (x === y) continue;
    const path = `runbooks/${p}`;
    out.push(finding('other', 'Runbooks', 'info', x === undefined ? `${code(path)} added.` : y === undefined ? `${code(path)} removed.` : `${code(path)} changed: ${fileChange(path, x, y)}.`));
  }
  return out;
}

/**
 * Compares `environments` (default: every environment of either tree). The shared runbooks are
 * compared only with every environment (`includeShared`): synth makes them from all the
 * environments' configurations, so a one-environment synth writes different ones.
 */
export function compareTrees(base: Tree, head: Tree, baseInfo: SideInfo, headInfo: SideInfo, environments?: readonly string[], includeShared = environments === undefined): Report {
  clearParseCache();
  const inBase = new Set(environmentsOf(base));
  const inHead = new Set(environmentsOf(head));
  const names = environments ?? [...new Set([...inBase, ...inHead])].sort();
  const reports: EnvironmentReport[] = [];
  const notes: string[] = [];
  for (const name of names) {
    if (!inBase.has(name) && !inHead.has(name)) {
      notes.push(`environment ${name} exists on neither side`);
      continue;
    }
    if (!inBase.has(name) || !inHead.has(name)) {
      reports.push({ environment: name, presence: inHead.has(name) ? 'added' : 'removed', findings: [], routing: [] });
      continue;
    }
    const r = compareEnvironment(name, base, head);
    reports.push(r.report);
    notes.push(...r.notes);
  }
  if (!includeShared) notes.push('runbooks are compared only when every environment is (they are made from all of them)');
  return { base: baseInfo, head: headInfo, environments: reports, shared: includeShared ? compareShared(base, head) : [], notes };
}
