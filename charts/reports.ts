import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { MonitoringConfig } from '../contract/config/index.js';
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
    const secretDir = '/etc/report/secrets';
    const smtpAuth = email.enabled && email.username !== '';
    // The same Secrets Alertmanager reads, mounted as files (the report reads `*_FILE`).
    const secrets = [...(smtpAuth ? [email.passwordSecret] : []), ...(slack.enabled ? [slack.webhookUrlSecret] : [])];
    const env = [
      ...(email.enabled
        ? [
            { name: 'SMTP_SERVER', value: email.smtpServer },
            { name: 'SMTP_PORT', value: String(email.smtpPort) },
            { name: 'SMTP_TLS', value: email.requireTls ? 'required' : 'opportunistic' },
            { name: 'REPORT_EMAIL_FROM', value: email.from },
            { name: 'REPORT_EMAIL_TO', value: email.to.join(',') },
          ]
        : []),
      ...(smtpAuth
        ? [
            { name: 'SMTP_USERNAME', value: email.username },
            { name: 'SMTP_PASSWORD_FILE', value: `${secretDir}/${email.passwordSecret.name}/${email.passwordSecret.key}` },
          ]
        : []),
      ...(slack.enabled ? [{ name: 'SLACK_WEBHOOK_URL_FILE', value: `${secretDir}/${slack.webhookUrlSecret.name}/${slack.webhookUrlSecret.key}` }] : []),
    ];
    const secretNames = [...new Set(secrets.map((s) => s.name))].sort();
    const delivery = [...(slack.enabled ? ['--slack'] : []), ...(email.enabled ? ['--email'] : [])];
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
            args: ['--period', period, '--prometheus', prometheusUrl(config), ...delivery],
            envFrom: [{ configMapRef: { name: EXPORTER_CONFIGMAP } }],
            env,
            resources: SEED_BUDGET,
            volumeMounts: [
              { name: 'tmp', mountPath: '/tmp' },
              ...secretNames.map((n) => ({ name: `secret-${n}`, mountPath: `${secretDir}/${n}`, readOnly: true })),
            ],
          }),
        ],
        volumes: [
          { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
          ...secretNames.map((n) => ({ name: `secret-${n}`, secret: { secretName: n } })),
        ],
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
