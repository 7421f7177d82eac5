import { ALL_METRICS, METRICS, type MetricDefinition } from '../contract/metric-catalog.js';

/**
 * Prometheus naming rules (https://prometheus.io/docs/practices/naming/), checked on a definition.
 * Returns the broken rules; empty when the definition is fine.
 */
export function namingProblems(m: MetricDefinition): string[] {
  const p: string[] = [];
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(m.name)) p.push('invalid metric name characters');
  if (!m.name.startsWith('immigration_ai_')) p.push('must start with the immigration_ai_ namespace');
  if (m.name.includes(':')) p.push('colons are reserved for recording rules');
  if (m.type === 'counter' && !m.name.endsWith('_total')) p.push('counters end in _total');
  if (m.type !== 'counter' && m.name.endsWith('_total')) p.push('_total is only for counters');
  if (/_(count|sum|bucket)$/.test(m.name)) p.push('_count/_sum/_bucket suffixes are reserved for histograms');
  if (/_(ms|milliseconds|minutes|hours|days|percent|kb|mb|gb|kilobytes|megabytes|gigabytes)(_|$)/.test(m.name)) p.push('use base units (seconds, bytes, ratio 0..1)');
  if (/_(duration|latency|time|age|uptime|timestamp)(_|$)/.test(m.name) && !/_seconds(_total)?$/.test(m.name)) p.push('time values carry the _seconds unit suffix');
  if (/(size|used|free|available)_?/.test(m.name) && /(memory|disk|storage_used|size)/.test(m.name) && !/_(bytes|ratio)(_total)?$/.test(m.name)) p.push('sizes carry the _bytes unit suffix');
  if (/_ratio$/.test(m.name) && m.type !== 'gauge') p.push('ratios are gauges');
  for (const l of m.labelNames) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(l) || l.startsWith('__')) p.push(`invalid label name ${l}`);
    if (m.type === 'histogram' && l === 'le') p.push('le is reserved on histograms');
    if (/^(email|user(_?id)?|name|path|url|passport|case(_?id)?|ip|session(_?id)?)$/.test(l)) p.push(`label ${l} would carry personal data or unbounded values`);
  }
  if (m.type === 'histogram') {
    if (!m.buckets || m.buckets.length === 0) p.push('histograms declare buckets');
    else if (m.buckets.some((b, i) => i > 0 && b <= (m.buckets as number[])[i - 1])) p.push('buckets must increase');
  } else if (m.buckets) p.push('only histograms have buckets');
  if (!m.help.trim().endsWith('.')) p.push('help is a sentence ending in a period');
  return p;
}

