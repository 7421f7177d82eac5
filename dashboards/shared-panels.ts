/**
 * Panels that several dashboards show alike, built once so their queries cannot drift apart.
 */
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import { METRICS } from '../contract/metric-catalog.js';
import { neutralSteps, type PanelLink, statPanel } from './panels.js';
import { sharedState } from '../contract/promql.js';

/** Distinct active users per window (the exporter counts them from the database). */
export function activeUsersStat(title: string, description: string, links: PanelLink[] = []): stat.PanelBuilder {
  return statPanel({
    title,
    description,
    unit: 'short',
    queries: [{ expr: sharedState('max', METRICS.activeUsers, ['window']), legend: '{{window}}' }],
    thresholds: neutralSteps(),
    sparkline: true,
    ...(links.length > 0 ? { links } : {}),
  });
}
