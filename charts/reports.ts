import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { MonitoringConfig } from '../stacks/config/index.js';
import { EXPORTER_CONFIGMAP } from './exporter-config.js';
import { EXPORTER_IMAGE_COMMANDS, NODE_UID } from './exporter-commands.js';
import { PART_OF } from './labels.js';
import { prometheusUrl, REPORTS } from './topology.js';
import { container, emit, meta, podTemplate, SEED_BUDGET, serviceAccount } from './workload.js';

/** The seed's scheduled work: the daily report at 06:00 and the weekly review on Monday 09:00 (UTC). */
export const REPORT_SCHEDULES = [
  { period: 'daily', schedule: '0 6 * * *' },
  { period: 'weekly', schedule: '0 9 * * 1' },
] as const;

export class ReportsChart extends Chart {
  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = REPORTS.name;
    const email = config.channels.email;
    const slack = config.channels.slack;
    serviceAccount(this, config, c, c);
    const env = [
      { name: 'SMTP_SERVER', value: email.smtpServer },
      { name: 'SMTP_PORT', value: String(email.smtpPort) },
      { name: 'SMTP_USERNAME', value: email.username },
      { name: 'ALERT_EMAIL', value: email.enabled ? email.to.join(',') : '' },
      // The same Secrets Alertmanager reads; optional so a channel that is off never blocks the job.
      { name: 'SMTP_PASSWORD', valueFrom: { secretKeyRef: { name: email.passwordSecret.name, key: email.passwordSecret.key, optional: true } } },
      ...(slack.enabled
        ? [{ name: 'SLACK_WEBHOOK_URL', valueFrom: { secretKeyRef: { name: slack.webhookUrlSecret.name, key: slack.webhookUrlSecret.key, optional: true } } }]
        : []),
    ];
    for (const { period, schedule } of REPORT_SCHEDULES) {
      const name = `immigration-ai-${period}-report`;
      const pod = podTemplate(config, {
        component: c,
        serviceAccountName: c,
        uid: NODE_UID,
        containers: [
          container({
            name: 'report',
            image: config.images.exporter,
            command: [...EXPORTER_IMAGE_COMMANDS.report],
            args: ['--period', period, '--prometheus', prometheusUrl(config)],
            envFrom: [{ configMapRef: { name: EXPORTER_CONFIGMAP } }],
            env,
            resources: SEED_BUDGET,
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          }),
        ],
        volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }],
      });
      (pod.spec as Record<string, unknown>).restartPolicy = 'OnFailure';
      (pod.metadata as { labels: Record<string, string> }).labels['immigration-ai/report'] = period;
      emit(this, name, {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: meta(config, c, name, config.namespace, { labels: { 'app.kubernetes.io/part-of': PART_OF } }),
        spec: {
          schedule,
          timeZone: 'Etc/UTC',
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: 3600,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: { spec: { backoffLimit: 2, activeDeadlineSeconds: 900, ttlSecondsAfterFinished: 86400, template: pod } },
        },
      });
    }
  }
}
