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
      'Either the newest backup run failed or did not pass verification (`reason="verification_failed"`, until a later run passes), or the newest verified backup is older than the configured age (`reason="backup_too_old"`; an age of decades means no verified run was ever recorded). Both come from the backup job\'s own record (table `backup_runs`), read by the exporter: an app restart or a replica that never ran a backup cannot raise it.',
    impact: 'No restorable backup: data written since the last good backup could be lost in a disaster.',
    diagnosis: [
      'See the record: `SELECT started_at, finished_at, verified, details FROM backup_runs ORDER BY finished_at DESC LIMIT 5;` (the `details` of a failed run say what failed).',
      'Read the backup job\'s logs for the last run and its verification step; check that the job is scheduled and ran (CronJob history, `kubectl get jobs`).',
      'Check the backup storage: credentials, free space, retention policy.',
      'If the record itself is missing (the "Last verified backup" panel shows no data), the exporter cannot read `backup_runs`: read its logs for `business query backupLastSuccess`.',
    ],
    mitigation: ['Fix the cause and run a backup manually, then verify it restores.', 'Keep the alert open until a verified backup exists.'],
  },
  [ALERTS.exporterDown]: {
    meaning:
      'Critical: Prometheus cannot scrape any replica of the immigration-ai exporter, or finds no exporter target at all. Warning: some replicas (production runs two) do not answer while the others do.',
    impact:
      'Critical: database, storage, business and maintenance metrics are missing, so their alerts cannot fire: you are blind on the platform. Warning: nothing is missing yet (every replica publishes every metric), but one more failure makes it critical.',
    diagnosis: [
      `\`kubectl -n ${NS} get pods -l app.kubernetes.io/name=immigration-ai-exporter\` and its logs.`,
      'Open Prometheus → Status → Targets and read the scrape error of job `immigration-ai-exporter`.',
      'If the target is missing, check the Service and the scrape configuration (service discovery).',
    ],
    mitigation: ['Restart the exporter deployment; roll back its last change if it crashes on start.'],
  },
  [ALERTS.appDown]: {
    meaning:
      'Critical: no target of job `immigration-ai` (the app\'s pods, found through the scrape annotations of its Services) answers Prometheus, or service discovery finds none at all. Warning: at least one pod does not answer while others may.',
    impact:
      'Critical: the platform is down or unreachable for every user, and the per-endpoint and SLO alerts are silent because they need the app\'s own series. Warning: fewer pods serve; users may see slower answers, and one more failure may take the platform down.',
    diagnosis: [
      'Open Prometheus → Status → Targets, job `immigration-ai`: the scrape error (connection refused, timeout, 5xx on /metrics) or no target at all.',
      '`kubectl -n immigration-ai get pods -o wide`: crash loops, pending pods, failed probes; `kubectl -n immigration-ai describe pod <pod>` and its previous logs (`kubectl logs --previous`).',
      'No target at all: check the app\'s Deployment and Service, its `prometheus.io/scrape` annotation, and whether a rollout or scale-down removed every pod.',
      'Targets down but users fine: the metrics port or path changed, or a NetworkPolicy in the app\'s namespace blocks Prometheus.',
    ],
    mitigation: [
      'Roll back the last deployment if the pods crash since a rollout (`kubectl -n immigration-ai rollout undo deployment/<app>`).',
      'Scale the app back up, or fix what keeps pods from starting (image, Secret, resources, node capacity).',
      'Tell users through the status page while the app is down.',
    ],
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
    meaning:
      'One endpoint (`method`, `route`) answers more than the warning (default 5%) or critical (default 10%) share of its requests with 5xx over 5 minutes, and failed at least 5 requests in the last hour (the low-traffic guard, `alerting.lowTraffic`). A busy endpoint meets the guard within seconds; an endpoint at 1 request a minute failing half of them pages about 13 minutes in, while one to four failed requests an hour never page. The table below has each environment\'s values.',
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
    meaning:
      'The average response time of one endpoint over 5 minutes is above the threshold (2 s by default) for 15 minutes, on an endpoint that served at least 30 requests in the last hour (the low-traffic guard: fewer are too few to judge a mean by). One slow request among many never lasts the 15 minutes.',
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
    diagnosis: [
      'Confirm a maintenance window is planned. If not, someone left maintenance mode on.',
      `The toggle: \`kubectl -n ${NS} get configmap immigration-ai-exporter-maintenance -o jsonpath='{.data.maintenance-mode}'\` (or \`MAINTENANCE_MODE\` on the exporter Deployment). ImmigrationAiMaintenanceTooLong warns after 4 hours.`,
    ],
    mitigation: [`Switch it off as soon as the maintenance ends: \`kubectl -n ${NS} patch configmap immigration-ai-exporter-maintenance --type merge -p '{"data":{"maintenance-mode":"off"}}'\`.`],
  },
  [ALERTS.maintenanceTooLong]: {
    meaning:
      'The exporter has reported maintenance mode for longer than `alerting.maintenanceMaxHours` (4 hours by default). While it is on, every other alert except Watchdog is inhibited; this warning is the one exception.',
    impact: 'Real problems are not notified: a forgotten maintenance mode silences the whole platform\'s alerting.',
    diagnosis: [
      'Ask in the team channel whether a maintenance window is still running.',
      `\`kubectl -n ${NS} get configmap immigration-ai-exporter-maintenance -o jsonpath='{.data.maintenance-mode}'\`, and \`exporter.maintenanceMode\` in the config; \`MAINTENANCE_MODE\` on the exporter Deployment.`,
    ],
    mitigation: [
      `End it: \`kubectl -n ${NS} patch configmap immigration-ai-exporter-maintenance --type merge -p '{"data":{"maintenance-mode":"off"}}'\` (and \`exporter.maintenanceMode: false\` where GitOps applies the config); the exporter picks it up within about a minute.`,
      'If the maintenance really lasts longer, silence this alert in Alertmanager for the planned remainder rather than raising the limit.',
    ],
  },
  [ALERTS.notificationsDropped]: {
    meaning:
      'The SMS bridge did not send some page notifications in the last hour (label `reason`). `rate_limited`: the hourly cap (`suppression.maxAlertsPerHour`, default 10 delivered notifications per sliding hour; failed sends do not count) was reached. `not_configured`: the bridge has no Twilio credentials or no `SMS_TO` numbers.',
    impact:
      'Pages still reach email and Slack (they are not capped), but nobody is texted: whoever relies on SMS, typically at night, is not woken until the hour rolls over (`rate_limited`) or the bridge is fixed (`not_configured`).',
    diagnosis: [
      'Look at what is paging: the critical alerts firing now (System Overview, "Alerts firing now"). A storm of distinct alert names each takes an SMS.',
      `\`kubectl -n ${NS} logs deploy/immigration-ai-sms-bridge\`: "max_alerts_per_hour reached" or "sms bridge not configured" with the missing settings.`,
      'The "Notifications" row of System Overview shows pages dropped and notifications sent per channel.',
    ],
    mitigation: [
      'Call the on-call person if pages are firing and they may be asleep; handle the storm from email or Slack.',
      '`not_configured`: create or fix the Secret `sms-bridge-twilio` (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, SMS_TO), then restart the bridge.',
      'If the cap is too low for real incidents, raise `suppression.maxAlertsPerHour`; if one noisy alert eats it, fix or suppress that alert.',
    ],
  },
  [ALERTS.smsDeliveryFailing]: {
    meaning:
      'The SMS bridge tried to text pages in the last 10 minutes, every attempt failed (Twilio answered an error or nothing within `TWILIO_TIMEOUT_MS`), and no SMS was delivered since.',
    impact:
      'Nobody is texted while it lasts. Pages are not lost: the bridge answers Alertmanager 502, so Alertmanager keeps retrying them and they go out once Twilio answers again, and the failed attempts do not use up the hourly SMS cap. Meanwhile pages reach email and Slack only.',
    diagnosis: [
      `\`kubectl -n ${NS} logs deploy/immigration-ai-sms-bridge\`: "sms send failed with error: …" says why: \`Twilio answered HTTP 401 (error 20003)\` (credentials), \`HTTP 4xx\` with a Twilio error code (numbers, account), \`HTTP 5xx\` (Twilio outage), \`no answer from Twilio within TWILIO_TIMEOUT_MS\` or \`cannot reach Twilio\` (network, egress NetworkPolicy, DNS).`,
      'Twilio\'s status page (status.twilio.com) for an outage.',
    ],
    mitigation: [
      'Call the on-call person if pages are firing and they may be asleep; handle them from email or Slack.',
      'Credentials or numbers: fix the Secret `sms-bridge-twilio` (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, SMS_TO) and restart the bridge.',
      'A Twilio outage needs nothing from you: the alert resolves at the first delivered SMS, and the held pages follow.',
    ],
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
