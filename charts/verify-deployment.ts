/**
 * Deployment verification after each release of the app: one pod of the project's image runs
 * `verify` against the app's own Service (health endpoint, then metrics) and ends with its exit
 * code, so whatever started it (Argo CD, Flux, a pipeline's kubectl) fails when the app does.
 *
 * Two ways to start the same pod:
 * - the Job of `verify-deployment/` (its own folder, applied with the app, not with the stack): an
 *   Argo CD PostSync hook, or a Flux Kustomization with `force` and `wait`;
 * - the suspended CronJob of the stack (never scheduled): a pipeline runs
 *   `kubectl create job <name> --from=cronjob/immigration-ai-verify-deployment` and needs no manifest.
 */
import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { VERIFY_DEPLOYMENT } from '../contract/components.js';
import type { SlackChannel } from '../contract/config/index.js';
import { IMAGE_COMMANDS, IMAGE_UID } from '../contract/image.js';
import type { IJobSpec } from 'kubernetes-models/batch/v1/JobSpec';
import { type ChartContext, PART_OF } from './lib/labels.js';
import { COMPONENT_BUDGET, container, emit, meta, podTemplate, serviceAccount } from './lib/workload.js';

const SECRET_DIR = '/etc/verify/secrets';
/** Between health attempts: the guide's 10 s, shorter for short deadlines (ten attempts at least). */
const intervalFor = (timeoutSeconds: number): number => Math.min(10, Math.max(1, Math.floor(timeoutSeconds / 10)));

export interface VerifyDeploymentProps {
  image: string;
  /** `http://<app Service>.<app namespace>.svc:<port>` */
  appUrl: string;
  healthPath: string;
  metricsPath: string;
  timeoutSeconds: number;
  slack: SlackChannel;
}

/** The Job's spec: one attempt (verify retries inside its deadline; a second pod would report twice), bounded, cleaned up after a day. */
function jobSpec(ctx: ChartContext, props: VerifyDeploymentProps): IJobSpec {
  const c = VERIFY_DEPLOYMENT.name;
  const { slack } = props;
  const webhook = slack.webhookUrlSecret;
  const template = podTemplate(ctx, {
    component: c,
    serviceAccountName: c,
    uid: IMAGE_UID,
    restartPolicy: 'Never',
    containers: [
      container({
        name: 'verify',
        image: props.image,
        command: [...IMAGE_COMMANDS.verify],
        args: [
          '--url', props.appUrl,
          '--health-path', props.healthPath,
          '--metrics-path', props.metricsPath,
          '--timeout', String(props.timeoutSeconds),
          '--interval', String(intervalFor(props.timeoutSeconds)),
          ...(slack.enabled ? ['--slack'] : []),
        ],
        env: slack.enabled ? [{ name: 'SLACK_WEBHOOK_URL_FILE', value: `${SECRET_DIR}/${webhook.name}/${webhook.key}` }] : [],
        resources: COMPONENT_BUDGET,
        volumeMounts: [
          { name: 'tmp', mountPath: '/tmp' },
          ...(slack.enabled ? [{ name: 'slack', mountPath: `${SECRET_DIR}/${webhook.name}`, readOnly: true }] : []),
        ],
      }),
    ],
    volumes: [
      { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
      ...(slack.enabled ? [{ name: 'slack', secret: { secretName: webhook.name } }] : []),
    ],
  });
  return {
    backoffLimit: 0,
    // Past verify's own deadline by the time an image pull and a Slack post may take.
    activeDeadlineSeconds: props.timeoutSeconds + 120,
    ttlSecondsAfterFinished: 86400,
    template,
  };
}

/** In the stack: the ServiceAccount and the suspended CronJob pipelines create Jobs from. */
export class VerifyDeploymentChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: VerifyDeploymentProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = VERIFY_DEPLOYMENT.name;
    serviceAccount(this, ctx, c, c);
    emit(this, 'cronjob', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta(ctx, c, c, ctx.namespace, {
        labels: { 'app.kubernetes.io/part-of': PART_OF },
        annotations: { 'immigration-ai/usage': `never scheduled: kubectl create job <name> --from=cronjob/${c}` },
      }),
      spec: {
        // A template only: suspended, so the schedule never fires.
        suspend: true,
        schedule: '0 0 1 1 *',
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: { spec: jobSpec(ctx, props) },
      },
    });
  }
}

/** In `verify-deployment/`: the Job as an Argo CD PostSync hook (re-created at every sync, kept until the next for its logs). */
export class VerifyDeploymentHookChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: VerifyDeploymentProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = VERIFY_DEPLOYMENT.name;
    emit(this, 'job', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta(ctx, c, c, ctx.namespace, {
        labels: { 'app.kubernetes.io/part-of': PART_OF },
        annotations: {
          'argocd.argoproj.io/hook': 'PostSync',
          'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
        },
      }),
      spec: jobSpec(ctx, props),
    });
  }
}
