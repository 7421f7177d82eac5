import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { REPORTS } from '../contract/components.js';
import type { EmailChannel, SlackChannel } from '../contract/config/index.js';
import { IMAGE_COMMANDS, IMAGE_UID } from '../contract/image.js';
import { EXPORTER_CONFIGMAP } from './exporter-config.js';
import { type ChartContext, PART_OF } from './lib/labels.js';
import { COMPONENT_BUDGET, configChecksums, container, emit, type IEnvVar, meta, podTemplate, serviceAccount } from './lib/workload.js';

/** The scheduled work of the product spec: the daily report at 06:00 and the weekly review on Monday 09:00 (UTC). */
export const REPORT_SCHEDULES = [
  { period: 'daily', schedule: '0 6 * * *' },
  { period: 'weekly', schedule: '0 9 * * 1' },
] as const;

const SECRET_DIR = '/etc/report/secrets';

export interface ReportsProps {
  image: string;
  prometheusUrl: string;
  email: EmailChannel;
  slack: SlackChannel;
  /** The exporter ConfigMap's data, which the reports read too (`envFrom`). */
  exporterConfig: Record<string, string>;
}

/** Where the report sends to: SMTP settings and the Secrets it reads as files (the same Alertmanager reads). */
function deliveryEnv(email: EmailChannel, slack: SlackChannel): IEnvVar[] {
  const smtpAuth = email.enabled && email.username !== '';
  return [
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
          { name: 'SMTP_PASSWORD_FILE', value: `${SECRET_DIR}/${email.passwordSecret.name}/${email.passwordSecret.key}` },
        ]
      : []),
    ...(slack.enabled ? [{ name: 'SLACK_WEBHOOK_URL_FILE', value: `${SECRET_DIR}/${slack.webhookUrlSecret.name}/${slack.webhookUrlSecret.key}` }] : []),
  ];
}

export class ReportsChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: ReportsProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = REPORTS.name;
    const { email, slack } = props;
    serviceAccount(this, ctx, c, c);
    const secrets = [...(email.enabled && email.username !== '' ? [email.passwordSecret] : []), ...(slack.enabled ? [slack.webhookUrlSecret] : [])];
    const secretNames = [...new Set(secrets.map((s) => s.name))].sort();
    const delivery = [...(slack.enabled ? ['--slack'] : []), ...(email.enabled ? ['--email'] : [])];
    for (const { period, schedule } of REPORT_SCHEDULES) {
      const name = `immigration-ai-${period}-report`;
      const pod = podTemplate(ctx, {
        component: c,
        serviceAccountName: c,
        uid: IMAGE_UID,
        labels: { 'immigration-ai/report': period },
        annotations: configChecksums({ [EXPORTER_CONFIGMAP]: props.exporterConfig }),
        restartPolicy: 'OnFailure',
        containers: [
          container({
            name: 'report',
            image: props.image,
            command: [...IMAGE_COMMANDS.report],
            args: ['--period', period, '--prometheus', props.prometheusUrl, ...delivery],
            envFrom: [{ configMapRef: { name: EXPORTER_CONFIGMAP } }],
            env: deliveryEnv(email, slack),
            resources: COMPONENT_BUDGET,
            volumeMounts: [
              { name: 'tmp', mountPath: '/tmp' },
              ...secretNames.map((n) => ({ name: `secret-${n}`, mountPath: `${SECRET_DIR}/${n}`, readOnly: true })),
            ],
          }),
        ],
        volumes: [
          { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
          ...secretNames.map((n) => ({ name: `secret-${n}`, secret: { secretName: n } })),
        ],
      });
      emit(this, name, {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: meta(ctx, c, name, ctx.namespace, { labels: { 'app.kubernetes.io/part-of': PART_OF } }),
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
