/** Business Metrics (monitoring guide): document uploads, chat interactions, case completions, user satisfaction. */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { METRICS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { cell, composeDashboard, row, type LayoutItem } from './compose.js';
import { agencyDrillDown, toDashboard } from './links.js';
import { activeUsersStat } from './shared-panels.js';
import { barGaugePanel, COLORS, gaugePanel, neutralSteps, satisfactionSteps, statPanel, timeseriesPanel } from './panels.js';
import { series, sharedState } from '../contract/promql.js';
import { DAILY, DAILY_EMPTY, increaseOverInterval, meanOverRange, perHour, quantile, quantileOverInterval, rangeRatio } from './grafana-ranges.js';

/** Row “Users”. */
function usersRow(config: MonitoringConfig): LayoutItem[] {
  return [
    row('Users'),
    cell(
      activeUsersStat('Active users', 'Distinct users active within each window.'),
      6,
      7,
    ),
    cell(
      timeseriesPanel({
        title: 'Registrations',
        description: 'User registrations completed, per hour.',
        unit: 'suffix:/h',
        queries: [{ expr: perHour(series(METRICS.userRegistrations)), legend: 'registrations' }],
        thresholds: neutralSteps(),
        min: 0,
        noValue: 'No registration since the application started',
      }),
      9,
      7,
    ),
    cell(
      timeseriesPanel({
        title: 'Session duration',
        description: 'Median and p95 duration of ended user sessions.',
        unit: 's',
        queries: [0.5, 0.95].map((q) => ({ expr: quantile(q, METRICS.sessionDuration), legend: q === 0.5 ? 'median' : 'p95' })),
        thresholds: neutralSteps(),
        min: 0,
        noValue: 'No session ended in the selected range',
      }),
      9,
      7,
    ),
  ];
}

/** Row “Documents”. */
function documentsRow(config: MonitoringConfig): LayoutItem[] {
  return [
    row('Documents'),
    cell(
      timeseriesPanel({
        title: 'Document uploads',
        description: 'Uploads per hour by outcome.',
        unit: 'suffix:/h',
        queries: [{ expr: perHour(series(METRICS.documentUploads), 'outcome'), legend: '{{outcome}}' }],
        thresholds: neutralSteps(),
        stack: true,
        min: 0,
        noValue: 'No upload since the application started',
        links: [toDashboard(config, 'errors', 'Error tracking')],
      }),
      9,
      8,
    ),
    cell(
      statPanel({
        title: 'Upload failure ratio',
        description: 'Share of uploads that failed in the selected time range (a few dozen uploads a day: over minutes the ratio would flicker between nothing and 100%).',
        unit: 'percentunit',
        queries: [{ expr: rangeRatio(series(METRICS.documentUploads, 'outcome="failure"'), series(METRICS.documentUploads)), legend: 'failed', instant: true }],
        thresholds: [
          { value: null, color: COLORS.ok },
          { value: 0.05, color: COLORS.warning },
        ],
        noValue: 'No uploads in the selected range',
        links: [toDashboard(config, 'errors', 'Error tracking')],
      }),
      5,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Document processing time',
        description: 'Median and p95 time to scan, OCR and classify an uploaded document.',
        unit: 's',
        queries: [0.5, 0.95].map((q) => ({ expr: quantile(q, METRICS.documentProcessingDuration), legend: q === 0.5 ? 'median' : 'p95' })),
        thresholds: neutralSteps(),
        min: 0,
        noValue: 'No document processed in the selected range',
      }),
      5,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Upload size',
        description: 'Median and p95 size of uploaded documents.',
        unit: 'bytes',
        queries: [0.5, 0.95].map((q) => ({ expr: quantile(q, METRICS.documentUploadSize), legend: q === 0.5 ? 'median' : 'p95' })),
        thresholds: neutralSteps(),
        min: 0,
        noValue: 'No upload in the selected range',
      }),
      5,
      8,
    ),
  ];
}

