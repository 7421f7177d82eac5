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

export interface MetricDefinition<L extends string = string> {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly owner: MetricOwner;
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
  }),
  healthCheckDuration: define({
    name: 'immigration_ai_health_check_duration_seconds',
    type: 'gauge',
    help: 'Duration of the last health check of a component (for the database: its response time).',
    labelNames: ['component'],
    owner: 'exporter',
  }),

  // Database (exporter)
  databaseConnections: define({
    name: 'immigration_ai_database_connections',
    type: 'gauge',
    help: 'Database connections by state, from pg_stat_activity.',
    labelNames: ['state'],
    owner: 'exporter',
  }),
  databaseLockWaits: define({
    name: 'immigration_ai_database_lock_waits',
    type: 'gauge',
    help: 'Lock requests currently waiting, from pg_locks.',
    labelNames: [],
    owner: 'exporter',
  }),
  databaseSize: define({
    name: 'immigration_ai_database_size_bytes',
    type: 'gauge',
    help: 'Size of the application database, from pg_database_size.',
    labelNames: [],
    owner: 'exporter',
  }),
  databaseQueryDuration: define({
    name: 'immigration_ai_database_query_duration_seconds',
    type: 'histogram',
    help: 'Duration of the queries the exporter runs against the database, by operation.',
    labelNames: ['operation'],
    owner: 'exporter',
    buckets: QUERY_DURATION_BUCKETS,
  }),

  // Storage (exporter)
  storageBucketsAvailable: define({
    name: 'immigration_ai_storage_buckets_available',
    type: 'gauge',
    help: 'Storage buckets that answered the last health check.',
    labelNames: [],
    owner: 'exporter',
  }),
  storageObjects: define({
    name: 'immigration_ai_storage_objects',
    type: 'gauge',
    help: 'Objects stored per bucket.',
    labelNames: ['bucket'],
    owner: 'exporter',
  }),
  storageUsed: define({
    name: 'immigration_ai_storage_used_bytes',
    type: 'gauge',
    help: 'Bytes stored per bucket.',
    labelNames: ['bucket'],
    owner: 'exporter',
  }),

  // System (exporter)
  systemCpuUsage: define({
    name: 'immigration_ai_system_cpu_usage_ratio',
    type: 'gauge',
    help: 'Host CPU usage over the last sampling interval (0..1).',
    labelNames: [],
    owner: 'exporter',
  }),
  systemMemoryUsage: define({
    name: 'immigration_ai_system_memory_usage_ratio',
    type: 'gauge',
    help: 'Host memory in use (0..1).',
    labelNames: [],
    owner: 'exporter',
  }),
  systemMemoryAvailable: define({
    name: 'immigration_ai_system_memory_available_bytes',
    type: 'gauge',
    help: 'Host memory available to new work.',
    labelNames: [],
    owner: 'exporter',
  }),
  systemDiskUsage: define({
    name: 'immigration_ai_system_disk_usage_ratio',
    type: 'gauge',
    help: 'Disk usage per mountpoint (0..1).',
    labelNames: ['mountpoint'],
    owner: 'exporter',
  }),
  systemDiskFree: define({
    name: 'immigration_ai_system_disk_free_bytes',
    type: 'gauge',
    help: 'Free disk space per mountpoint.',
    labelNames: ['mountpoint'],
    owner: 'exporter',
  }),
  systemUptime: define({
    name: 'immigration_ai_system_uptime_seconds',
    type: 'gauge',
    help: 'Host uptime.',
    labelNames: [],
    owner: 'exporter',
  }),

  // HTTP (app)
  httpRequests: define({
    name: 'immigration_ai_http_requests_total',
    type: 'counter',
    help: 'HTTP requests served, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'],
    owner: 'app',
  }),
  httpRequestDuration: define({
    name: 'immigration_ai_http_request_duration_seconds',
    type: 'histogram',
    help: 'HTTP request duration by method and route template.',
    labelNames: ['method', 'route'],
    owner: 'app',
    buckets: HTTP_DURATION_BUCKETS,
  }),

  // Activity
  activeUsers: define({
    name: 'immigration_ai_active_users',
    type: 'gauge',
    help: 'Distinct users active within the window (e.g. 24h), from the database.',
    labelNames: ['window'],
    owner: 'exporter',
  }),
  userRegistrations: define({
    name: 'immigration_ai_user_registrations_total',
    type: 'counter',
    help: 'User registrations completed.',
    labelNames: [],
    owner: 'app',
  }),
  sessionDuration: define({
    name: 'immigration_ai_session_duration_seconds',
    type: 'histogram',
    help: 'Duration of ended user sessions.',
    labelNames: [],
    owner: 'app',
    buckets: SESSION_BUCKETS,
  }),

  // Documents (app)
  documentUploads: define({
    name: 'immigration_ai_document_uploads_total',
    type: 'counter',
    help: 'Document uploads by outcome (success, failure).',
    labelNames: ['outcome'],
    owner: 'app',
  }),
  documentUploadSize: define({
    name: 'immigration_ai_document_upload_size_bytes',
    type: 'histogram',
    help: 'Size of uploaded documents.',
    labelNames: [],
    owner: 'app',
    buckets: UPLOAD_SIZE_BUCKETS,
  }),
  documentProcessingDuration: define({
    name: 'immigration_ai_document_processing_duration_seconds',
    type: 'histogram',
    help: 'Time to process an uploaded document (scan, OCR, classification).',
    labelNames: [],
    owner: 'app',
    buckets: PROCESSING_BUCKETS,
  }),
  documentVirusDetections: define({
    name: 'immigration_ai_document_virus_detections_total',
    type: 'counter',
    help: 'Uploaded documents rejected by the virus scanner.',
    labelNames: [],
    owner: 'app',
  }),

  // Chat (app)
  chatConversations: define({
    name: 'immigration_ai_chat_conversations_total',
    type: 'counter',
    help: 'Chat conversations started.',
    labelNames: [],
    owner: 'app',
  }),
  chatResponses: define({
    name: 'immigration_ai_chat_responses_total',
    type: 'counter',
    help: 'Chat responses by responder (ai, human).',
    labelNames: ['responder'],
    owner: 'app',
  }),
  chatResponseDuration: define({
    name: 'immigration_ai_chat_response_duration_seconds',
    type: 'histogram',
    help: 'Time from a user message to the response, by responder (ai, human).',
    labelNames: ['responder'],
    owner: 'app',
    buckets: CHAT_RESPONSE_BUCKETS,
  }),
  chatSatisfactionRating: define({
    name: 'immigration_ai_chat_satisfaction_rating',
    type: 'histogram',
    help: 'User satisfaction ratings of chat conversations (1..5).',
    labelNames: [],
    owner: 'app',
    buckets: RATING_BUCKETS,
  }),

  // Agencies
  agencyActiveClients: define({
    name: 'immigration_ai_agency_active_clients',
    type: 'gauge',
    help: 'Active clients per agency, from the database.',
    labelNames: ['agency_id'],
    owner: 'exporter',
  }),
  agencyPendingDocumentReviews: define({
    name: 'immigration_ai_agency_pending_document_reviews',
    type: 'gauge',
    help: 'Documents waiting for an agency review, from the database.',
    labelNames: ['agency_id'],
    owner: 'exporter',
  }),
  agencyCasesCompleted: define({
    name: 'immigration_ai_agency_cases_completed_total',
    type: 'counter',
    help: 'Cases completed per agency.',
    labelNames: ['agency_id'],
    owner: 'app',
  }),
  agencyCaseCompletionDuration: define({
    name: 'immigration_ai_agency_case_completion_duration_seconds',
    type: 'histogram',
    help: 'Time from opening to completing a case, per agency.',
    labelNames: ['agency_id'],
    owner: 'app',
    buckets: CASE_DURATION_BUCKETS,
  }),
  agencyClientSatisfaction: define({
    name: 'immigration_ai_agency_client_satisfaction_score',
    type: 'gauge',
    help: 'Average client satisfaction score per agency (1..5), from the database.',
    labelNames: ['agency_id'],
    owner: 'exporter',
  }),

  // Security and operations
  unauthorizedAccessAttempts: define({
    name: 'immigration_ai_unauthorized_access_attempts_total',
    type: 'counter',
    help: 'Rejected access attempts by reason (e.g. invalid_token, forbidden, bad_credentials).',
    labelNames: ['reason'],
    owner: 'app',
  }),
  backupLastSuccess: define({
    name: 'immigration_ai_backup_last_success_timestamp_seconds',
    type: 'gauge',
    help: 'Unix time of the last successful, verified backup.',
    labelNames: [],
    owner: 'app',
  }),
  backupVerificationFailures: define({
    name: 'immigration_ai_backup_verification_failures_total',
    type: 'counter',
    help: 'Backups that failed verification.',
    labelNames: [],
    owner: 'app',
  }),
  maintenanceMode: define({
    name: 'immigration_ai_maintenance_mode',
    type: 'gauge',
    help: 'Maintenance mode: 1 while planned maintenance is on, else 0.',
    labelNames: [],
    owner: 'exporter',
  }),
  exporterBuildInfo: define({
    name: 'immigration_ai_exporter_build_info',
    type: 'gauge',
    help: 'Always 1; the version label carries the exporter version.',
    labelNames: ['version'],
    owner: 'exporter',
  }),

  // SMS bridge (Alertmanager webhook -> Twilio)
  smsMessages: define({
    name: 'immigration_ai_sms_messages_total',
    type: 'counter',
    help: 'SMS messages the bridge handed to Twilio, by outcome (sent, failed).',
    labelNames: ['outcome'],
    owner: 'sms-bridge',
  }),
  smsNotificationsDropped: define({
    name: 'immigration_ai_sms_notifications_dropped_total',
    type: 'counter',
    help: 'Alert notifications the SMS bridge did not send, by reason (rate_limited, not_configured).',
    labelNames: ['reason'],
    owner: 'sms-bridge',
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
