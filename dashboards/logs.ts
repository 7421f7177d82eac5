/** Logs (the monitoring guide's "Log Analysis Queries"): Loki panels for the application's log stream. */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { MonitoringConfig } from '../contract/config/index.js';
import { auditRow } from './audit.js';
import { cell, composeDashboard, row } from './compose.js';
import { ALERTS } from '../contract/alerts.js';
import { runbook, toDashboard } from './links.js';
import { LINE_FILTERS, linesPerInterval, logQueries } from './logql.js';
import { logsPanel, lokiTimeseriesPanel, neutralSteps } from './panels.js';
import { num, percent } from '../contract/promql.js';

export function logsDashboard(config: MonitoringConfig): dashboard.Dashboard {
  const q = logQueries(config);
  const { warning } = config.alerting.thresholds;
  return composeDashboard(config, {
    key: 'logs',
    title: 'Immigration AI / Logs',
    description: 'The application logs through the standard LogQL analysis queries: errors, database errors, authentication failures, slow queries, high memory; and the audit trail of the monitoring system (sign-ins, changes, silences).',
    tags: ['logs', 'operations'],
    datasources: { loki: true },
    time: { from: 'now-1h', to: 'now' },
    items: [
      row('Error analysis'),
      cell(
        lokiTimeseriesPanel({
          title: 'Log lines by kind',
          description: 'Matching log lines per interval: errors, database errors and authentication failures. Not stacked: the filters overlap (a database error line is also an error line).',
          unit: 'short',
          queries: [
            { expr: linesPerInterval(LINE_FILTERS.errors), legend: 'errors' },
            { expr: linesPerInterval(LINE_FILTERS.databaseErrors), legend: 'database errors' },
            { expr: linesPerInterval(LINE_FILTERS.authenticationFailures), legend: 'authentication failures' },
          ],
          thresholds: neutralSteps(),
          min: 0,
          links: [toDashboard(config, 'errors', 'Error tracking')],
        }),
        24,
        6,
      ),
      cell(
        logsPanel({
          title: 'Error lines',
          description: 'Lines containing ERROR in the selected time range, newest first, formatted as timestamp, level and message.',
          query: { expr: q.errors },
          links: [toDashboard(config, 'errors', 'Error tracking')],
        }),
        24,
        10,
      ),
      cell(
        logsPanel({
          title: 'Database errors',
          description: 'Lines mentioning database and error.',
          query: { expr: q.databaseErrors },
          links: [runbook(config, ALERTS.databaseDown), runbook(config, ALERTS.databaseSlow)],
        }),
        12,
        10,
      ),
      cell(
        logsPanel({
          title: 'Authentication failures',
          description: 'Lines mentioning a failed authentication.',
          query: { expr: q.authenticationFailures },
          links: [runbook(config, ALERTS.unauthorizedAccessSpike)],
        }),
        12,
        10,
      ),
      row('Performance analysis'),
      cell(
        logsPanel({
          title: 'Slow queries',
          description: `Slow query lines with response_time above ${num(warning.databaseResponseSeconds * 1000)} ms (the ${ALERTS.databaseSlow} threshold).`,
          query: { expr: q.slowQueries },
          links: [runbook(config, ALERTS.databaseSlow), toDashboard(config, 'performance', 'Performance')],
        }),
        12,
        10,
      ),
      cell(
        logsPanel({
          title: 'High memory usage',
          description: `Lines reporting memory_usage above ${percent(warning.memoryUsageRatio)} (the ${ALERTS.highMemoryUsage} warning threshold).`,
          query: { expr: q.highMemory },
          links: [runbook(config, ALERTS.highMemoryUsage), toDashboard(config, 'performance', 'Performance')],
        }),
        12,
        10,
      ),
      ...auditRow(config),
    ],
  });
}
