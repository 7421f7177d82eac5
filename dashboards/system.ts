/** System Overview (monitoring guide): overall health, active users, uptime, current alerts. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { cell, composeDashboard, row, type LayoutItem } from './compose.js';
import { ALERTS, type AlertName } from '../contract/alerts.js';
import { RECORDED, type RecordedName } from '../contract/recording-rules.js';
import { type Resource, resourceBars, resourceSteps, resourceViews } from './resource-panels.js';
import { runbook, toDashboard } from './links.js';
import { activeUsersStat, availabilityStat, componentHealthStat, fastRequestsQuery, firingAlertsStat, firingAlertsTable, objectiveSteps, rangeTotals, scrapeTargetsStat } from './shared-panels.js';
import { burnRatePanel } from './alert-mirrors.js';
import { alertSteps, binaryMapping, COLORS, healthySteps, neutralSteps, type PromQuery, stateTimelinePanel, statPanel, timeseriesPanel } from './panels.js';
import { num, percent, recorded } from '../contract/promql.js';
import { series, sharedState } from '../contract/promql.js';
import { SLO_PERIOD } from '../contract/slo.js';
import { increaseOverRange, perHour, rate } from './grafana-ranges.js';

/** Row “Health”. */
function healthRow(config: MonitoringConfig): LayoutItem[] {
  const healthy = binaryMapping(['Healthy', COLORS.ok], ['Unhealthy', COLORS.critical]);
  return [
    row('Health'),
    cell(
      statPanel({
        title: 'Overall health',
        description:
          'Healthy only when the platform\'s components (database, storage) passed their last health check, as /api/health\'s overall_status says. The exporter\'s system check is shown beside them but does not decide: node resources have their own alerts below.',
        unit: 'none',
        // -1 when no replica publishes a check: the exporter is down, and missing is not healthy.
        queries: [{ expr: `${sharedState('min', METRICS.healthStatus, [], 'component!="system"')} or on () vector(-1)`, legend: 'overall', instant: true }],
        mappings: [
          ...binaryMapping(['Healthy', COLORS.ok], ['Degraded', COLORS.critical]),
          { type: dashboard.MappingType.ValueToText, options: { '-1': { text: 'Unknown: no health checks', color: COLORS.critical, index: 2 } } },
        ],
        thresholds: healthySteps(),
        background: true,
        noValue: 'Unknown: Prometheus did not answer',
        links: [runbook(config, ALERTS.databaseDown), toDashboard(config, 'main', 'Immigration AI SaaS Monitoring')],
      }),
      6,
      5,
    ),
    cell(
      componentHealthStat('Components', 'Last health check per component, on the worst exporter replica.', [runbook(config, ALERTS.databaseDown), toDashboard(config, 'performance', 'Performance')]),
      10,
      5,
    ),
    cell(scrapeTargetsStat(config), 8, 5, 'scrapeTargets'),
    cell(
      stateTimelinePanel({
        title: 'Component health over time',
        description: 'Health check results per component; red stretches are outages.',
        unit: 'none',
        queries: [{ expr: sharedState('min', METRICS.healthStatus, ['component']), legend: '{{component}}' }],
        mappings: healthy,
        thresholds: healthySteps(),
        noValue: 'No health checks: is the exporter up?',
        links: [runbook(config, ALERTS.databaseDown)],
      }),
      16,
      6,
    ),
    cell(
      timeseriesPanel({
        title: 'Check result age',
        description: `Seconds since each check last completed, on the stalest exporter replica. database and system are probes re-run by scrapes; database_content (size, business figures, backup record) and storage run every ${config.healthCheckIntervalSeconds} s (HEALTH_CHECK_INTERVAL): their figures are up to that old.`,
        unit: 's',
        queries: [{ expr: `max by (check) (${series(METRICS.healthCheckResultAge)})`, legend: '{{check}}' }],
        thresholds: neutralSteps(),
        noValue: 'No check results: is the exporter up?',
        min: 0,
      }),
      8,
      6,
    ),
  ];
}

