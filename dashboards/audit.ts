/**
 * The audit trail of the monitoring system: who signed in to Grafana, who changed dashboards,
 * folders, data sources, users or silences, failed sign-ins, and what Alertmanager reported. All
 * from Grafana's request log (`router_logging`, one logfmt line per request with the login name
 * `uname`, method, path and status) and Alertmanager's log, which the collector ships with
 * job="grafana" and job="alertmanager". People reach Alertmanager only through Grafana (its
 * NetworkPolicy), so Grafana's log names whoever created or expired a silence; Alertmanager itself
 * logs only failed silence operations.
 */
import { ALERTMANAGER, GRAFANA } from '../contract/components.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { cell, type LayoutItem, row } from './compose.js';
import { logsPanel, lokiTimeseriesPanel, neutralSteps } from './panels.js';

/** Grafana's "Request Completed" lines, parsed (fields: uname, method, path, status, handler...). */
const GRAFANA_REQUESTS = `{job="${GRAFANA.name}"} |= "Request Completed" | logfmt`;
/** Who did what, in one line. */
const WHO_WHAT = '| line_format "{{.uname}} {{.method}} {{.path}} -> {{.status}}"';
const CHANGES = 'method=~"POST|PUT|PATCH|DELETE"';
/** The API paths that change something an operator cares about (queries are POSTs to /api/ds, not here). */
const CHANGED_OBJECTS = 'path=~"/api/(dashboards|folders|datasources|users|admin|org|orgs|teams|serviceaccounts|alertmanager)/.*"';
/** Silences through Grafana's Alertmanager data source: POST .../api/v2/silences, DELETE .../api/v2/silence/<id>. */
const SILENCES = 'path=~"/api/alertmanager/.+/api/v2/silences?(/.*)?"';
/** A refused sign-in: any authentication client's failure, and the sign-in form's 401. */
const FAILED_SIGN_IN = '|~ "Failed to authenticate request|path=/login status=401"';

export const AUDIT_QUERIES = {
  /** Requests per signed-in user: when each login name was active (Grafana OSS logs no explicit sign-in line). */
  requestsByUser: `sum by (uname) (count_over_time(${GRAFANA_REQUESTS} | uname!="" [$__interval]))`,
  signIns: `${GRAFANA_REQUESTS} | path=~"/login(/generic_oauth)?" | method="POST" or path="/login/generic_oauth" ${WHO_WHAT}`,
  failedSignIns: `{job="${GRAFANA.name}"} ${FAILED_SIGN_IN}`,
  failedSignInsPerInterval: `sum(count_over_time({job="${GRAFANA.name}"} ${FAILED_SIGN_IN} [$__interval]))`,
  changes: `${GRAFANA_REQUESTS} | ${CHANGES} | ${CHANGED_OBJECTS} ${WHO_WHAT}`,
  silences: `${GRAFANA_REQUESTS} | ${CHANGES} | ${SILENCES} ${WHO_WHAT}`,
  alertmanager: `{job="${ALERTMANAGER.name}"} |~ "level=(warn|error)"`,
} as const;

/** The "Audit" row of the logs dashboard. */
export function auditRow(_config: MonitoringConfig): LayoutItem[] {
  const q = AUDIT_QUERIES;
  return [
    row('Audit'),
    cell(
      lokiTimeseriesPanel({
        title: 'Grafana requests by user',
        description: 'Requests per interval of each signed-in user, by login name: who used the monitoring system and when (from Grafana\'s request log).',
        unit: 'short',
        queries: [{ expr: q.requestsByUser, legend: '{{uname}}' }],
        thresholds: neutralSteps(),
        min: 0,
      }),
      12,
      8,
    ),
    cell(
      lokiTimeseriesPanel({
        title: 'Failed sign-ins',
        description: 'Refused sign-ins per interval: refusals by the identity provider or the role mapping, failed sign-ins of the break-glass admin.',
        unit: 'short',
        queries: [{ expr: q.failedSignInsPerInterval, legend: 'failed sign-ins' }],
        thresholds: neutralSteps(),
        min: 0,
      }),
      12,
      8,
    ),
    cell(logsPanel({ title: 'Sign-ins', description: 'Sign-in requests (identity provider callbacks and the break-glass sign-in form) with their outcome.', query: { expr: q.signIns } }), 12, 10),
    cell(logsPanel({ title: 'Failed sign-in lines', description: 'Grafana\'s lines for each refused sign-in, with the reason.', query: { expr: q.failedSignIns } }), 12, 10),
    cell(logsPanel({ title: 'Changes', description: 'Who changed dashboards, folders, data sources, users or silences: login name, method, path and status.', query: { expr: q.changes } }), 12, 10),
    cell(logsPanel({ title: 'Silences created or expired', description: 'Silences set or expired through Grafana, by login name (the only way people reach Alertmanager).', query: { expr: q.silences } }), 12, 10),
    cell(logsPanel({ title: 'Alertmanager warnings and errors', description: 'Alertmanager\'s own log: failed silence operations, failed notifications, cluster trouble.', query: { expr: q.alertmanager } }), 24, 8),
  ];
}
