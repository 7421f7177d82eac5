/**
 * What a person paged at 3 a.m. needs beyond the alert itself. Runbooks are rendered from these
 * entries plus the rules (severity, delay, condition per environment); a test fails when an alert
 * has no entry, so a runbook link never 404s.
 */
import { ALERTS, type AlertName } from '../contract/alerts.js';

export interface RunbookContent {
  /** What the alert means, in one or two sentences. */
  meaning: string;
  /** Who or what is affected while it fires. */
  impact: string;
  diagnosis: string[];
  mitigation: string[];
}

const NS = 'immigration-ai-monitoring';

export const RUNBOOK_CONTENT: Record<AlertName, RunbookContent> = {
  [ALERTS.databaseDown]: {
    meaning: 'The exporter\'s health check cannot connect to the application database (PostgreSQL).',
    impact: 'Logins, case data and document metadata are unavailable: the platform is effectively down for every user and agency.',
    diagnosis: [
      'Check the database server or managed instance status in the provider console.',
      'From a pod in the cluster: `pg_isready -h <db host> -p 5432`.',
      `Read the exporter logs: \`kubectl -n ${NS} logs deploy/immigration-ai-exporter | grep -i database\`.`,
      'Check connection limits: `SELECT count(*) FROM pg_stat_activity;` against `max_connections`.',
    ],
    mitigation: [
      'Restart or fail over the database instance if it is down.',
      'If connections are exhausted, restart the application pods holding idle connections.',
      'Tell users through the status page while the database is down.',
    ],
  },
  [ALERTS.databaseSlow]: {
    meaning: 'The database answers the health check query slower than the configured threshold for 15 minutes.',
    impact: 'Every API call touching the database is slow; users see spinners and timeouts.',
    diagnosis: [
      'Look for long-running queries: `SELECT pid, now() - query_start AS age, query FROM pg_stat_activity ORDER BY age DESC LIMIT 10;`.',
      'Look for lock waits (dashboard panel "Lock waits", or `pg_locks` where `NOT granted`).',
      'Check database host CPU, IO and memory in the provider console.',
    ],
    mitigation: [
      'Cancel a runaway query with `SELECT pg_cancel_backend(<pid>);`.',
      'Add the missing index or postpone the batch job causing the load.',
    ],
  },
  [ALERTS.highCpuUsage]: {
    meaning:
      'CPU is busy above the warning (default 80%) or critical (default 90%) threshold, averaged over 5 minutes. Label `scope` says of what: `node` (all CPUs of a node, from node-exporter; label `node`), `container` (one container against its own CPU limit, from cAdvisor; labels `namespace`, `pod`, `container`, `node`), or `host` (the exporter\'s own measurement, only where no node-exporter is scraped, e.g. a VM without one). A node\'s alert silences the same alert of the containers on it.',
    impact:
      'A busy node delays every pod on it: requests queue and latency grows. A container at its CPU limit is throttled by the kernel (CFS quota): its requests slow down even on an idle node.',
    diagnosis: [
      'Open the "System Overview" dashboard, row "Nodes, containers and volumes": which node or container, since when.',
      'Busiest pods of a node: `kubectl top pods -A --sort-by=cpu` (or `kubectl describe node <node>` for requests and limits), or the "Performance" dashboard\'s container rows.',
      'Check whether traffic grew (dashboard "Performance", request rate) or a batch job started.',
      'For a container: is it throttled because its limit is too low for normal traffic (usage against limit steadily high), or did its load change?',
    ],
    mitigation: [
      'Node: scale the application out or move load (more replicas on other nodes, a bigger node pool); stop or reschedule the batch job responsible.',
      'Container: raise its CPU limit or add replicas; roll back a change that made it heavier.',
    ],
  },
  [ALERTS.highMemoryUsage]: {
    meaning:
      'Memory in use is above the warning (default 80%) or critical (default 90%) threshold. `scope="node"`: memory not available to new work on a node (1 - MemAvailable / MemTotal). `scope="container"`: a container\'s working set against its own memory limit. `scope="host"`: the exporter\'s own measurement, only where no node-exporter is scraped.',
    impact:
      'A node short of memory evicts pods and, close to 100%, the kernel kills processes. A container that reaches its memory limit is killed (OOMKilled) and restarts, dropping its requests in flight.',
    diagnosis: [
      'Open the "System Overview" dashboard, row "Nodes, containers and volumes": which node or container.',
      'Find the biggest consumers: `kubectl top pods -A --sort-by=memory`; look for OOM kills: `kubectl get events -A | grep -i oom`, `kubectl describe pod <pod>` (Last State: OOMKilled).',
      'Check for a leak: does the container\'s working set grow steadily since its start (dashboard "Performance", containers against their limits)?',
    ],
    mitigation: ['Restart the leaking workload to buy time, then fix the leak.', 'Raise the container\'s memory limit, or add nodes when the node itself is full.'],
  },
  [ALERTS.diskAlmostFull]: {
    meaning:
      'A filesystem or volume is fuller than the warning (default 85%) or critical (default 95%) threshold, or (warning, `condition="filling_up"`) more than 60% full and, at the rate of the last 6 hours, full within 24 hours. `scope="node"`: a node filesystem (labels `node`, `mountpoint`, `device`, `fstype`; tmpfs, overlay and read-only mounts are ignored). `scope="volume"`: a PersistentVolumeClaim (labels `namespace`, `persistentvolumeclaim`): the database and document volumes are what "storage full" means for this platform. `scope="host"`: a path the exporter watches (`DISK_PATHS`), only where no node-exporter is scraped. `resource` is `space` or `inodes`. "Full" counts the space reserved for root as used: the app does not run as root.',
    impact: 'When it fills up, writes fail: the database stops accepting writes, uploads fail, logs are lost. A full node filesystem makes the kubelet evict pods.',
    diagnosis: [
      'Open the "System Overview" dashboard, row "Nodes, containers and volumes", and the "Performance" dashboard\'s volume rows: which one, and how fast it grows.',
      'Volume: `kubectl -n <namespace> get pvc <persistentvolumeclaim>`; find what grew with `kubectl exec` into a pod that mounts it: `du -xh --max-depth=2 <mount path> | sort -h | tail`.',
      'Node filesystem: `du -xh --max-depth=2 <mountpoint> | sort -h | tail` on the node; on `/var/lib/containerd` or `/var/lib/kubelet`, unused images and dead containers (`crictl rmi --prune`).',
      'Inodes (`resource="inodes"`): many small files (`find <path> -xdev -type f | cut -d/ -f2-3 | sort | uniq -c | sort -n | tail`).',
    ],
    mitigation: [
      'Delete or move old logs, temporary files and expired backups.',
      'Grow the volume (`kubectl edit pvc`, when its StorageClass allows expansion) or the node disk.',
    ],
  },
  [ALERTS.backupVerificationFailed]: {
    meaning:
      'Either a backup failed verification in the last hour (`reason="verification_failed"`), or no verified backup succeeded within the configured age (`reason="backup_too_old"`).',
    impact: 'No restorable backup: data written since the last good backup could be lost in a disaster.',
    diagnosis: [
      'Read the backup job\'s logs for the last run and its verification step.',
      'Check the backup storage: credentials, free space, retention policy.',
    ],
    mitigation: ['Fix the cause and run a backup manually, then verify it restores.', 'Keep the alert open until a verified backup exists.'],
  },
  [ALERTS.exporterDown]: {
    meaning: 'Prometheus cannot scrape the immigration-ai exporter, or finds no exporter target at all.',
    impact: 'Database, storage, host and maintenance metrics are missing, so their alerts cannot fire: you are blind on the platform.',
    diagnosis: [
      `\`kubectl -n ${NS} get pods -l app.kubernetes.io/name=immigration-ai-exporter\` and its logs.`,
      'Open Prometheus → Status → Targets and read the scrape error of job `immigration-ai-exporter`.',
      'If the target is missing, check the Service and the scrape configuration (service discovery).',
    ],
    mitigation: ['Restart the exporter deployment; roll back its last change if it crashes on start.'],
  },
  [ALERTS.resourceMetricsDown]: {
    meaning: 'Prometheus cannot scrape node-exporter or the kubelet (`/metrics` or `/metrics/cadvisor`, label `metrics_path`) on one node (label `instance`).',
    impact: 'The CPU, memory and disk alerts of that node, of its containers and of the volumes it mounts cannot fire: a full database volume would go unnoticed.',
    diagnosis: [
      'Open Prometheus → Status → Targets, jobs `node-exporter` and `kubelet`, and read the scrape error.',
      `node-exporter: \`kubectl -n ${NS}-node-exporter get pods -o wide\` (one per node) and its logs.`,
      'kubelet, 401 or 403: the Prometheus ServiceAccount lacks `nodes/metrics` (ClusterRole `immigration-ai-prometheus-kubelet`). x509 errors: the kubelet\'s serving certificate is not signed by the cluster CA; set `kubernetes.kubelet.insecureSkipVerify`. Timeouts: a NetworkPolicy or firewall between Prometheus and the nodes\' port 10250.',
    ],
    mitigation: ['Fix the RBAC, certificate setting or network path; restart the node-exporter pod of that node.'],
  },
  [ALERTS.endpointErrorRateHigh]: {
    meaning: 'One endpoint (`method`, `route`) answers more than the warning (default 5%) or critical (default 10%) share of its requests with 5xx. Endpoints below the minimum request rate are ignored. The table below has each environment\'s values.',
    impact: 'Users of that feature get errors; at the critical level the feature is broken for many of them.',
    diagnosis: [
      'Open the "Error tracking" dashboard for the endpoint.',
      'Read the application\'s error logs for that route in Grafana Explore (Loki): filter on the route and level `error`.',
      'Check recent deployments: did the error start with a rollout?',
      'Check the dependencies of the endpoint (database, storage, AI provider).',
    ],
    mitigation: ['Roll back the last deployment if it caused the errors.', 'Fail over or disable the broken dependency or feature.'],
  },
  [ALERTS.apiSlow]: {
    meaning: 'The average response time of one endpoint is above the threshold (2 s by default) for 15 minutes.',
    impact: 'Users of that endpoint wait; clients may time out and retry, adding load.',
    diagnosis: [
      'Open the "Performance" dashboard: p50/p95/p99 of the endpoint, and the database response time.',
      'Check whether the database (ImmigrationAiDatabaseSlow) or CPU (ImmigrationAiHighCpuUsage) alerts fire too.',
    ],
    mitigation: ['Fix the slow dependency first; scale the application if it is saturated.'],
  },
  [ALERTS.unauthorizedAccessSpike]: {
    meaning: 'The app rejects more access attempts per second than the threshold (invalid tokens, forbidden requests, bad credentials).',
    impact: 'Possible credential stuffing, token theft or scanning; accounts may be at risk.',
    diagnosis: [
      'Break the rate down by `reason` on the "Error tracking" dashboard.',
      'Look for the source in the ingress or WAF logs (never copy personal data into tickets).',
    ],
    mitigation: [
      'Rate-limit or block the offending sources at the ingress or WAF.',
      'If credentials leaked: revoke tokens, force password resets, follow the security incident procedure.',
    ],
  },
  [ALERTS.apiAvailabilityBudgetBurn]: {
    meaning:
      'The share of API requests answered with 5xx burns the availability SLO\'s error budget too fast, over both a long and a short window (labels `long_window`, `short_window`). Critical: the budget is gone in days; warning: in weeks.',
    impact: 'Users see errors often enough to break the availability objective.',
    diagnosis: [
      'Find the endpoints responsible: the "Error tracking" dashboard, or `topk(5, job_method_route:immigration_ai_http_errors:rate5m)`.',
      'Check ImmigrationAiEndpointErrorRateHigh alerts and recent deployments.',
    ],
    mitigation: ['Roll back or fix the failing change; a critical burn needs action now, a warning within the working day.'],
  },
  [ALERTS.apiLatencyBudgetBurn]: {
    meaning: 'Too many API requests are slower than the latency SLO threshold, over both a long and a short window.',
    impact: 'Users wait too often for the latency objective to hold.',
    diagnosis: [
      'Find the slow endpoints on the "Performance" dashboard (p99 per endpoint).',
      'Check database, CPU and memory alerts.',
    ],
    mitigation: ['Fix the slow dependency or scale out; roll back a change that made requests slower.'],
  },
  [ALERTS.watchdog]: {
    meaning: 'Always firing, on purpose. Alertmanager sends it to the dead man\'s switch (receiver `heartbeat`), which pages when it stops arriving.',
    impact: 'None while it fires. If the dead man\'s switch pages, alerting is broken and no other alert will reach you.',
    diagnosis: [
      'If the dead man\'s switch paged: check that Prometheus and Alertmanager pods run and that Prometheus reaches Alertmanager (Status → Runtime → Alertmanagers).',
      'Check AlertmanagerNotificationsFailing for the `webhook` integration and the heartbeat credentials Secret.',
    ],
    mitigation: ['Never silence this alert. Restore Prometheus, Alertmanager or the heartbeat credentials.'],
  },
  [ALERTS.maintenanceMode]: {
    meaning: 'The platform reports planned maintenance (`immigration_ai_maintenance_mode == 1`).',
    impact: 'Every other alert except Watchdog is inhibited while it fires: real problems are not notified.',
    diagnosis: ['Confirm a maintenance window is planned. If not, someone left maintenance mode on.'],
    mitigation: ['Switch maintenance mode off as soon as the maintenance ends.'],
  },
  [ALERTS.prometheusRuleEvaluationFailures]: {
    meaning: 'Prometheus fails to evaluate some rules (label `rule_group`).',
    impact: 'Alerts and recordings of that group are not computed: alerts may silently not fire.',
    diagnosis: ['Prometheus → Status → Rules shows the failing rule and its error.', 'Common causes: many-to-many matching, out-of-order samples, query timeouts.'],
    mitigation: ['Fix the rule in alert-rules/, regenerate dist/ and redeploy.'],
  },
  [ALERTS.prometheusNotificationsFailing]: {
    meaning: 'Prometheus cannot deliver alerts to Alertmanager.',
    impact: 'Firing alerts do not reach anyone.',
    diagnosis: ['Check that Alertmanager pods run and that its Service resolves from Prometheus.', 'Read Prometheus\' logs for `Error sending alert`.'],
    mitigation: ['Restore Alertmanager or the network path (NetworkPolicy, Service, DNS).'],
  },
  [ALERTS.prometheusConfigReloadFailed]: {
    meaning: 'Prometheus could not load its latest configuration and keeps running the previous one.',
    impact: 'Changes (new rules, targets) are not applied.',
    diagnosis: ['Read Prometheus\' logs for `Error reloading config`.', 'Run `promtool check config` on the deployed file.'],
    mitigation: ['Fix the configuration, regenerate dist/ and redeploy.'],
  },
  [ALERTS.alertmanagerConfigReloadFailed]: {
    meaning: 'Alertmanager could not load its latest configuration and keeps running the previous one.',
    impact: 'Routing or receiver changes are not applied; a missing Secret file can also break it.',
    diagnosis: ['Read Alertmanager\'s logs for `Loading configuration file failed`.', 'Run `amtool check-config` on the deployed file; check the mounted Secrets exist.'],
    mitigation: ['Fix the configuration or create the missing Secret, then reload.'],
  },
  [ALERTS.alertmanagerNotificationsFailing]: {
    meaning: 'Alertmanager fails to deliver notifications through one integration (label `integration`: email, slack, webhook).',
    impact: 'People on that channel are not told about alerts.',
    diagnosis: [
      'Read Alertmanager\'s logs for `Notify for alerts failed`.',
      'email: SMTP credentials (Secret `alertmanager-smtp`); slack: webhook URL (Secret `alertmanager-slack`); webhook: SMS bridge or heartbeat service.',
    ],
    mitigation: ['Fix the credentials or the receiving service; the other channels still deliver meanwhile.'],
  },
};