/** Space and inode ratios of the same filesystems together (the inode series relabelled, or `or` would drop them as duplicates). */
const spaceOrInodes = (space: RecordedName, inodes: RecordedName): string => `${recorded(space)} or label_replace(${recorded(inodes)}, "resource", "inodes", "", "")`;

/** Row “Nodes, containers and volumes”: where every node, container of ours and volume stands against the resource alerts' thresholds. */
function resourcesRow(config: MonitoringConfig): LayoutItem[] {
  const v = resourceViews(config);
  const { warning } = config.alerting.thresholds;
  const worst = (title: string, description: string, resource: Resource, queries: PromQuery[], alert: AlertName, empty = v.nodeCpu.empty) =>
    statPanel({
      title,
      description,
      unit: 'percentunit',
      decimals: 1,
      queries,
      thresholds: resourceSteps(config, resource),
      background: true,
      noValue: empty,
      links: [runbook(config, alert), toDashboard(config, 'performance', 'Performance')],
    });
  const nearLimit = `${recorded(RECORDED.containerCpuLimitRatio5m)} > ${num(warning.cpuUsageRatio)} or ${recorded(RECORDED.containerMemoryLimitRatio)} > ${num(warning.memoryUsageRatio)}`;
  return [
    row('Nodes, containers and volumes'),
    cell(worst('Busiest node CPU', `${v.nodeCpu.description} The busiest node.`, 'cpu', [{ expr: `max(${recorded(RECORDED.nodeCpuBusyRatio5m)})`, legend: 'CPU', instant: true }], ALERTS.highCpuUsage), 6, 5),
    cell(
      worst('Fullest node memory', `${v.nodeMemory.description} The fullest node.`, 'memory', [{ expr: `max(${recorded(RECORDED.nodeMemoryUsedRatio)})`, legend: 'memory', instant: true }], ALERTS.highMemoryUsage),
      6,
      5,
    ),
    cell(
      worst('Fullest disk', `The fullest node filesystem and the fullest volume (PersistentVolumeClaim), space or inodes. ${v.volumes.description}`, 'disk', [
        { expr: `max(${spaceOrInodes(RECORDED.nodeFilesystemUsedRatio, RECORDED.nodeFilesystemInodesUsedRatio)})`, legend: 'node filesystems', instant: true },
        { expr: `max(${spaceOrInodes(RECORDED.volumeUsedRatio, RECORDED.volumeInodesUsedRatio)})`, legend: 'volumes', instant: true },
      ], ALERTS.diskAlmostFull),
      6,
      5,
    ),
    cell(
      statPanel({
        title: 'Containers near their limits',
        description: `Containers of our namespaces above the warning threshold of their CPU (${percent(warning.cpuUsageRatio)}) or memory (${percent(warning.memoryUsageRatio)}) limit now.`,
        unit: 'short',
        queries: [{ expr: `count(${nearLimit}) or vector(0)`, legend: 'containers', instant: true }],
        thresholds: alertSteps(1),
        background: true,
        noValue: 'Unknown: Prometheus did not answer',
        links: [runbook(config, ALERTS.highMemoryUsage), runbook(config, ALERTS.highCpuUsage)],
      }),
      6,
      5,
    ),
    cell(resourceBars(config, v.nodeCpu), 12, 7),
    cell(resourceBars(config, v.nodeMemory), 12, 7),
    cell(resourceBars(config, v.filesystems), 12, 7),
    cell(resourceBars(config, v.volumes), 12, 7),
    cell(resourceBars(config, v.containerCpu), 12, 8),
    cell(resourceBars(config, v.containerMemory), 12, 8),
  ];
}