/** Row “Chat: AI and human”. */
function chatRow(config: MonitoringConfig): LayoutItem[] {
  return [
    row('Chat: AI and human'),
    cell(
      timeseriesPanel({
        title: 'Chat responses by responder',
        description: 'Chat responses per hour, AI and human, with new conversations.',
        unit: 'suffix:/h',
        queries: [
          { expr: perHour(series(METRICS.chatResponses), 'responder'), legend: '{{responder}} responses' },
          { expr: perHour(series(METRICS.chatConversations)), legend: 'conversations started' },
        ],
        thresholds: neutralSteps(),
        min: 0,
        noValue: 'No chat since the application started',
      }),
      9,
      8,
    ),
    cell(
      statPanel({
        title: 'Answered by AI',
        description: 'Share of chat responses given by the AI rather than a human, in the selected time range.',
        unit: 'percentunit',
        queries: [{ expr: rangeRatio(series(METRICS.chatResponses, 'responder="ai"'), series(METRICS.chatResponses)), legend: 'AI share', instant: true }],
        thresholds: neutralSteps(),
        noValue: 'No chat response in the selected range',
      }),
      5,
      8,
    ),
    cell(
      statPanel({
        title: 'Mean response time',
        description: 'Mean time from a user message to the response in the selected time range, by responder (AI answers take milliseconds, humans minutes).',
        unit: 's',
        queries: [{ expr: meanOverRange(METRICS.chatResponseDuration, ['responder']), legend: '{{responder}}', instant: true }],
        thresholds: neutralSteps(),
        noValue: 'No chat response in the selected range',
      }),
      5,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Chat response time (p95)',
        description: 'p95 time from a user message to the response, by responder.',
        unit: 's',
        queries: [{ expr: quantile(0.95, METRICS.chatResponseDuration, ['responder']), legend: '{{responder}}' }],
        thresholds: neutralSteps(),
        min: 0,
        noValue: 'No chat response in the selected range',
      }),
      5,
      8,
    ),
  ];
}

/** Row “Cases and satisfaction”: a dozen cases a month per agency, so cases are counted per day. */
function casesAndSatisfactionRow(config: MonitoringConfig): LayoutItem[] {
  return [
    row('Cases and satisfaction'),
    cell(
      timeseriesPanel({
        title: 'Cases completed per day',
        description: 'Cases completed each day, all agencies (one bar a day: per-minute rates of a few cases a day would be mostly empty).',
        unit: 'short',
        queries: [{ expr: `sum(${increaseOverInterval(series(METRICS.agencyCasesCompleted))})`, legend: 'completed' }],
        thresholds: neutralSteps(),
        bars: true,
        interval: DAILY,
        min: 0,
        noValue: DAILY_EMPTY,
        links: [toDashboard(config, 'agency', 'Agency performance')],
      }),
      6,
      8,
    ),
    cell(
      timeseriesPanel({
        title: 'Case completion time per day',
        description: 'Median and p90 time from opening to completing a case, over the cases completed each day, all agencies.',
        unit: 's',
        queries: [0.5, 0.9].map((q) => ({ expr: quantileOverInterval(q, METRICS.agencyCaseCompletionDuration), legend: q === 0.5 ? 'median' : 'p90' })),
        thresholds: neutralSteps(),
        bars: true,
        interval: DAILY,
        min: 0,
        noValue: DAILY_EMPTY,
        links: [toDashboard(config, 'agency', 'Agency performance')],
      }),
      6,
      8,
    ),
    cell(
      gaugePanel({
        title: 'Chat satisfaction',
        description: 'Mean chat satisfaction rating (1..5) in the selected time range.',
        unit: 'short',
        decimals: 2,
        queries: [{ expr: meanOverRange(METRICS.chatSatisfactionRating), legend: 'rating', instant: true }],
        thresholds: satisfactionSteps(),
        min: 1,
        max: 5,
        noValue: 'No rating in the selected range',
      }),
      4,
      8,
    ),
    cell(
      barGaugePanel({
        title: 'Client satisfaction by agency (lowest 10)',
        description: 'Average client satisfaction score (1..5) of the ten lowest-rated agencies. Click one for its dashboard.',
        unit: 'short',
        decimals: 2,
        queries: [{ expr: `bottomk(10, ${sharedState('avg', METRICS.agencyClientSatisfaction, ['agency_id'])})`, legend: '{{agency_id}}', instant: true }],
        thresholds: satisfactionSteps(),
        min: 1,
        max: 5,
        noValue: 'No agency reports a satisfaction score',
        links: [toDashboard(config, 'agency', 'Agency performance')],
        dataLinks: [agencyDrillDown()],
      }),
      8,
      8,
    ),
  ];
}

export function businessDashboard(config: MonitoringConfig): dashboard.Dashboard {
  return composeDashboard(config, {
    key: 'business',
    title: 'Immigration AI / Business Metrics',
    description: 'Users, document uploads, chat interactions (AI and human), case completions and satisfaction.',
    tags: ['business'],
    datasources: { prometheus: true },
    time: { from: 'now-7d', to: 'now' },
    // Seven days of daily figures: a minute's refresh would only load the datasource.
    refresh: '15m',
    items: [...usersRow(config), ...documentsRow(config), ...chatRow(config), ...casesAndSatisfactionRow(config)],
  });
}
