/**
 * Panel factories on top of the grafana-foundation-sdk builders. They fix the conventions every
 * panel follows: the datasource comes from a template variable (panel and each target), every
 * target has a refId, every panel has a unit and a description, thresholds are passed in (from
 * the alerting config, so a panel turns red exactly where the alert fires), links go to runbooks
 * and related dashboards.
 */
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE_TYPES, DATASOURCE_VARIABLES } from './constants.js';

export const PROMETHEUS: common.DataSourceRef = { type: DATASOURCE_TYPES.prometheus, uid: `\${${DATASOURCE_VARIABLES.prometheus}}` };
export const LOKI: common.DataSourceRef = { type: DATASOURCE_TYPES.loki, uid: `\${${DATASOURCE_VARIABLES.loki}}` };

/** A builder the layout can position and number. */
export interface PanelBuilderLike extends cog.Builder<dashboard.Panel> {
  id(id: number): unknown;
  gridPos(gridPos: dashboard.GridPos): unknown;
}

export interface PromQuery {
  expr: string;
  /** Legend template, e.g. `{{method}} {{route}}`. */
  legend?: string;
  /** Instant query (stat, gauge, table of current values). */
  instant?: boolean;
  /** Table format (one row per series, labels as columns). */
  table?: boolean;
}

export interface LokiQuery {
  expr: string;
  legend?: string;
}

export interface PanelLink {
  title: string;
  /** Absolute for runbooks (opened in a new tab), relative (`/d/<uid>?…`) for dashboards (same tab). */
  url: string;
}

export type Steps = dashboard.Threshold[];

export const COLORS = { ok: 'green', warning: 'orange', critical: 'red', info: 'blue', neutral: 'text' } as const;

/** Green below `warning`, orange from it, red from `critical` (either may be omitted). */
export function alertSteps(warning?: number, critical?: number): Steps {
  const steps: Steps = [{ value: null, color: COLORS.ok }];
  if (warning !== undefined) steps.push({ value: warning, color: COLORS.warning });
  if (critical !== undefined) steps.push({ value: critical, color: COLORS.critical });
  return steps;
}

/** Red below `healthyFrom`, green from it: for "1 is healthy" gauges. */
export const healthySteps = (healthyFrom = 1): Steps => [
  { value: null, color: COLORS.critical },
  { value: healthyFrom, color: COLORS.ok },
];

/** Satisfaction scores (1..5): red below 3, orange below 4. Product targets, not alert thresholds. */
export const satisfactionSteps = (): Steps => [
  { value: null, color: COLORS.critical },
  { value: 3, color: COLORS.warning },
  { value: 4, color: COLORS.ok },
];

/** Neutral single colour, for values with no good or bad level. */
export const neutralSteps = (): Steps => [{ value: null, color: COLORS.info }];

/**
 * What a stat or table shows when a query legitimately returns NaN (a ratio over no events): the
 * same words as its `noValue`, so neither "NaN" nor a bare "No data" reaches the screen.
 */
export function emptyMapping(text: string): dashboard.ValueMapping {
  return { type: dashboard.MappingType.SpecialValue, options: { match: dashboard.SpecialValueMatch.NullAndNan, result: { text, index: 99 } } };
}

/** 1 -> text/colour, 0 -> text/colour. */
export function binaryMapping(one: [string, string], zero: [string, string]): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: { '1': { text: one[0], color: one[1], index: 0 }, '0': { text: zero[0], color: zero[1], index: 1 } },
    },
  ];
}

interface BaseSpec {
  title: string;
  description: string;
  /** Grafana unit id (`s`, `percentunit`, `bytes`, `reqps`, `short`, `suffix:/h`...). */
  unit: string;
  links?: PanelLink[];
  thresholds?: Steps;
  min?: number;
  max?: number;
  decimals?: number;
  mappings?: dashboard.ValueMapping[];
  /** Shown instead of "No data": why the panel is legitimately empty (required on stats and tables). */
  noValue?: string;
  /** Links on the values (`${__field.labels.route}`…): drill down from one series. */
  dataLinks?: PanelLink[];
  /** Fixed colours for series whose name matches a regular expression (5xx red, 4xx orange). */
  seriesColors?: { regexp: string; color: string }[];
  /** Relative time override (`30d`): the panel covers its own range, not the dashboard's. */
  timeFrom?: string;
  /** Own thresholds for series whose name matches (a warning count turns orange, not red). */
  seriesThresholds?: { regexp: string; steps: Steps }[];
}

export interface PromPanelSpec extends BaseSpec {
  queries: PromQuery[];
}

