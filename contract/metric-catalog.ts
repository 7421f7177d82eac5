/**
 * The metric catalog: every metric the exporter and the app publish. It is the contract between
 * the code that publishes metrics and the alert rules and dashboards that query them: those import
 * names from here and never retype them, so a query cannot name a metric nobody publishes.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/**
 * Who publishes a metric, which decides the scrape job it appears under:
 * `exporter` -> job `immigration-ai-exporter`, `app` -> job `immigration-ai` (the app's own /metrics
 * through the instrumentation library), `sms-bridge` -> job `immigration-ai-sms-bridge` (the
 * Alertmanager-to-Twilio webhook receiver).
 */
export type MetricOwner = 'exporter' | 'app' | 'sms-bridge';

export const SCRAPE_JOBS = { exporter: 'immigration-ai-exporter', app: 'immigration-ai', 'sms-bridge': 'immigration-ai-sms-bridge' } as const satisfies Record<MetricOwner, string>;

/** Scrape jobs of the monitoring tools themselves; their metrics are the tools' own, not in this catalog. */
export const TOOL_JOBS = { prometheus: 'prometheus', alertmanager: 'alertmanager', grafana: 'grafana', loki: 'loki', alloy: 'alloy' } as const;

/**
 * Scrape jobs of the metrics other programs publish about the machines and containers the
 * platform runs on (their series are listed in external-metrics.ts, not in this catalog):
 * node-exporter on every node, and the kubelet (`/metrics` for volume stats, `/metrics/cadvisor`
 * for containers). The names are kube-prometheus-stack's, so the operator profile's rules select
 * the jobs a kube-prometheus-stack install already has; the standalone profile scrapes them under
 * the same names, and the plain prometheus.yml scrapes a node-exporter on localhost.
 * kube-state-metrics runs only with kube-prometheus-stack: the rules read container limits from it
 * there, because kube-prometheus-stack drops cAdvisor's `container_spec_*` series.
 */
export const RESOURCE_JOBS = { nodeExporter: 'node-exporter', kubelet: 'kubelet', kubeStateMetrics: 'kube-state-metrics' } as const;

/**
 * What a metric's value describes, which decides how queries may combine the replicas that
 * publish it (production runs two exporter replicas, and the app several pods):
 * - `shared`: state outside the publishing process: the database (health, connections, locks,
 *   size), storage, business figures counted in the database, the backup job's record, the
 *   maintenance toggle. Every replica publishes the same value, so rules and dashboards aggregate
 *   it with `max`, `min` or `avg` over the replicas, never `sum` (two replicas would double it).
 *   `immigration_ai_health_status{component="system"}` is the one per-host value among them
 *   (the node of each replica): `min` over replicas reads it as "the worst node".
 * - `publisher`: the publishing process or the host it runs on: its HTTP requests, its own query
 *   timings, the CPU and memory of its node, its build. Each replica's value is its own, and
 *   counters add up across replicas.
 * test/helpers/query-lint.ts enforces the `shared` rule on every rule and dashboard query.
 */
export type MetricScope = 'shared' | 'publisher';

export interface MetricDefinition<L extends string = string> {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly owner: MetricOwner;
  readonly scope: MetricScope;
  /** Histogram bucket upper bounds, in the metric's base unit. */
  readonly buckets?: readonly number[];
}

function define<const L extends string>(def: MetricDefinition<L>): MetricDefinition<L> {
  return Object.freeze({ ...def, labelNames: Object.freeze([...def.labelNames]) });
}

/** HTTP latency buckets (seconds): dense around the 1 s database and 2 s API thresholds. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 2.5, 5, 10] as const;
const QUERY_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;
const SESSION_BUCKETS = [60, 300, 600, 1200, 1800, 3600, 7200, 14400] as const;
const UPLOAD_SIZE_BUCKETS = [102400, 524288, 1048576, 2097152, 5242880, 10485760, 26214400, 52428800] as const;
const PROCESSING_BUCKETS = [0.25, 0.5, 1, 2, 3.5, 5, 10, 30, 60] as const;
/** Chat answers: AI in under a few seconds, humans in minutes. */
const CHAT_RESPONSE_BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 1800, 3600] as const;
const RATING_BUCKETS = [1, 2, 3, 4, 5] as const;
/** Case completion in seconds: 1 day to 180 days. */
const CASE_DURATION_BUCKETS = [86400, 604800, 1209600, 2592000, 3888000, 5184000, 7776000, 15552000] as const;