describe('metric catalog', () => {
  it.each(ALL_METRICS.map((m) => [m.name, m] as const))('%s follows Prometheus naming rules', (_name, m) => {
    expect(namingProblems(m)).toEqual([]);
  });

  it('has unique names, also across histogram series', () => {
    const names = ALL_METRICS.flatMap((m) => (m.type === 'histogram' ? [m.name, `${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name]));
    expect(new Set(names).size).toBe(names.length);
  });

  it('the naming check catches broken definitions', () => {
    const bad = (o: Partial<MetricDefinition>): string[] =>
      namingProblems({ name: 'immigration_ai_x_total', type: 'counter', help: 'X.', labelNames: [], owner: 'app', scope: 'publisher', ...o });
    expect(bad({ type: 'gauge' })).toContain('_total is only for counters');
    expect(bad({ name: 'immigration_ai_requests' })).toContain('counters end in _total');
    expect(bad({ name: 'immigration_ai_response_time_ms', type: 'gauge' })).toContain('use base units (seconds, bytes, ratio 0..1)');
    expect(bad({ name: 'immigration_ai_storage_used_gb', type: 'gauge' })).toContain('use base units (seconds, bytes, ratio 0..1)');
    expect(bad({ name: 'immigration_ai_request_duration', type: 'histogram', buckets: [1] })).toContain('time values carry the _seconds unit suffix');
    expect(bad({ labelNames: ['email'] })).toContain('label email would carry personal data or unbounded values');
    expect(bad({ name: 'immigration_ai_y_seconds', type: 'histogram' })).toContain('histograms declare buckets');
  });

  // The contract with alert rules and dashboards: these must exist exactly.
  const contract: [string, string, string[]][] = [
    ['immigration_ai_health_status', 'gauge', ['component']],
    ['immigration_ai_health_check_duration_seconds', 'gauge', ['component']],
    ['immigration_ai_health_check_result_age_seconds', 'gauge', ['check']],
    ['immigration_ai_database_connections', 'gauge', ['state']],
    ['immigration_ai_database_lock_waits', 'gauge', []],
    ['immigration_ai_database_size_bytes', 'gauge', []],
    ['immigration_ai_database_query_duration_seconds', 'histogram', ['operation']],
    ['immigration_ai_storage_buckets_available', 'gauge', []],
    ['immigration_ai_storage_objects', 'gauge', ['bucket']],
    ['immigration_ai_storage_used_bytes', 'gauge', ['bucket']],
    ['immigration_ai_system_cpu_usage_ratio', 'gauge', []],
    ['immigration_ai_system_memory_usage_ratio', 'gauge', []],
    ['immigration_ai_system_memory_available_bytes', 'gauge', []],
    ['immigration_ai_system_disk_usage_ratio', 'gauge', ['mountpoint']],
    ['immigration_ai_system_disk_free_bytes', 'gauge', ['mountpoint']],
    ['immigration_ai_system_uptime_seconds', 'gauge', []],
    ['immigration_ai_http_requests_total', 'counter', ['method', 'route', 'status_code']],
    ['immigration_ai_http_request_duration_seconds', 'histogram', ['method', 'route']],
    ['immigration_ai_active_users', 'gauge', ['window']],
    ['immigration_ai_user_registrations_total', 'counter', []],
    ['immigration_ai_session_duration_seconds', 'histogram', []],
    ['immigration_ai_document_uploads_total', 'counter', ['outcome']],
    ['immigration_ai_document_upload_size_bytes', 'histogram', []],
    ['immigration_ai_document_processing_duration_seconds', 'histogram', []],
    ['immigration_ai_document_virus_detections_total', 'counter', []],
    ['immigration_ai_chat_conversations_total', 'counter', []],
    ['immigration_ai_chat_responses_total', 'counter', ['responder']],
    ['immigration_ai_chat_response_duration_seconds', 'histogram', ['responder']],
    ['immigration_ai_chat_satisfaction_rating', 'histogram', []],
    ['immigration_ai_agency_active_clients', 'gauge', ['agency_id']],
    ['immigration_ai_agency_pending_document_reviews', 'gauge', ['agency_id']],
    ['immigration_ai_agency_cases_completed_total', 'counter', ['agency_id']],
    ['immigration_ai_agency_case_completion_duration_seconds', 'histogram', ['agency_id']],
    ['immigration_ai_agency_client_satisfaction_score', 'gauge', ['agency_id']],
    ['immigration_ai_unauthorized_access_attempts_total', 'counter', ['reason']],
    ['immigration_ai_backup_last_success_timestamp_seconds', 'gauge', []],
    ['immigration_ai_backup_last_failure_timestamp_seconds', 'gauge', []],
    ['immigration_ai_maintenance_mode', 'gauge', []],
    ['immigration_ai_exporter_build_info', 'gauge', ['version']],
  ];
  it.each(contract)('publishes %s as a %s with labels %j', (name, type, labels) => {
    const m = ALL_METRICS.find((d) => d.name === name);
    expect(m).toBeDefined();
    expect(m?.type).toBe(type);
    expect([...(m?.labelNames ?? [])]).toEqual(labels);
  });

  it('the SLO latency threshold is a bucket bound of the HTTP duration histogram', () => {
    expect(METRICS.httpRequestDuration.buckets).toContain(2.5);
    expect(METRICS.httpRequestDuration.buckets).toContain(2);
  });
});
