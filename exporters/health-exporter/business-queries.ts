/**
 * Business gauges only the database knows, and the backup job's record. Each is one SQL query
 * returning a `value` column plus one column per label of the catalog metric. Defaults target the
 * reference schema (`exporters/health-exporter/reference-schema.sql`); a JSON file
 * (BUSINESS_QUERIES_FILE) replaces any of them, or disables one with `null`, so a different
 * schema needs no code change.
 */
import { readFileSync } from 'node:fs';
import { METRICS, type MetricDefinition } from '../../contract/metric-catalog.js';

export const BUSINESS_METRICS = {
  activeUsers: METRICS.activeUsers,
  agencyActiveClients: METRICS.agencyActiveClients,
  agencyPendingDocumentReviews: METRICS.agencyPendingDocumentReviews,
  agencyClientSatisfaction: METRICS.agencyClientSatisfaction,
  backupLastSuccess: METRICS.backupLastSuccess,
  backupLastFailure: METRICS.backupLastFailure,
} as const;
export type BusinessMetricKey = keyof typeof BUSINESS_METRICS;

export const DEFAULT_BUSINESS_QUERIES: Record<BusinessMetricKey, string> = {
  activeUsers: `SELECT '24h' AS "window", count(DISTINCT user_id)::float8 AS value FROM sessions WHERE last_activity_at > now() - interval '24 hours'`,
  agencyActiveClients: `SELECT a.id AS agency_id, count(DISTINCT c.client_id)::float8 AS value FROM agencies a LEFT JOIN cases c ON c.agency_id = a.id AND c.status IN ('open', 'in_progress') GROUP BY a.id`,
  agencyPendingDocumentReviews: `SELECT a.id AS agency_id, count(d.id)::float8 AS value FROM agencies a LEFT JOIN cases c ON c.agency_id = a.id LEFT JOIN documents d ON d.case_id = c.id AND d.review_status = 'pending' GROUP BY a.id`,
  agencyClientSatisfaction: `SELECT agency_id, avg(client_satisfaction)::float8 AS value FROM cases WHERE client_satisfaction IS NOT NULL AND completed_at > now() - interval '90 days' GROUP BY agency_id`,
  // 0 when no run is recorded: a backup job that never ran is a missed backup, and alerts.
  backupLastSuccess: `SELECT coalesce(extract(epoch FROM max(finished_at)), 0)::float8 AS value FROM backup_runs WHERE verified`,
  backupLastFailure: `SELECT coalesce(extract(epoch FROM max(finished_at)), 0)::float8 AS value FROM backup_runs WHERE NOT verified`,
};

export interface BusinessQuery {
  key: BusinessMetricKey;
  def: MetricDefinition;
  sql: string;
}

/** The queries to run: defaults, overridden by the file's entries. */
export function loadBusinessQueries(file?: string): BusinessQuery[] {
  const overrides: Partial<Record<string, string | null>> = file ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string | null>) : {};
  for (const k of Object.keys(overrides)) {
    if (!(k in BUSINESS_METRICS)) throw new Error(`BUSINESS_QUERIES_FILE: unknown metric key "${k}" (known: ${Object.keys(BUSINESS_METRICS).join(', ')})`);
    const v = overrides[k];
    if (v !== null && typeof v !== 'string') throw new Error(`BUSINESS_QUERIES_FILE: "${k}" must be an SQL string or null`);
  }
  const out: BusinessQuery[] = [];
  for (const key of Object.keys(BUSINESS_METRICS) as BusinessMetricKey[]) {
    const sql = key in overrides ? overrides[key] : DEFAULT_BUSINESS_QUERIES[key];
    if (sql) out.push({ key, def: BUSINESS_METRICS[key], sql });
  }
  return out;
}

/** Hard cap on rows per query: a query returning one row per user must not explode cardinality. */
export const MAX_ROWS = 1000;
const LABEL_VALUE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Rows -> samples; rejects rows whose label values do not look like bounded identifiers. */
export function rowsToSamples(def: MetricDefinition, rows: Record<string, unknown>[]): { samples: Sample[]; rejected: number } {
  const samples: Sample[] = [];
  let rejected = 0;
  for (const row of rows.slice(0, MAX_ROWS)) {
    const value = Number(row.value);
    const labels: Record<string, string> = {};
    let ok = Number.isFinite(value);
    for (const l of def.labelNames) {
      const v = row[l] === null || row[l] === undefined ? '' : String(row[l]);
      if (!LABEL_VALUE.test(v)) ok = false;
      labels[l] = v;
    }
    if (ok) samples.push({ labels, value });
    else rejected++;
  }
  return { samples, rejected: rejected + Math.max(0, rows.length - MAX_ROWS) };
}