export const METRICS = {
  // Health (exporter)
  healthStatus: define({
    name: 'immigration_ai_health_status',
    type: 'gauge',
    help: 'Health of a component from the last health check: 1 healthy, 0 unhealthy.',
    labelNames: ['component'],
    owner: 'exporter',
    scope: 'shared',
  }),
  healthCheckResultAge: define({
    name: 'immigration_ai_health_check_result_age_seconds',
    type: 'gauge',
    help: 'Seconds since this exporter replica last completed each check (database, database_content, storage, system); database and system follow the scrapes, database_content and storage HEALTH_CHECK_INTERVAL.',
    labelNames: ['check'],
    owner: 'exporter',
    scope: 'publisher',
  }),
  healthCheckDuration: define({
    name: 'immigration_ai_health_check_duration_seconds',
    type: 'gauge',
    help: 'Duration of the last health check of a component (for the database: its response time).',
    labelNames: ['component'],
    owner: 'exporter',
    scope: 'shared',
  }),

  // Database (exporter)
  databaseConnections: define({
    name: 'immigration_ai_database_connections',
    type: 'gauge',
    help: 'Database connections by state, from pg_stat_activity.',
    labelNames: ['state'],
    owner: 'exporter',
    scope: 'shared',
  }),
  databaseLockWaits: define({
    name: 'immigration_ai_database_lock_waits',
    type: 'gauge',
    help: 'Lock requests currently waiting, from pg_locks.',
    labelNames: [],
    owner: 'exporter',
    scope: 'shared',
  }),
  databaseSize: define({
    name: 'immigration_ai_database_size_bytes',
    type: 'gauge',
    help: 'Size of the application database, from pg_database_size.',
    labelNames: [],
    owner: 'exporter',
    scope: 'shared',
  }),
  databaseQueryDuration: define({
    name: 'immigration_ai_database_query_duration_seconds',
    type: 'histogram',
    help: 'Duration of the queries the exporter runs against the database, by operation.',
    labelNames: ['operation'],
    owner: 'exporter',
    scope: 'publisher',
    buckets: QUERY_DURATION_BUCKETS,
  }),
  businessQueryFailures: define({
    name: 'immigration_ai_business_query_failures_total',
    type: 'counter',
    help: 'Business queries that failed or timed out, by query; a failed query keeps its gauges at their last values.',
    labelNames: ['query'],
    owner: 'exporter',
    scope: 'publisher',
  }),

  // Storage (exporter)
  storageBucketsAvailable: define({
    name: 'immigration_ai_storage_buckets_available',
    type: 'gauge',
    help: 'Storage buckets that answered the last health check.',
    labelNames: [],
    owner: 'exporter',
    scope: 'shared',
  }),
  storageObjects: define({
    name: 'immigration_ai_storage_objects',
    type: 'gauge',
    help: 'Objects stored per bucket.',
    labelNames: ['bucket'],
    owner: 'exporter',
    scope: 'shared',
  }),
  storageUsed: define({
    name: 'immigration_ai_storage_used_bytes',
    type: 'gauge',
    help: 'Bytes stored per bucket.',
    labelNames: ['bucket'],
    owner: 'exporter',
    scope: 'shared',
  }),

  // System (exporter)
  systemCpuUsage: define({
    name: 'immigration_ai_system_cpu_usage_ratio',
    type: 'gauge',
    help: 'Host CPU usage over the last sampling interval (0..1).',
    labelNames: [],
    owner: 'exporter',
    scope: 'publisher',
  }),
  systemMemoryUsage: define({
    name: 'immigration_ai_system_memory_usage_ratio',
    type: 'gauge',
    help: 'Host memory in use (0..1).',
    labelNames: [],
    owner: 'exporter',
    scope: 'publisher',
  }),
  systemMemoryAvailable: define({
    name: 'immigration_ai_system_memory_available_bytes',
    type: 'gauge',
    help: 'Host memory available to new work.',
    labelNames: [],
    owner: 'exporter',
    scope: 'publisher',
  }),
  systemDiskUsage: define({
    name: 'immigration_ai_system_disk_usage_ratio',
    type: 'gauge',
    help: 'Disk usage per mountpoint (0..1).',
    labelNames: ['mountpoint'],
    owner: 'exporter',
    scope: 'publisher',
  }),
  systemDiskFree: define({
    name: 'immigration_ai_system_disk_free_bytes',
    type: 'gauge',
    help: 'Free disk space per mountpoint.',
    labelNames: ['mountpoint'],
    owner: 'exporter',
    scope: 'publisher',
  }),
  systemUptime: define({
    name: 'immigration_ai_system_uptime_seconds',
    type: 'gauge',
    help: 'Host uptime.',
    labelNames: [],
    owner: 'exporter',
    scope: 'publisher',
  }),

  // HTTP (app)
  httpRequests: define({
    name: 'immigration_ai_http_requests_total',
    type: 'counter',
    help: 'HTTP requests served, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'],
    owner: 'app',
    scope: 'publisher',
  }),
  httpRequestDuration: define({
    name: 'immigration_ai_http_request_duration_seconds',
    type: 'histogram',
    help: 'HTTP request duration by method and route template.',
    labelNames: ['method', 'route'],
    owner: 'app',
    scope: 'publisher',
    buckets: HTTP_DURATION_BUCKETS,
  }),

  // Activity
  activeUsers: define({
    name: 'immigration_ai_active_users',
    type: 'gauge',
    help: 'Distinct users active within the window (e.g. 24h), from the database.',
    labelNames: ['window'],
    owner: 'exporter',
    scope: 'shared',
  }),
  userRegistrations: define({
    name: 'immigration_ai_user_registrations_total',
    type: 'counter',
    help: 'User registrations completed.',
    labelNames: [],
    owner: 'app',
    scope: 'publisher',
  }),
  sessionDuration: define({
    name: 'immigration_ai_session_duration_seconds',
    type: 'histogram',
    help: 'Duration of ended user sessions.',
    labelNames: [],
    owner: 'app',
    scope: 'publisher',
    buckets: SESSION_BUCKETS,
  }),

  // Documents (app)
  documentUploads: define({
    name: 'immigration_ai_document_uploads_total',
    type: 'counter',
    help: 'Document uploads by outcome (success, failure).',
    labelNames: ['outcome'],
    owner: 'app',
    scope: 'publisher',
  }),
  documentUploadSize: define({
    name: 'immigration_ai_document_upload_size_bytes',
    type: 'histogram',
    help: 'Size of uploaded documents.',
    labelNames: [],
    owner: 'app',
    scope: 'publisher',
    buckets: UPLOAD_SIZE_BUCKETS,
  }),
  documentProcessingDuration: define({
    name: 'immigration_ai_document_processing_duration_seconds',
    type: 'histogram',
    help: 'Time to process an uploaded document (scan, OCR, classification).',
    labelNames: [],
    owner: 'app',
    scope: 'publisher',
    buckets: PROCESSING_BUCKETS,
  }),
  documentVirusDetections: define({
    name: 'immigration_ai_document_virus_detections_total',
    type: 'counter',
    help: 'Uploaded documents rejected by the virus scanner.',
    labelNames: [],
    owner: 'app',
    scope: 'publisher',
  }),

  // Chat (app)
  chatConversations: define({
    name: 'immigration_ai_chat_conversations_total',
    type: 'counter',
    help: 'Chat conversations started.',
    labelNames: [],
    owner: 'app',
    scope: 'publisher',
  }),
  chatResponses: define({
    name: 'immigration_ai_chat_responses_total',
    type: 'counter',
    help: 'Chat responses by responder (ai, human).',
    labelNames: ['responder'],
    owner: 'app',
    scope: 'publisher',
  }),
  chatResponseDuration: define({
    name: 'immigration_ai_chat_response_duration_seconds',
    type: 'histogram',
    help: 'Time from a user message to the response, by responder (ai, human).',
    labelNames: ['responder'],
    owner: 'app',
    scope: 'publisher',
    buckets: CHAT_RESPONSE_BUCKETS,
  }),
  chatSatisfactionRating: define({
    name: 'immigration_ai_chat_satisfaction_rating',
    type: 'histogram',
    help: 'User satisfaction ratings of chat conversations (1..5).',
    labelNames: [],
    owner: 'app',
    scope: 'publisher',
    buckets: RATING_BUCKETS,
  }),

  // Agencies
  agencyActiveClients: define({
    name: 'immigration_ai_agency_active_clients',
    type: 'gauge',
    help: 'Active clients per agency, from the database.',
    labelNames: ['agency_id'],
    owner: 'exporter',
    scope: 'shared',
  }),
  agencyPendingDocumentReviews: define({
    name: 'immigration_ai_agency_pending_document_reviews',
    type: 'gauge',
    help: 'Documents waiting for an agency review, from the database.',
    labelNames: ['agency_id'],
    owner: 'exporter',
    scope: 'shared',
  }),
  agencyCasesCompleted: define({
    name: 'immigration_ai_agency_cases_completed_total',
    type: 'counter',
    help: 'Cases completed per agency.',
    labelNames: ['agency_id'],
    owner: 'app',
    scope: 'publisher',
  }),
  agencyCaseCompletionDuration: define({
    name: 'immigration_ai_agency_case_completion_duration_seconds',
    type: 'histogram',
    help: 'Time from opening to completing a case, per agency.',
    labelNames: ['agency_id'],
    owner: 'app',
    scope: 'publisher',
    buckets: CASE_DURATION_BUCKETS,
  }),
  agencyClientSatisfaction: define({
    name: 'immigration_ai_agency_client_satisfaction_score',
    type: 'gauge',
    help: 'Average client satisfaction score per agency (1..5), from the database.',
    labelNames: ['agency_id'],
    owner: 'exporter',
    scope: 'shared',
  }),

  // Security and operations
  unauthorizedAccessAttempts: define({
    name: 'immigration_ai_unauthorized_access_attempts_total',
    type: 'counter',
    help: 'Rejected access attempts by reason (e.g. invalid_token, forbidden, bad_credentials).',
    labelNames: ['reason'],
    owner: 'app',
    scope: 'publisher',
  }),
  // Backups: the backup job records each run in the database (table backup_runs of the reference
  // schema); the exporter reads that record, so every replica publishes the same values and no
  // web process restart can make a backup look missing.
  backupLastSuccess: define({
    name: 'immigration_ai_backup_last_success_timestamp_seconds',
    type: 'gauge',
    help: 'Unix time of the newest backup run that completed and passed verification, from the backup job record in the database (0 when none is recorded).',
    labelNames: [],
    owner: 'exporter',
    scope: 'shared',
  }),
  backupLastFailure: define({
    name: 'immigration_ai_backup_last_failure_timestamp_seconds',
    type: 'gauge',
    help: 'Unix time of the newest backup run that failed or did not pass verification, from the backup job record in the database (0 when none is recorded).',
    labelNames: [],
    owner: 'exporter',
    scope: 'shared',
  }),
  maintenanceMode: define({
    name: 'immigration_ai_maintenance_mode',
    type: 'gauge',
    help: 'Maintenance mode: 1 while planned maintenance is on, else 0.',
    labelNames: [],
    owner: 'exporter',
    scope: 'shared',
  }),
  exporterBuildInfo: define({
    name: 'immigration_ai_exporter_build_info',
    type: 'gauge',
    help: 'Always 1; the version label carries the exporter version.',
    labelNames: ['version'],
    owner: 'exporter',
    scope: 'publisher',
  }),

  // SMS bridge (Alertmanager webhook -> Twilio)
  smsMessages: define({
    name: 'immigration_ai_sms_messages_total',
    type: 'counter',
    help: 'SMS messages the bridge handed to Twilio, by outcome (sent, failed).',
    labelNames: ['outcome'],
    owner: 'sms-bridge',
    scope: 'publisher',
  }),
  smsNotificationsDropped: define({
    name: 'immigration_ai_sms_notifications_dropped_total',
    type: 'counter',
    help: 'Alert notifications the SMS bridge did not send, by reason (rate_limited, not_configured).',
    labelNames: ['reason'],
    owner: 'sms-bridge',
    scope: 'publisher',
  }),
} as const;

export type MetricKey = keyof typeof METRICS;

export const ALL_METRICS: readonly MetricDefinition[] = Object.values(METRICS);

/** The series names a metric exposes (histograms expose _bucket, _sum and _count). */
export function seriesNames(def: MetricDefinition): string[] {
  return def.type === 'histogram' ? [`${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`] : [def.name];
}

/** The scrape job under which a metric appears. */
export const jobOf = (def: MetricDefinition): string => SCRAPE_JOBS[def.owner];

/** Metrics whose value describes shared state (see MetricScope): aggregate over replicas with max, min or avg. */
export const SHARED_STATE_METRICS: readonly MetricDefinition[] = ALL_METRICS.filter((m) => m.scope === 'shared');