function promTargets(queries: readonly PromQuery[]): prometheus.DataqueryBuilder[] {
  return queries.map((q, i) => {
    const t = new prometheus.DataqueryBuilder()
      .refId(String.fromCharCode(65 + i))
      .datasource(PROMETHEUS)
      .editorMode(prometheus.QueryEditorMode.Code)
      .expr(q.expr)
      .legendFormat(q.legend ?? '__auto');
    if (q.instant) t.instant();
    else t.range();
    if (q.table) t.format(prometheus.PromQueryFormat.Table);
    return t;
  });
}

function lokiTargets(queries: readonly LokiQuery[]): loki.DataqueryBuilder[] {
  return queries.map((q, i) => {
    const t = new loki.DataqueryBuilder()
      .refId(String.fromCharCode(65 + i))
      .datasource(LOKI)
      .editorMode(loki.QueryEditorMode.Code)
      .queryType(loki.LokiQueryType.Range)
      .expr(q.expr);
    if (q.legend !== undefined) t.legendFormat(q.legend);
    return t;
  });
}

/** Another dashboard opens in the same tab (the browser's back button returns); a runbook in a new one. */
const panelLinks = (links: readonly PanelLink[] | undefined): dashboard.DashboardLinkBuilder[] =>
  (links ?? []).map((l) => new dashboard.DashboardLinkBuilder(l.title).type(dashboard.DashboardLinkType.Link).url(l.url).targetBlank(!l.url.startsWith('/')));

/** The field options every visualisation shares. */
interface FieldOptions<T> {
  title(t: string): T;
  description(d: string): T;
  unit(u: string): T;
  links(l: cog.Builder<dashboard.DashboardLink>[]): T;
  thresholds(t: cog.Builder<dashboard.ThresholdsConfig>): T;
  min(n: number): T;
  max(n: number): T;
  decimals(n: number): T;
  mappings(m: dashboard.ValueMapping[]): T;
  noValue(n: string): T;
  dataLinks(l: cog.Builder<dashboard.DashboardLink>[]): T;
  overrideByRegexp(regexp: string, properties: dashboard.DynamicConfigValue[]): T;
  overrideByName(name: string, properties: dashboard.DynamicConfigValue[]): T;
  timeFrom(t: string): T;
}

function applyBase<T extends FieldOptions<T>>(b: T, spec: BaseSpec): T {
  b.title(spec.title).description(spec.description).unit(spec.unit);
  if (spec.links && spec.links.length > 0) b.links(panelLinks(spec.links));
  b.thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(spec.thresholds ?? neutralSteps()));
  if (spec.min !== undefined) b.min(spec.min);
  if (spec.max !== undefined) b.max(spec.max);
  if (spec.decimals !== undefined) b.decimals(spec.decimals);
  const mappings = [...(spec.mappings ?? []), ...(spec.noValue !== undefined ? [emptyMapping(spec.noValue)] : [])];
  if (mappings.length > 0) b.mappings(mappings);
  if (spec.noValue !== undefined) b.noValue(spec.noValue);
  if (spec.dataLinks && spec.dataLinks.length > 0) b.dataLinks(panelLinks(spec.dataLinks));
  for (const c of spec.seriesColors ?? []) b.overrideByRegexp(c.regexp, [{ id: 'color', value: { mode: 'fixed', fixedColor: c.color } }]);
  for (const t of spec.seriesThresholds ?? []) b.overrideByRegexp(t.regexp, [{ id: 'thresholds', value: { mode: dashboard.ThresholdsMode.Absolute, steps: t.steps } }]);
  if (spec.timeFrom) b.timeFrom(spec.timeFrom);
  return b;
}

/** Time series legends are tables of mean, max and last, the worst series first. */
const legend = (table = false): common.VizLegendOptionsBuilder => {
  const b = new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(table ? common.LegendDisplayMode.Table : common.LegendDisplayMode.List)
    .placement(common.LegendPlacement.Bottom)
    .calcs(table ? ['mean', 'max', 'lastNotNull'] : []);
  if (table) b.sortBy('Max').sortDesc(true);
  return b;
};

const tooltip = (): common.VizTooltipOptionsBuilder =>
  new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending);

const lastValue = (): common.ReduceDataOptionsBuilder => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false);

export interface TimeseriesSpec extends PromPanelSpec {
  /** Draw the thresholds as dashed lines (set when the thresholds are alert thresholds). */
  showThresholds?: boolean;
  stack?: boolean;
  /** Bars per interval (rare events: one bar a day) instead of lines. */
  bars?: boolean;
  /** The panel's minimum query interval (`1d` for daily bars: `$__interval` never drops below it). */
  interval?: string;
}

