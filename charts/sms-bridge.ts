import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { MonitoringConfig } from '../contract/config/index.js';
import { EXPORTER_IMAGE_COMMANDS, NODE_UID } from './exporter-commands.js';
import { selectorLabels } from './labels.js';
import { lokiUrl, SMS_BRIDGE } from './topology.js';
import { container, emit, httpProbe, meta, podTemplate, SEED_BUDGET, service, serviceAccount } from './workload.js';

/** Keys of the Twilio Secret (config.channels.sms.credentialsSecret); phone numbers are personal data, so they live there too. */
export const SMS_SECRET_KEYS = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM', 'SMS_TO'] as const;
const SECRET_DIR = '/etc/sms-bridge/twilio';

/**
 * The SMS bridge: Alertmanager's `critical` receiver posts to http://immigration-ai-sms-bridge:9095/alerts
 * and the bridge sends SMS through Twilio, at most `max_alerts_per_hour`. One replica on purpose:
 * the hourly cap is counted in the process, and two replicas would each allow the full cap.
 */
export class SmsBridgeChart extends Chart {
  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    const c = SMS_BRIDGE.name;
    serviceAccount(this, config, c, c);
    emit(this, 'deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(config, c, c),
      spec: {
        replicas: 1,
        selector: { matchLabels: selectorLabels(c) },
        strategy: { type: 'Recreate' },
        template: podTemplate(config, {
          component: c,
          serviceAccountName: c,
          uid: NODE_UID,
          containers: [
            container({
              name: 'sms-bridge',
              image: config.images.exporter,
              command: [...EXPORTER_IMAGE_COMMANDS.smsBridge],
              env: [
                { name: 'PORT', value: String(SMS_BRIDGE.port) },
                { name: 'MAX_ALERTS_PER_HOUR', value: String(config.suppression.maxAlertsPerHour) },
                { name: 'LOKI_URL', value: lokiUrl(config) },
                // Credentials and numbers are read from the mounted Secret, never from the environment.
                ...SMS_SECRET_KEYS.map((k) => ({ name: `${k}_FILE`, value: `${SECRET_DIR}/${k}` })),
              ],
              ports: [{ name: SMS_BRIDGE.portName, containerPort: SMS_BRIDGE.port }],
              resources: SEED_BUDGET,
              readinessProbe: httpProbe('/healthz', SMS_BRIDGE.portName),
              livenessProbe: httpProbe('/healthz', SMS_BRIDGE.portName, { period: 20, failures: 6 }),
              volumeMounts: [
                { name: 'twilio', mountPath: SECRET_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            }),
          ],
          volumes: [
            { name: 'twilio', secret: { secretName: config.channels.sms.credentialsSecret } },
            { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
          ],
        }),
      },
    });
    service(this, config, c, c, [{ name: SMS_BRIDGE.portName, port: SMS_BRIDGE.port, targetPort: SMS_BRIDGE.portName, protocol: 'TCP' }]);
  }
}
