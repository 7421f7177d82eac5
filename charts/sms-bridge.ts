import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { SMS_BRIDGE } from '../contract/components.js';
import { IMAGE_COMMANDS, IMAGE_UID } from '../contract/image.js';
import { SMS_SECRET_KEYS } from '../contract/secrets.js';
import type { SecretKeyRef } from '../contract/config/index.js';
import type { ChartContext } from './lib/labels.js';
import { COMPONENT_BUDGET, container, deployment, httpProbe, namedPort, podTemplate, service, serviceAccount } from './lib/workload.js';

const SECRET_DIR = '/etc/sms-bridge/twilio';
const WEBHOOK_SECRET_DIR = '/etc/sms-bridge/webhook';

export interface SmsBridgeProps {
  image: string;
  /** The Twilio Secret (account SID, auth token, numbers). */
  credentialsSecret: string;
  maxAlertsPerHour: number;
  /** Where the bridge pushes its own logs (Loki's push API); empty: stdout only. */
  lokiUrl: string;
  /** The shared secret Alertmanager presents on POST /alerts (Bearer), if one is configured. */
  webhookCredentialsSecret?: SecretKeyRef;
}

/**
 * The SMS bridge: Alertmanager's `critical` receiver posts to it and the bridge sends SMS through
 * Twilio, at most `max_alerts_per_hour`. One replica on purpose: the hourly cap is counted in the
 * process, and two replicas would each allow the full cap.
 */
export class SmsBridgeChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: SmsBridgeProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = SMS_BRIDGE.name;
    const webhook = props.webhookCredentialsSecret;
    serviceAccount(this, ctx, c, c);
    const template = podTemplate(ctx, {
      component: c,
      serviceAccountName: c,
      uid: IMAGE_UID,
      containers: [
        container({
          name: 'sms-bridge',
          image: props.image,
          command: [...IMAGE_COMMANDS.smsBridge],
          env: [
            { name: 'PORT', value: String(SMS_BRIDGE.port) },
            { name: 'MAX_ALERTS_PER_HOUR', value: String(props.maxAlertsPerHour) },
            ...(props.lokiUrl !== '' ? [{ name: 'LOKI_URL', value: props.lokiUrl }] : []),
            // Credentials and numbers are read from the mounted Secret, never from the environment.
            ...SMS_SECRET_KEYS.map((k) => ({ name: `${k}_FILE`, value: `${SECRET_DIR}/${k}` })),
            ...(webhook ? [{ name: 'ALERTS_CREDENTIALS_FILE', value: `${WEBHOOK_SECRET_DIR}/${webhook.key}` }] : []),
          ],
          ports: [{ name: SMS_BRIDGE.portName, containerPort: SMS_BRIDGE.port }],
          resources: COMPONENT_BUDGET,
          readinessProbe: httpProbe('/healthz', SMS_BRIDGE.portName),
          livenessProbe: httpProbe('/healthz', SMS_BRIDGE.portName, { period: 20, failures: 6 }),
          volumeMounts: [
            { name: 'twilio', mountPath: SECRET_DIR, readOnly: true },
            ...(webhook ? [{ name: 'webhook', mountPath: WEBHOOK_SECRET_DIR, readOnly: true }] : []),
            { name: 'tmp', mountPath: '/tmp' },
          ],
        }),
      ],
      volumes: [
        { name: 'twilio', secret: { secretName: props.credentialsSecret } },
        ...(webhook ? [{ name: 'webhook', secret: { secretName: webhook.name, items: [{ key: webhook.key, path: webhook.key }] } }] : []),
        { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
      ],
    });
    deployment(this, ctx, c, { replicas: 1, template, strategy: 'Recreate' });
    service(this, ctx, c, c, [namedPort(SMS_BRIDGE.portName, SMS_BRIDGE.port)]);
  }
}
