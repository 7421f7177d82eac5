import { ALERTS } from '../../../contract/alerts.js';
import { METRICS, SCRAPE_JOBS } from '../../../contract/metric-catalog.js';
import { prometheusAlerts, prometheusQuery } from '../servers.js';
import { waitFor } from '../wait.js';
import { faultScenario, PAGE } from './fault-scenario.js';
import type { ScenarioContext } from './types.js';

/**
 * The app process is killed (a crash, an eviction): every target of job `immigration-ai` is down,
 * and the per-endpoint and SLO alerts go silent with its series. ImmigrationAiAppDown must page
 * once on every critical channel and resolve when the app is back. The app comes back as a new
 * process that never ran a backup: the backup alert must stay silent (backups are the backup
 * job's record in the database, read by the exporter; the app publishes no backup metric).
 */
export const appDown = faultScenario({
  name: 'app-down',
  description: 'the app process is killed, then started again (a restart without a backup job)',
  alert: ALERTS.appDown,
  severity: 'critical',
  receiver: 'critical',
  forSeconds: (t) => t.criticalForSeconds,
  expected: PAGE,
  inject: (ctx) => ctx.stack.killApp(),
  revert: (ctx) => ctx.stack.startApp(),
  afterRevert: async (ctx, _since, revertedAt, problems, notes) => {
    problems.push(...(await noBackupAlertAfterRestart(ctx, revertedAt)));
    notes.push(`no ${ALERTS.backupVerificationFailed} pending or firing for ${backupWatchSeconds(ctx)} s after the app restarted`);
    return [];
  },
});

/** Long enough for the backup warning's `for` to have elapsed, had its condition turned true at the restart. */
const backupWatchSeconds = (ctx: ScenarioContext): number => ctx.timing.warningForSeconds + ctx.timing.scrapeSeconds + ctx.timing.evaluationSeconds + 5;

/** Watches every Prometheus from the restart on: the backup alert must never be pending or firing. */
async function noBackupAlertAfterRestart(ctx: ScenarioContext, restartedAt: number): Promise<string[]> {
  const problems: string[] = [];
  const until = restartedAt + backupWatchSeconds(ctx) * 1000;
  await waitFor(
    async () => {
      for (const base of ctx.stack.prometheusUrls) {
        for (const a of await prometheusAlerts(base)) {
          if (a.labels.alertname === ALERTS.backupVerificationFailed) problems.push(`${a.labels.alertname} (${a.labels.reason}) ${a.state} on ${base} after the app restarted`);
        }
      }
      return problems.length > 0 || Date.now() >= until;
    },
    { timeoutMs: backupWatchSeconds(ctx) * 1000 + 30_000, what: 'the backup-alert watch after the app restart', intervalMs: 500 },
  );
  // The record comes from both exporter replicas; the restarted app exposes none of it.
  const fromApp = await prometheusQuery(ctx.stack.prometheusUrls[0], `${METRICS.backupLastSuccess.name}{job="${SCRAPE_JOBS.app}"}`);
  if ((fromApp.data?.result.length ?? 0) > 0) problems.push(`the app publishes ${METRICS.backupLastSuccess.name}`);
  const fromExporters = await prometheusQuery(ctx.stack.prometheusUrls[0], `count(${METRICS.backupLastSuccess.name}{job="${SCRAPE_JOBS.exporter}"})`);
  const replicas = Number((fromExporters.data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1] ?? 0);
  if (replicas !== ctx.stack.exporterTargets.length) problems.push(`${replicas} exporter replica(s) publish the backup record, expected ${ctx.stack.exporterTargets.length}`);
  return [...new Set(problems)];
}
