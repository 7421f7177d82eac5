/**
 * Turns a dashboard description (rows and sized panels, in reading order) into Grafana's classic
 * dashboard JSON with the shared frame: stable UID, tags, datasource variables, annotations,
 * links to the other dashboards, read-only (provisioned dashboards are changed in code).
 *
 * Panels are placed by our own packer rather than the SDK's auto-layout, whose cursor does not wrap
 * before a panel that would overflow the 24 columns. Ids are numbered in reading order.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { MonitoringConfig } from '../contract/config/index.js';
import { METRICS } from '../contract/metric-catalog.js';
import { DASHBOARD_UIDS, type DashboardKey, DATASOURCE_UIDS } from '../contract/dashboards.js';
import { COMMON_TAG, DATASOURCE_TYPES, DATASOURCE_VARIABLES } from './constants.js';
import { type PanelBuilderLike, PROMETHEUS } from './panels.js';
import { sharedState } from '../contract/promql.js';

export const GRID_COLUMNS = 24;

export type LayoutItem = { kind: 'row'; title: string } | { kind: 'panel'; panel: PanelBuilderLike; w: number; h: number };

export const row = (title: string): LayoutItem => ({ kind: 'row', title });
export const cell = (panel: PanelBuilderLike, w: number, h: number): LayoutItem => ({ kind: 'panel', panel, w, h });

/** Packs items left to right, wrapping before a panel that would not fit; a row starts a new line. */
export function place(items: readonly LayoutItem[], add: { panel(p: PanelBuilderLike): void; row(r: dashboard.RowBuilder): void }): void {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  let id = 1;
  for (const item of items) {
    if (item.kind === 'row') {
      y += lineHeight;
      add.row(new dashboard.RowBuilder(item.title).collapsed(false).id(id++).gridPos({ x: 0, y, w: GRID_COLUMNS, h: 1 }));
      y += 1;
      x = 0;
      lineHeight = 0;
      continue;
    }
    if (item.w < 1 || item.w > GRID_COLUMNS || item.h < 1) throw new Error(`panel size ${item.w}x${item.h} does not fit the grid`);
    if (x + item.w > GRID_COLUMNS) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    item.panel.id(id++);
    item.panel.gridPos({ x, y, w: item.w, h: item.h });
    add.panel(item.panel);
    x += item.w;
    lineHeight = Math.max(lineHeight, item.h);
  }
}

export interface DashboardSpec {
  key: DashboardKey;
  title: string;
  description: string;
  tags: string[];
  items: LayoutItem[];
  /** Which datasource variables the panels use. */
  datasources: { prometheus?: boolean; loki?: boolean };
  /** Extra template variables (after the datasource ones). */
  variables?: cog.Builder<dashboard.VariableModel>[];
  time?: { from: string; to: string };
}

export function composeDashboard(config: MonitoringConfig, spec: DashboardSpec): dashboard.Dashboard {
  const b = new dashboard.DashboardBuilder(spec.title)
    .uid(DASHBOARD_UIDS[spec.key])
    .description(spec.description)
    .tags([COMMON_TAG, ...spec.tags])
    .readonly()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .timezone('browser')
    .time(spec.time ?? { from: 'now-6h', to: 'now' })
    .refresh('1m')
    .link(
      new dashboard.DashboardLinkBuilder('Immigration AI dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([COMMON_TAG])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(false)
        .targetBlank(false),
    )
    .link(
      new dashboard.DashboardLinkBuilder('Runbooks')
        .type(dashboard.DashboardLinkType.Link)
        .icon('doc')
        .url(config.links.runbookBaseUrl)
        .targetBlank(true),
    );

  if (spec.datasources.prometheus) {
    b.withVariable(
      new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLES.prometheus)
        .label('Prometheus')
        .type(DATASOURCE_TYPES.prometheus)
        .current({ text: 'Prometheus', value: DATASOURCE_UIDS.prometheus }),
    );
    // Planned maintenance shades every time series, so nobody chases a dip that was intended.
    b.annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('Maintenance mode')
        .datasource(PROMETHEUS)
        .enable(true)
        .iconColor('purple')
        .expr(`${sharedState('max', METRICS.maintenanceMode)} == 1`)
        .step('1m')
        .titleFormat('Maintenance mode'),
    );
    b.annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('Critical alerts')
        .datasource(PROMETHEUS)
        .enable(true)
        .iconColor('red')
        .expr('ALERTS{alertstate="firing", severity="critical"}')
        .step('1m')
        .titleFormat('{{alertname}}')
        .tagKeys('alertname,severity'),
    );
  }
  if (spec.datasources.loki) {
    b.withVariable(
      new dashboard.DatasourceVariableBuilder(DATASOURCE_VARIABLES.loki)
        .label('Loki')
        .type(DATASOURCE_TYPES.loki)
        .current({ text: 'Loki', value: DATASOURCE_UIDS.loki }),
    );
  }
  for (const v of spec.variables ?? []) b.withVariable(v);

  place(spec.items, { panel: (p) => b.withPanel(p), row: (r) => b.withRow(r) });
  return tidy(b.build());
}

/**
 * Drops the `placement` the SDK sets on links and annotations: it would move them into the
 * controls menu of newer Grafana, away from where on-call engineers look for them.
 */
function tidy(d: dashboard.Dashboard): dashboard.Dashboard {
  const stripPlacement = (links: dashboard.DashboardLink[] | undefined): void => {
    for (const l of links ?? []) delete l.placement;
  };
  stripPlacement(d.links);
  for (const a of d.annotations?.list ?? []) delete a.placement;
  const walk = (panels: (dashboard.Panel | dashboard.RowPanel)[] | undefined): void => {
    for (const p of panels ?? []) {
      if (p.type === 'row') walk((p as dashboard.RowPanel).panels);
      else stripPlacement((p as dashboard.Panel).links);
    }
  };
  walk(d.panels);
  return d;
}