/** Row “Activity and operations”. */
function activityAndOperationsRow(config: MonitoringConfig): LayoutItem[] {
  const backupMaxAgeSeconds = config.alerting.backupMaxAgeHours * 3600;
  return [
    row('Activity and operations'),
    cell(
      activeUsersStat('Active users', 'Distinct users active within each window.', [toDashboard(config, 'business', 'Business metrics')]),
      6,
      5,
    ),
    cell(
      statPanel({
        title: 'System uptime',
        description: 'Uptime of the host the exporter watches.',
        unit: 'dtdurations',
        queries: [{ expr: `max(${series(METRICS.systemUptime)})`, legend: 'uptime', instant: true }],
        thresholds: neutralSteps(),
        noValue: 'No uptime figure: is the exporter up?',
      }),
      6,
      5,
    ),
    cell(
      statPanel({
        title: 'Maintenance mode',
        description: `While on, ${ALERTS.maintenanceMode} silences every notification except the Watchdog.`,
        unit: 'none',
        queries: [{ expr: sharedState('max', METRICS.maintenanceMode), legend: 'maintenance', instant: true }],
        mappings: binaryMapping(['On', COLORS.warning], ['Off', COLORS.ok]),
        thresholds: alertSteps(1),
        background: true,
        noValue: 'Unknown: is the exporter up?',
        links: [runbook(config, ALERTS.maintenanceMode), runbook(config, ALERTS.maintenanceTooLong)],
      }),
      6,
      5,
      'maintenanceMode',
    ),
    cell(
      statPanel({
        title: 'Last verified backup',
        description: `Time since the newest verified backup the backup job recorded in the database. Orange after ${config.alerting.backupMaxAgeHours} h (${ALERTS.backupVerificationFailed}).`,
        unit: 'dtdurations',
        queries: [{ expr: `time() - ${sharedState('max', METRICS.backupLastSuccess)}`, legend: 'age', instant: true }],
        thresholds: alertSteps(backupMaxAgeSeconds),
        noValue: 'No verified backup recorded, or the exporter is down',
        links: [runbook(config, ALERTS.backupVerificationFailed)],
      }),
      6,
      5,
      'lastVerifiedBackup',
    ),
  ];
}

/** Row “Service level objectives”: the range's availability, the 30-day budget, and the burn rates the SLO alerts fire on. */
function serviceLevelObjectivesRow(config: MonitoringConfig): LayoutItem[] {
  const { slo } = config.alerting;
  const { total, failed } = rangeTotals();
  const budget = num(1 - slo.availabilityObjective);
  return [
    row('Service level objectives'),
    cell(availabilityStat(config, [toDashboard(config, 'errors', 'Error tracking')]), 8, 5),
    cell(
      statPanel({
        title: `Error budget remaining (${SLO_PERIOD})`,
        description: `Share of the error budget (${percent(1 - slo.availabilityObjective)} of requests may fail) left over the last ${SLO_PERIOD}, whatever the dashboard's range: the period the burn-rate alerts assume. Below 0 the objective is missed.`,
        unit: 'percentunit',
        decimals: 1,
        queries: [{ expr: `1 - (${failed} / (${total} > 0)) / ${budget}`, legend: 'budget', instant: true }],
        thresholds: [
          { value: null, color: COLORS.critical },
          { value: 0, color: COLORS.warning },
          { value: 0.25, color: COLORS.ok },
        ],
        background: true,
        timeFrom: SLO_PERIOD,
        noValue: `No requests in the last ${SLO_PERIOD}`,
        links: [runbook(config, ALERTS.apiAvailabilityBudgetBurn), toDashboard(config, 'errors', 'Error tracking')],
      }),
      8,
      5,
    ),
    cell(
      statPanel({
        title: 'Requests within the latency objective',
        description: `Share of API requests faster than ${slo.latencyThresholdSeconds} s in the selected time range. Objective: ${percent(slo.latencyObjective)}.`,
        unit: 'percentunit',
        decimals: 3,
        queries: [{ expr: fastRequestsQuery(config), legend: 'fast enough', instant: true }],
        thresholds: objectiveSteps(slo.latencyObjective),
        background: true,
        noValue: 'No requests in the selected range',
        links: [runbook(config, ALERTS.apiLatencyBudgetBurn), toDashboard(config, 'performance', 'Performance')],
      }),
      8,
      5,
    ),
    cell(burnRatePanel(config, 'availability'), 12, 8, 'availabilityBurnRate'),
    cell(burnRatePanel(config, 'latency'), 12, 8, 'latencyBurnRate'),
  ];
}

