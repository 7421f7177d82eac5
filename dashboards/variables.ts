/** Template variables beyond the datasource ones. Each queries through the Prometheus variable. */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { RECORDED } from '../contract/recording-rules.js';
import { METRICS } from '../contract/metric-catalog.js';
import { PROMETHEUS } from './panels.js';
import { recorded, series } from '../contract/promql.js';

function labelValues(name: string, label: string, selector: string, sort = dashboard.VariableSort.AlphabeticalAsc): dashboard.QueryVariableBuilder {
  const query = `label_values(${selector}, ${label})`;
  return new dashboard.QueryVariableBuilder(name)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(sort);
}

/** Route templates (several, default all): filters the per-endpoint panels. */
export const routeVariable = (): dashboard.QueryVariableBuilder =>
  labelValues('route', 'route', recorded(RECORDED.httpRequestsRate5m))
    .label('Route')
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });

/** One agency at a time: agency views never mix two agencies' numbers. */
export const agencyVariable = (): dashboard.QueryVariableBuilder =>
  // Natural order: agency-2 before agency-10.
  labelValues('agency', 'agency_id', series(METRICS.agencyActiveClients), dashboard.VariableSort.NaturalAsc).label('Agency').multi(false).includeAll(false);

/** Nodes by `instance`, as node-exporter is scraped (several, default all): a node alert's link picks its node. */
export const nodeVariable = (): dashboard.QueryVariableBuilder =>
  labelValues('node', 'instance', recorded(RECORDED.nodeCpuBusyRatio5m), dashboard.VariableSort.NaturalAsc)
    .label('Node')
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });

/** Matcher for a multi-value variable (`=~`, since "All" expands to `.*`). */
export const routeMatcher = 'route=~"$route"';
export const agencyMatcher = 'agency_id="$agency"';
export const nodeMatcher = 'instance=~"$node"';
