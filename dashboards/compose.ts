/**
 * Turns a dashboard description (rows and sized panels, in reading order) into Grafana's classic
 * dashboard JSON with the shared frame: stable UID, tags, datasource variables, annotations,
 * links to the other dashboards, read-only (provisioned dashboards are changed in code).
 *
 * Panels are placed by our own packer rather than the SDK's auto-layout, whose cursor does not wrap
 * before a panel that would overflow the 24 columns. Ids are numbered in reading order, except for
 * the panels alerts link to (contract/dashboards.ts PANELS): their ids come from their keys, so a
 * link in a past notification keeps opening the same panel whatever moves around it.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { MonitoringConfig } from '../contract/config/index.js';
import { METRICS, SCRAPE_JOBS } from '../contract/metric-catalog.js';
import { DASHBOARD_UIDS, type DashboardKey, DATASOURCE_UIDS, KEYED_PANEL_ID_BASE, type PanelKey, PANELS, panelId } from '../contract/dashboards.js';
import { COMMON_TAG, DATASOURCE_TYPES, DATASOURCE_VARIABLES } from './constants.js';
import { type PanelBuilderLike, PROMETHEUS } from './panels.js';
import { sharedState } from '../contract/promql.js';

export const GRID_COLUMNS = 24;

/** Process and Node.js default metrics of both our processes (prom-client's collectDefaultMetrics). */
export const OUR_PROCESSES = `job=~"${SCRAPE_JOBS.app}|${SCRAPE_JOBS.exporter}"`;

export type LayoutItem = { kind: 'row'; title: string; collapsed?: boolean } | { kind: 'panel'; panel: PanelBuilderLike; w: number; h: number; key?: PanelKey };

/** A row; `collapsed` for secondary detail (its panels open on a click, and cost nothing until then). */
export const row = (title: string, options: { collapsed?: boolean } = {}): LayoutItem => ({ kind: 'row', title, ...(options.collapsed ? { collapsed: true } : {}) });
/** A panel of `w` columns and `h` rows; `key` when alerts link to it (its id then comes from the key). */
export const cell = (panel: PanelBuilderLike, w: number, h: number, key?: PanelKey): LayoutItem => ({ kind: 'panel', panel, w, h, ...(key ? { key } : {}) });

/**
 * Packs items left to right, wrapping before a panel that would not fit; a row starts a new line.
 * A collapsed row holds its panels (Grafana's model: positioned as they appear once expanded, right
 * under the row) and takes one line; the next row follows it directly.
 */
export function place(items: readonly LayoutItem[], add: { panel(p: PanelBuilderLike): void; row(r: dashboard.RowBuilder): void }): void {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  let id = 1;
  let open: { row: dashboard.RowBuilder; y: number } | undefined;
  const closeCollapsed = (): void => {
    if (!open) return;
    add.row(open.row);
    y = open.y + 1;
    lineHeight = 0;
    open = undefined;
  };
  for (const item of items) {
    if (item.kind === 'row') {
      if (open) closeCollapsed();
      else y += lineHeight;
      const r = new dashboard.RowBuilder(item.title).collapsed(item.collapsed === true).id(id++).gridPos({ x: 0, y, w: GRID_COLUMNS, h: 1 });
      if (item.collapsed) open = { row: r, y };
      else add.row(r);
      y += 1;
      x = 0;
      lineHeight = 0;
      continue;
    }
    if (item.w < 1 || item.w > GRID_COLUMNS || item.h < 1) throw new Error(`panel size ${item.w}x${item.h} does not fit the grid`);
    if (item.key && open) throw new Error(`panel ${item.key} is an alert's link target: keep it out of a collapsed row`);
    if (x + item.w > GRID_COLUMNS) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    item.panel.id(item.key ? panelId(item.key) : id++);
    if (id > KEYED_PANEL_ID_BASE) throw new Error(`more than ${KEYED_PANEL_ID_BASE - 1} unkeyed panels: their ids would reach the keyed panels' range`);
    item.panel.gridPos({ x, y, w: item.w, h: item.h });
    if (open) open.row.withPanel(item.panel);
    else add.panel(item.panel);
    x += item.w;
    lineHeight = Math.max(lineHeight, item.h);
  }
  closeCollapsed();
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
  /** Auto-refresh; `1m` by default (dashboards over days refresh less often). */
  refresh?: string;
}

/** Every panel an alert links to on this dashboard is placed, exactly once, and no other dashboard's. */
function checkKeys(spec: DashboardSpec): void {
  const placed = spec.items.flatMap((i) => (i.kind === 'panel' && i.key ? [i.key] : []));
  for (const key of placed) {
    if (PANELS[key] !== spec.key) throw new Error(`panel ${key} belongs to dashboard ${PANELS[key]}, not ${spec.key} (contract/dashboards.ts PANELS)`);
    if (placed.indexOf(key) !== placed.lastIndexOf(key)) throw new Error(`panel ${key} is placed twice on ${spec.key}`);
  }
  for (const key of Object.keys(PANELS) as PanelKey[]) {
    if (PANELS[key] === spec.key && !placed.includes(key)) throw new Error(`alerts link to panel ${key} of ${spec.key}, but the dashboard does not place it`);
  }
}

export function composeDashboard(config: MonitoringConfig, spec: DashboardSpec): dashboard.Dashboard {
  checkKeys(spec);
  const b = new dashboard.DashboardBuilder(spec.title)
    .uid(DASHBOARD_UIDS[spec.key])
    .description(spec.description)
    .tags([COMMON_TAG, ...spec.tags])
    .readonly()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .timezone('browser')
    .time(spec.time ?? { from: 'now-6h', to: 'now' })
    .refresh(spec.refresh ?? '1m')
    .link(
      new dashboard.DashboardLinkBuilder('Immigration AI dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([COMMON_TAG])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(true)
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
    // A restart explains a gap, a reset counter or a latency spike: mark when a process of ours started.
    b.annotation(
      new dashboard.AnnotationQueryBuilder()
        .name('Restarts')
        .datasource(PROMETHEUS)
        .enable(true)
        .iconColor('blue')
        .expr(`changes(process_start_time_seconds{${OUR_PROCESSES}}[$__interval]) > 0`)
        .step('1m')
        .titleFormat('Restart: {{job}} {{instance}}')
        .tagKeys('job,instance'),
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
