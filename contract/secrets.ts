/**
 * Kubernetes Secrets the stack reads but never writes (an operator creates them; see
 * docs/operators.md), and where workloads mount them. Secret values never appear in generated
 * output: manifests reference these names, programs read the mounted files (`*_FILE`).
 * Secrets whose name is a setting (SMTP password, Slack webhook, heartbeat, Twilio, TLS, LDAP,
 * remote write) are named in the config defaults instead.
 */

/** DATABASE_URL and, with S3 storage, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY for the exporter. */
export const EXPORTER_SECRET = 'immigration-ai-exporter-secrets';
/** Grafana's first admin. */
export const GRAFANA_ADMIN_SECRET = { name: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' } as const;
/** Only with more than one Grafana replica: a shared PostgreSQL database (key `url`), since SQLite cannot be shared. */
export const GRAFANA_DATABASE_SECRET = { name: 'grafana-database', key: 'url' } as const;
/** The key of the LDAP Secret (`security.ldap.secretName`) holding Grafana's ldap.toml. */
export const GRAFANA_LDAP_KEY = 'ldap.toml';
/** Keys of the Twilio Secret (`channels.sms.credentialsSecret`); phone numbers are personal data, so they live there too. */
export const SMS_SECRET_KEYS = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM', 'SMS_TO'] as const;

/** Alertmanager reads a credential from `<ALERTMANAGER_SECRETS_DIR>/<secret name>/<key>` (`*_file` options). */
export const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';
