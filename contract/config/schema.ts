import type { JSONSchemaType } from 'ajv';
import { ALL_ENVIRONMENT_NAMES, type MonitoringConfig, type SecretKeyRef } from './types.js';

// Typed with JSONSchemaType so the compiler keeps this schema and the MonitoringConfig type in step.

const ratio = { type: 'number', exclusiveMinimum: 0, maximum: 1 } as const;
const positiveNumber = { type: 'number', exclusiveMinimum: 0 } as const;
const positiveInteger = { type: 'integer', minimum: 1 } as const;
const k8sName = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 } as const;

const secretKeyRef: JSONSchemaType<SecretKeyRef> = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'key'],
  properties: { name: k8sName, key: { type: 'string', pattern: '^[-._a-zA-Z0-9]+$' } },
};

const emailList = { type: 'array', items: { type: 'string', format: 'email' } } as const;
/**
 * Sign-in identities: lower-case addresses of plain characters, unique. They are written into
 * Grafana's role expression (a JMESPath string literal in grafana.ini), where a quote, a `#` or a
 * `;` would change its meaning.
 */
const loginList = { type: 'array', uniqueItems: true, items: { type: 'string', format: 'email', pattern: '^[a-z0-9._%+-]+@[a-z0-9.-]+$' } } as const;
const httpsUrl = { type: 'string', format: 'uri', pattern: '^https://' } as const;

