/**
 * What the dashboards share with the rest of the stack: datasource UIDs (the charts provision the
 * datasources with exactly these), dashboard UIDs (alerts and links point at them, so they never
 * change without intent), folders, and the dashboard artifact the charts embed.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { sortKeys, toJson } from './serialize.js';

/** UIDs of the provisioned datasources. The dashboards' datasource variables default to them. */
export const DATASOURCE_UIDS = { prometheus: 'prometheus', loki: 'loki', alertmanager: 'alertmanager' } as const;

/**
 * Stable dashboard UIDs (at most 40 characters, Grafana's limit). A test compares them against a
 * checked-in list: changing one breaks every bookmark and link, so it must be deliberate.
 */
export const DASHBOARD_UIDS = {
  main: 'immigration-ai-main',
  system: 'immigration-ai-system-overview',
  performance: 'immigration-ai-performance',
  business: 'immigration-ai-business',
  errors: 'immigration-ai-error-tracking',
  agency: 'immigration-ai-agency-performance',
  logs: 'immigration-ai-logs',
} as const;

export type DashboardKey = keyof typeof DASHBOARD_UIDS;

/**
 * Grafana folders (the sidecar's folder annotation). Operations dashboards are for on-call
 * engineers; business dashboards for product and agency managers, who may get different access.
 */
export const FOLDERS = { operations: 'Immigration AI', business: 'Immigration AI Business' } as const;

/** `<grafanaUrl>/d/<uid>`: the address of a dashboard, for alert annotations and links. */
export const dashboardUrl = (grafanaUrl: string, key: DashboardKey): string => `${grafanaUrl}/d/${DASHBOARD_UIDS[key]}`;

/** A generated dashboard: what dashboards/ hands to the charts and to synth. */
export interface DashboardArtifact {
  uid: string;
  title: string;
  /** The Grafana folder it is filed in. */
  folder: string;
  /** The classic dashboard model Grafana imports. */
  model: dashboard.Dashboard;
}

/** The dashboard file (sorted keys, pretty, trailing newline): the same bytes on disk and in every ConfigMap. */
export const dashboardText = (d: DashboardArtifact): string => toJson(sortKeys(d.model));