/** Row “Current alerts”: first, so the first screen says what is firing. */
function currentAlertsRow(config: MonitoringConfig): LayoutItem[] {
  return [row('Current alerts'), cell(firingAlertsStat([toDashboard(config, 'errors', 'Error tracking')]), 6, 6), cell(firingAlertsTable(config), 18, 6)];
}

/** Row “Notifications”: how much reaches each channel, and what the SMS cap dropped. */
function notificationsRow(config: MonitoringConfig): LayoutItem[] {
  const cap = config.suppression.maxAlertsPerHour;
  return [
    row('Notifications'),
    cell(
      timeseriesPanel({
        title: 'Notifications sent per channel',
        description: `Notifications Alertmanager sent per hour by integration (email, slack, and the HTTP integration that carries the SMS bridge and the heartbeat), all replicas. The dashed line is max_alerts_per_hour (${cap}): the SMS bridge enforces it; email and Slack are bounded by grouping and group_interval, not capped.`,
        unit: 'suffix:/h',
        queries: [{ expr: `3600 * sum by (integration) (${rate('alertmanager_notifications_total')})`, legend: '{{integration}}' }],
        thresholds: alertSteps(cap),
        noValue: 'No notification sent in the selected range',
        showThresholds: true,
        min: 0,
        links: [runbook(config, ALERTS.notificationsDropped)],
      }),
      16,
      7,
    ),
    cell(
      statPanel({
        title: 'Pages not sent by SMS',
        description: `Page notifications the SMS bridge dropped in the selected time range (its hourly cap, or missing Twilio settings); any drop fires ${ALERTS.notificationsDropped}.`,
        unit: 'short',
        decimals: 0,
        queries: [{ expr: `sum(${increaseOverRange(series(METRICS.smsNotificationsDropped))}) or vector(0)`, legend: 'dropped', instant: true }],
        thresholds: alertSteps(undefined, 1),
        background: true,
        noValue: 'Unknown: is the SMS bridge scraped?',
        links: [runbook(config, ALERTS.notificationsDropped)],
      }),
      8,
      7,
      'smsPagesDropped',
    ),
    cell(
      timeseriesPanel({
        title: 'SMS sends by outcome',
        description:
          `SMS the bridge sent, failed to send (Twilio failing, hanging or refusing the credentials: ${ALERTS.smsDeliveryFailing} warns when sends fail and none succeed for 10 minutes; ` +
          'Alertmanager retries those pages) and dropped (the hourly cap, or no Twilio settings), per hour.',
        unit: 'suffix:/h',
        queries: [{ expr: perHour(series(METRICS.smsMessages), 'outcome'), legend: '{{outcome}}' }],
        noValue: 'No SMS in the selected range (or the SMS bridge is not scraped)',
        min: 0,
        links: [runbook(config, ALERTS.smsDeliveryFailing)],
      }),
      24,
      7,
      'smsSends',
    ),
  ];
}

export function systemDashboard(config: MonitoringConfig): dashboard.Dashboard {
  return composeDashboard(config, {
    key: 'system',
    title: 'Immigration AI / System Overview',
    description: 'The alerts firing now, overall health, scrape targets, nodes, containers and volumes against their limits, active users, uptime, maintenance, backups, service level objectives and burn rates, and the notifications sent.',
    tags: ['overview', 'operations'],
    datasources: { prometheus: true },
    items: [...currentAlertsRow(config), ...healthRow(config), ...resourcesRow(config), ...activityAndOperationsRow(config), ...serviceLevelObjectivesRow(config), ...notificationsRow(config)],
  });
}