export const CONFIG_SCHEMA: JSONSchemaType<MonitoringConfig> = {
  type: 'object',
  additionalProperties: false,
  required: [
    'environment', 'monitoringEnabled', 'namespace', 'cluster', 'healthCheckIntervalSeconds', 'metricsRetentionDays',
    'logRetentionDays', 'scrapeIntervalSeconds', 'evaluationIntervalSeconds', 'alerting', 'exporter', 'channels', 'suppression',
    'security', 'replicas', 'storage', 'images', 'links', 'kubernetes',
  ],
  properties: {
    environment: { type: 'string', enum: [...ALL_ENVIRONMENT_NAMES] },
    monitoringEnabled: { type: 'boolean' },
    namespace: k8sName,
    cluster: { type: 'string', minLength: 1 },
    healthCheckIntervalSeconds: positiveInteger,
    metricsRetentionDays: positiveInteger,
    logRetentionDays: positiveInteger,
    scrapeIntervalSeconds: positiveInteger,
    evaluationIntervalSeconds: positiveInteger,
    alerting: {
      type: 'object',
      additionalProperties: false,
      required: ['thresholds', 'criticalForSeconds', 'warningForSeconds', 'rateWindowSeconds', 'routing', 'lowTraffic', 'backupMaxAgeHours', 'maintenanceMaxHours', 'slo'],
      properties: {
        thresholds: {
          type: 'object',
          additionalProperties: false,
          required: ['critical', 'warning'],
          properties: {
            critical: {
              type: 'object',
              additionalProperties: false,
              required: ['errorRateRatio', 'cpuUsageRatio', 'memoryUsageRatio', 'diskUsageRatio', 'unauthorizedAttemptsPerSecond'],
              properties: {
                errorRateRatio: ratio,
                cpuUsageRatio: ratio,
                memoryUsageRatio: ratio,
                diskUsageRatio: ratio,
                unauthorizedAttemptsPerSecond: positiveNumber,
              },
            },
            warning: {
              type: 'object',
              additionalProperties: false,
              required: ['databaseResponseSeconds', 'errorRateRatio', 'cpuUsageRatio', 'memoryUsageRatio', 'apiResponseSeconds', 'diskUsageRatio', 'diskFullWithinHours'],
              properties: {
                databaseResponseSeconds: positiveNumber,
                errorRateRatio: ratio,
                cpuUsageRatio: ratio,
                memoryUsageRatio: ratio,
                apiResponseSeconds: positiveNumber,
                diskUsageRatio: ratio,
                diskFullWithinHours: positiveNumber,
              },
            },
          },
        },
        criticalForSeconds: { type: 'integer', minimum: 0, maximum: 120 },
        warningForSeconds: { type: 'integer', minimum: 0 },
        // At least a few scrapes per window, or rate() sees too few samples.
        rateWindowSeconds: { type: 'integer', minimum: 5 },
        routing: {
          type: 'object',
          additionalProperties: false,
          required: ['groupWaitSeconds', 'criticalGroupWaitSeconds', 'heartbeatGroupIntervalSeconds'],
          properties: {
            // Fractions allowed (Alertmanager takes milliseconds): see the local environment.
            groupWaitSeconds: { type: 'number', minimum: 0 },
            criticalGroupWaitSeconds: { type: 'number', minimum: 0 },
            groupIntervalSeconds: { type: 'integer', minimum: 1, nullable: true },
            heartbeatGroupIntervalSeconds: { type: 'integer', minimum: 1 },
          },
        },
        lowTraffic: {
          type: 'object',
          additionalProperties: false,
          required: ['windowSeconds', 'minFailedRequests', 'minRequests'],
          properties: {
            windowSeconds: { type: 'integer', minimum: 5 },
            minFailedRequests: positiveInteger,
            minRequests: positiveInteger,
          },
        },
        backupMaxAgeHours: positiveNumber,
        maintenanceMaxHours: positiveNumber,
        slo: {
          type: 'object',
          additionalProperties: false,
          required: ['availabilityObjective', 'latencyObjective', 'latencyThresholdSeconds'],
          properties: {
            availabilityObjective: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
            latencyObjective: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
            latencyThresholdSeconds: positiveNumber,
          },
        },
      },
    },
    exporter: {
      type: 'object',
      additionalProperties: false,
      required: ['storage', 'maintenanceMode'],
      properties: {
        storage: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'directory', 's3'],
          properties: {
            kind: { type: 'string', enum: ['none', 'directory', 's3'] },
            directory: {
              type: 'object',
              additionalProperties: false,
              required: ['claimName', 'mountPath'],
              properties: { claimName: k8sName, mountPath: { type: 'string', pattern: '^/[^\\s]*[^/\\s]$' } },
            },
            s3: {
              type: 'object',
              additionalProperties: false,
              required: ['endpoint', 'buckets', 'region'],
              properties: {
                endpoint: { type: 'string', format: 'uri', pattern: '^https?://[^/?#]+/?$' },
                // The exporter's bucket-name rule: bucket names become label values.
                buckets: { type: 'array', uniqueItems: true, maxItems: 100, items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$' } },
                region: { type: 'string', pattern: '^[a-z0-9-]+$' },
              },
            },
          },
        },
        maintenanceMode: { type: 'boolean' },
      },
    },
    channels: {
      type: 'object',
      additionalProperties: false,
      required: ['email', 'slack', 'sms', 'heartbeat'],
      properties: {
        email: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled', 'smtpServer', 'smtpPort', 'requireTls', 'from', 'to', 'username', 'passwordSecret'],
          properties: {
            enabled: { type: 'boolean' },
            smtpServer: { type: 'string', format: 'hostname' },
            smtpPort: { type: 'integer', minimum: 1, maximum: 65535 },
            requireTls: { type: 'boolean' },
            from: { type: 'string', format: 'email' },
            to: emailList,
            username: { type: 'string' },
            passwordSecret: secretKeyRef,
          },
        },
        slack: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled', 'channel', 'username', 'iconEmoji', 'webhookUrlSecret'],
          properties: {
            enabled: { type: 'boolean' },
            channel: { type: 'string', pattern: '^[#@][-_a-z0-9.]+$' },
            username: { type: 'string', minLength: 1 },
            iconEmoji: { type: 'string', pattern: '^:[-_+a-z0-9]+:$' },
            webhookUrlSecret: secretKeyRef,
          },
        },
        sms: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled', 'provider', 'credentialsSecret', 'bridgeUrl'],
          properties: {
            enabled: { type: 'boolean' },
            provider: { type: 'string', const: 'twilio' },
            credentialsSecret: k8sName,
            bridgeUrl: { type: 'string', format: 'uri', pattern: '^https?://' },
            webhookCredentialsSecret: { ...secretKeyRef, nullable: true },
          },
        },
        heartbeat: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled', 'url', 'authorizationType', 'credentialsSecret', 'repeatIntervalSeconds'],
          properties: {
            enabled: { type: 'boolean' },
            url: { type: 'string', format: 'uri', pattern: '^https?://' },
            // Alertmanager refuses `Basic` here (it has basic_auth for that).
            authorizationType: { type: 'string', pattern: '^(?![Bb][Aa][Ss][Ii][Cc]$)[A-Za-z][-A-Za-z0-9]*$' },
            credentialsSecret: secretKeyRef,
            repeatIntervalSeconds: positiveInteger,
          },
        },
      },
    },
    suppression: {
      type: 'object',
      additionalProperties: false,
      required: ['cooldownMinutes', 'maxAlertsPerHour', 'maintenanceMode', 'suppressedAlertTypes'],
      properties: {
        cooldownMinutes: positiveInteger,
        maxAlertsPerHour: positiveInteger,
        maintenanceMode: { type: 'boolean' },
        suppressedAlertTypes: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[A-Z][A-Za-z0-9]*$' } },
      },
    },
    security: {
      type: 'object',
      additionalProperties: false,
      required: ['tls', 'adminUsers', 'readOnlyUsers', 'ldap', 'oauth'],
      properties: {
        tls: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled', 'host', 'secretName'],
          properties: { enabled: { type: 'boolean' }, host: { type: 'string', format: 'hostname' }, secretName: k8sName },
        },
        adminUsers: loginList,
        readOnlyUsers: loginList,
        ldap: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled', 'secretName'],
          properties: { enabled: { type: 'boolean' }, secretName: k8sName },
        },
        oauth: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled', 'name', 'authUrl', 'tokenUrl', 'apiUrl', 'clientId', 'clientSecret', 'scopes', 'others'],
          properties: {
            enabled: { type: 'boolean' },
            name: { type: 'string', pattern: '^[A-Za-z0-9 ._-]+$' },
            authUrl: httpsUrl,
            tokenUrl: httpsUrl,
            apiUrl: httpsUrl,
            clientId: { type: 'string', pattern: '^[A-Za-z0-9._:@/-]+$' },
            clientSecret: secretKeyRef,
            scopes: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[A-Za-z0-9._:/-]+$' } },
            others: { type: 'string', enum: ['deny', 'viewer'] },
          },
        },
      },
    },
    replicas: {
      type: 'object',
      additionalProperties: false,
      required: ['prometheus', 'alertmanager', 'grafana', 'loki', 'exporter'],
      properties: {
        prometheus: positiveInteger,
        alertmanager: positiveInteger,
        grafana: positiveInteger,
        loki: positiveInteger,
        exporter: positiveInteger,
      },
    },
    storage: {
      type: 'object',
      additionalProperties: false,
      required: ['prometheusGi', 'alertmanagerGi', 'lokiGi', 'grafanaGi'],
      properties: { prometheusGi: positiveInteger, alertmanagerGi: positiveInteger, lokiGi: positiveInteger, grafanaGi: positiveInteger },
    },
    images: {
      type: 'object',
      additionalProperties: false,
      required: ['prometheus', 'alertmanager', 'grafana', 'loki', 'alloy', 'configReloader', 'exporter', 'nodeExporter'],
      properties: {
        // A tag is required so every image is pinned; `latest` is refused by validate.ts.
        prometheus: { type: 'string', pattern: ':[^/]+$' },
        alertmanager: { type: 'string', pattern: ':[^/]+$' },
        grafana: { type: 'string', pattern: ':[^/]+$' },
        loki: { type: 'string', pattern: ':[^/]+$' },
        alloy: { type: 'string', pattern: ':[^/]+$' },
        configReloader: { type: 'string', pattern: ':[^/]+$' },
        exporter: { type: 'string', pattern: ':[^/]+$' },
        nodeExporter: { type: 'string', pattern: ':[^/]+$' },
      },
    },
    links: {
      type: 'object',
      additionalProperties: false,
      required: ['runbookBaseUrl', 'grafanaUrl'],
      properties: {
        runbookBaseUrl: { type: 'string', format: 'uri', pattern: '^https?://[^?#]*[^/?#]$' },
        grafanaUrl: { type: 'string', format: 'uri', pattern: '^https?://[^?#]*[^/?#]$' },
      },
    },
    kubernetes: {
      type: 'object',
      additionalProperties: false,
      required: [
        'appNamespace', 'logCollectorNamespace', 'logFilesGroup', 'nodeExporterNamespace', 'extraWatchedNamespaces', 'kubelet', 'ingressControllerNamespace',
        'ingressClassName', 'operatorReleaseLabel', 'remoteWrite', 'operatorProfile', 'deploymentVerification',
      ],
      properties: {
        appNamespace: k8sName,
        logCollectorNamespace: k8sName,
        logFilesGroup: { type: 'integer', minimum: 0, maximum: 2147483647 },
        nodeExporterNamespace: k8sName,
        extraWatchedNamespaces: { type: 'array', uniqueItems: true, items: k8sName },
        kubelet: {
          type: 'object',
          additionalProperties: false,
          required: ['insecureSkipVerify'],
          properties: { insecureSkipVerify: { type: 'boolean' } },
        },
        ingressControllerNamespace: k8sName,
        ingressClassName: { type: 'string', pattern: '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$' },
        operatorReleaseLabel: { type: 'string', pattern: '^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$', maxLength: 63 },
        remoteWrite: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled', 'url', 'bearerTokenSecret'],
          properties: {
            enabled: { type: 'boolean' },
            url: { type: 'string', format: 'uri', pattern: '^https?://' },
            bearerTokenSecret: secretKeyRef,
          },
        },
        operatorProfile: {
          type: 'object',
          additionalProperties: false,
          required: ['stackNamespace', 'stackDefaultRules', 'logPushUrl'],
          properties: {
            stackNamespace: k8sName,
            stackDefaultRules: { type: 'boolean' },
            // Empty, or an http(s) base URL without path (pino-loki appends /loki/api/v1/push).
            logPushUrl: { type: 'string', pattern: '^(https?://[^/?#\\s]+)?$' },
          },
        },
        deploymentVerification: {
          type: 'object',
          additionalProperties: false,
          required: ['appService', 'port', 'healthPath', 'metricsPath', 'timeoutSeconds'],
          properties: {
            appService: k8sName,
            port: { type: 'integer', minimum: 1, maximum: 65535 },
            healthPath: { type: 'string', pattern: '^/[-A-Za-z0-9._~/]*$' },
            metricsPath: { type: 'string', pattern: '^/[-A-Za-z0-9._~/]*$' },
            timeoutSeconds: { type: 'integer', minimum: 10, maximum: 3600 },
          },
        },
      },
    },
  },
};
