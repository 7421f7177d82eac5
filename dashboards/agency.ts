/** Agency Performance: one agency at a time, chosen with the `agency` template variable. */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { cell, composeDashboard, row, type LayoutItem } from './compose.js';
import { agencyDrillDown, toDashboard } from './links.js';
import { barGaugePanel, gaugePanel, neutralSteps, satisfactionSteps, statPanel, timeseriesPanel } from './panels.js';
import { series, sharedState } from '../contract/promql.js';
import { DAILY, DAILY_EMPTY, increaseOverInterval, increaseOverRange, quantileOverInterval, quantileOverRange } from './grafana-ranges.js';

/** What an agency panel shows without figures: usually no agency picked, or one the exporter does not report. */
const NO_AGENCY = 'No figures for this agency: pick one in the Agency selector';
import { agencyMatcher, agencyVariable } from './variables.js';

/** Row “Agency $agency now”. */
function agencyNowRow(config: MonitoringConfig): LayoutItem[] {
  return [
    row('Agency $agency now'),
    cell(
      statPanel({
        title: 'Active clients',
        description: 'Clients of the agency with an active case.',
        unit: 'short',
        queries: [{ expr: sharedState('max', METRICS.agencyActiveClients, [], agencyMatcher), legend: 'active clients' }],
        thresholds: neutralSteps(),
        sparkline: true,
        noValue: NO_AGENCY,
      }),
      5,
      6,
    ),
    cell(
      statPanel({
        title: 'Pending reviews',
        description: 'Documents waiting for the agency to review them.',
        unit: 'short',
        queries: [{ expr: sharedState('max', METRICS.agencyPendingDocumentReviews, [], agencyMatcher), legend: 'pending reviews' }],
        thresholds: neutralSteps(),
        sparkline: true,
        noValue: NO_AGENCY,
      }),
      5,
      6,
    ),
    cell(
      statPanel({
        title: 'Completed cases',
        description: 'Cases the agency completed in the selected time range.',
        unit: 'short',
        decimals: 0,
        queries: [
          { expr: `sum(${increaseOverRange(series(METRICS.agencyCasesCompleted, agencyMatcher))}) or vector(0)`, legend: 'completed', instant: true },
        ],
        thresholds: neutralSteps(),
        noValue: 'Unknown: Prometheus did not answer',
      }),
      5,
      6,
    ),
    cell(
      statPanel({
        title: 'Median completion time',
        description: 'Median time from opening to completing a case, over the cases completed in the selected time range.',
        unit: 'dtdurations',
        queries: [{ expr: quantileOverRange(0.5, METRICS.agencyCaseCompletionDuration, [], agencyMatcher), legend: 'median', instant: true }],
        thresholds: neutralSteps(),
        noValue: 'No case completed in the selected range',
      }),
      5,
      6,
    ),
    cell(
      gaugePanel({
        title: 'Client satisfaction',
        description: 'Average client satisfaction score of the agency (1..5).',
        unit: 'short',
        decimals: 2,
        queries: [{ expr: sharedState('avg', METRICS.agencyClientSatisfaction, [], agencyMatcher), legend: 'satisfaction', instant: true }],
        thresholds: satisfactionSteps(),
        min: 1,
        max: 5,
        noValue: NO_AGENCY,
      }),
      4,
      6,
    ),
  ];
}

/** Row “Trends”. */
function trendsRow(config: MonitoringConfig): LayoutItem[] {
  const completion = (q: number): string => quantileOverInterval(q, METRICS.agencyCaseCompletionDuration, [], agencyMatcher);
  return [
    row('Trends'),
    cell(
      timeseriesPanel({
        title: 'Clients and pending reviews',
        description: 'Active clients and documents waiting for review over time.',
        unit: 'short',
        queries: [
          { expr: sharedState('max', METRICS.agencyActiveClients, [], agencyMatcher), legend: 'active clients' },
          { expr: sharedState('max', METRICS.agencyPendingDocumentReviews, [], agencyMatcher), legend: 'pending reviews' },
        ],
        thresholds: neutralSteps(),
        min: 0,
        noValue: NO_AGENCY,
      }),
      12,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Case completion time per day',
        description: 'Median and p90 time from opening to completing a case, over the cases completed each day (a dozen cases a month: per-minute quantiles would be empty).',
        unit: 's',
        queries: [
          { expr: completion(0.5), legend: 'median' },
          { expr: completion(0.9), legend: 'p90' },
        ],
        thresholds: neutralSteps(),
        bars: true,
        interval: DAILY,
        min: 0,
        noValue: DAILY_EMPTY,
      }),
      12,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Cases completed per day',
        description: 'Cases completed each day.',
        unit: 'short',
        queries: [{ expr: `sum(${increaseOverInterval(series(METRICS.agencyCasesCompleted, agencyMatcher))})`, legend: 'completed' }],
        thresholds: neutralSteps(),
        bars: true,
        interval: DAILY,
        min: 0,
        noValue: DAILY_EMPTY,
      }),
      12,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Client satisfaction',
        description: 'Average client satisfaction score over time (1..5).',
        unit: 'short',
        decimals: 2,
        queries: [{ expr: sharedState('avg', METRICS.agencyClientSatisfaction, [], agencyMatcher), legend: 'satisfaction' }],
        thresholds: satisfactionSteps(),
        min: 1,
        max: 5,
        noValue: NO_AGENCY,
      }),
      12,
      8,
    ),
  ];
}

/** Row “All agencies”. */
function allAgenciesRow(config: MonitoringConfig): LayoutItem[] {
  return [
    row('All agencies'),
    cell(
      barGaugePanel({
        title: 'Most pending reviews',
        description: 'The ten agencies with the most documents waiting for review: pick one in the Agency selector.',
        unit: 'short',
        queries: [{ expr: `topk(10, ${sharedState('max', METRICS.agencyPendingDocumentReviews, ['agency_id'])})`, legend: '{{agency_id}}', instant: true }],
        thresholds: neutralSteps(),
        min: 0,
        noValue: 'No agency reports pending reviews',
        links: [toDashboard(config, 'business', 'Business metrics')],
        dataLinks: [agencyDrillDown()],
      }),
      24,
      8,
    ),
  ];
}

export function agencyDashboard(config: MonitoringConfig): dashboard.Dashboard {
  return composeDashboard(config, {
    key: 'agency',
    title: 'Immigration AI / Agency Performance',
    description: 'One agency at a time: active clients, pending document reviews, completed cases, completion time and client satisfaction.',
    tags: ['business', 'agency'],
    datasources: { prometheus: true },
    variables: [agencyVariable()],
    time: { from: 'now-7d', to: 'now' },
    refresh: '15m',
    items: [...agencyNowRow(config), ...trendsRow(config), ...allAgenciesRow(config)],
  });
}