export function timeseriesPanel(spec: TimeseriesSpec): timeseries.PanelBuilder {
  const b = applyBase(new timeseries.PanelBuilder(), spec)
    .datasource(PROMETHEUS)
    .targets(promTargets(spec.queries))
    .legend(legend(true))
    .tooltip(tooltip())
    .lineWidth(1)
    .fillOpacity(spec.stack ? 30 : 10)
    .showPoints(common.VisibilityMode.Never)
    .thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(spec.showThresholds ? common.GraphThresholdsStyleMode.Dashed : common.GraphThresholdsStyleMode.Off),
    );
  if (spec.stack) b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (spec.bars) b.drawStyle(common.GraphDrawStyle.Bars).fillOpacity(60);
  if (spec.interval) b.interval(spec.interval);
  return b;
}

export interface StatSpec extends PromPanelSpec {
  noValue: string;
  /** Colour the background instead of the value (for status tiles). */
  background?: boolean;
  /** Sparkline under the value. */
  sparkline?: boolean;
}

export function statPanel(spec: StatSpec): stat.PanelBuilder {
  return applyBase(new stat.PanelBuilder(), spec)
    .datasource(PROMETHEUS)
    .targets(promTargets(spec.queries))
    .reduceOptions(lastValue())
    .colorMode(spec.background ? common.BigValueColorMode.Background : common.BigValueColorMode.Value)
    .graphMode(spec.sparkline ? common.BigValueGraphMode.Area : common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.Auto)
    .justifyMode(common.BigValueJustifyMode.Auto)
    .orientation(common.VizOrientation.Auto);
}

export function gaugePanel(spec: PromPanelSpec): gauge.PanelBuilder {
  return applyBase(new gauge.PanelBuilder(), spec)
    .datasource(PROMETHEUS)
    .targets(promTargets(spec.queries))
    .reduceOptions(lastValue())
    .showThresholdMarkers(true)
    .showThresholdLabels(false);
}

export function barGaugePanel(spec: PromPanelSpec): bargauge.PanelBuilder {
  return applyBase(new bargauge.PanelBuilder(), spec)
    .datasource(PROMETHEUS)
    .targets(promTargets(spec.queries))
    .reduceOptions(lastValue())
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .orientation(common.VizOrientation.Horizontal)
    .showUnfilled(true);
}

export interface TableSpec extends PromPanelSpec {
  noValue: string;
  /** Columns to hide (e.g. `Time`), and the column to sort by, descending. */
  hideColumns?: string[];
  sortBy?: string;
  /** Columns whose text takes the colour of its value mapping (severity). */
  colorColumns?: string[];
  /** Sort `sortBy` ascending (critical before warning) instead of descending. */
  sortAscending?: boolean;
}

export function tablePanel(spec: TableSpec): table.PanelBuilder {
  const b = applyBase(new table.PanelBuilder(), spec).datasource(PROMETHEUS).targets(promTargets(spec.queries)).cellHeight(common.TableCellHeight.Sm);
  const hide = spec.hideColumns ?? ['Time'];
  b.withTransformation({ id: 'organize', options: { excludeByName: Object.fromEntries(hide.map((c) => [c, true])) } });
  if (spec.sortBy) b.sortBy([new common.TableSortByFieldStateBuilder().displayName(spec.sortBy).desc(!spec.sortAscending)]);
  for (const c of spec.colorColumns ?? []) b.overrideByName(c, [{ id: 'custom.cellOptions', value: { type: 'color-text' } }]);
  return b;
}

export function stateTimelinePanel(spec: PromPanelSpec): statetimeline.PanelBuilder {
  return applyBase(new statetimeline.PanelBuilder(), spec)
    .datasource(PROMETHEUS)
    .targets(promTargets(spec.queries))
    .showValue(common.VisibilityMode.Never)
    .mergeValues(true)
    .legend(legend())
    .tooltip(tooltip());
}

export interface LogsSpec {
  title: string;
  description: string;
  query: LokiQuery;
  links?: PanelLink[];
  /** Relative time override, e.g. `1h` for "errors in the last hour". */
  timeFrom?: string;
}

export function logsPanel(spec: LogsSpec): logs.PanelBuilder {
  const b = new logs.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(LOKI)
    .targets(lokiTargets([spec.query]))
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .prettifyLogMessage(false)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None);
  if (spec.links && spec.links.length > 0) b.links(panelLinks(spec.links));
  if (spec.timeFrom) b.timeFrom(spec.timeFrom);
  return b;
}

export interface LokiTimeseriesSpec extends BaseSpec {
  queries: LokiQuery[];
}

/** A time series of a LogQL metric query (e.g. error lines per minute). */
export function lokiTimeseriesPanel(spec: LokiTimeseriesSpec): timeseries.PanelBuilder {
  const b = applyBase(new timeseries.PanelBuilder(), spec)
    .datasource(LOKI)
    .targets(lokiTargets(spec.queries))
    .legend(legend(true))
    .tooltip(tooltip())
    .drawStyle(common.GraphDrawStyle.Bars)
    .fillOpacity(60);
  // Not stacked: the filters overlap (a database error line is also an error line), and a stack would count it twice.
  return b;
}

