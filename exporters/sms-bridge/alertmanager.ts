/** Alertmanager's webhook payload (version 4) and the SMS text made from it. */

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  fingerprint?: string;
}

export interface WebhookPayload {
  version: string;
  groupKey: string;
  truncatedAlerts?: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

/** Validates a parsed body; returns the payload or a reason it is not one. */
export function parseWebhook(body: unknown): WebhookPayload | string {
  if (!body || typeof body !== 'object') return 'body is not a JSON object';
  const b = body as Partial<WebhookPayload>;
  if (b.version !== '4') return `unsupported webhook version ${JSON.stringify(b.version)} (expected "4")`;
  if (b.status !== 'firing' && b.status !== 'resolved') return 'status must be firing or resolved';
  if (!Array.isArray(b.alerts)) return 'alerts must be an array';
  for (const a of b.alerts) {
    if (!a || typeof a !== 'object' || typeof a.labels !== 'object' || a.labels === null) return 'every alert needs labels';
  }
  return { groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: '', groupKey: '', receiver: '', ...b } as WebhookPayload;
}

/**
 * One SMS for one notification: "[FIRING:2] DatabaseDown (critical, production): Database is
 * unreachable." then the other alerts' summaries, cut to `maxLength`. Only the static summary
 * (never the templated description) goes out, so no label value can smuggle data into an SMS.
 */
export function smsText(p: WebhookPayload, maxLength: number): string {
  const firing = p.alerts.filter((a) => a.status === 'firing').length;
  const head = p.status === 'firing' ? `[FIRING:${firing}]` : '[RESOLVED]';
  const name = p.commonLabels.alertname ?? p.groupLabels.alertname ?? p.alerts[0]?.labels.alertname ?? 'alert';
  const ctx = [p.commonLabels.severity, p.commonLabels.environment ?? p.commonLabels.env].filter(Boolean).join(', ');
  const perAlert = p.alerts.map((a) => a.annotations?.summary ?? p.commonAnnotations.summary);
  const summaries = [...new Set(perAlert.length > 0 ? perAlert : [p.commonAnnotations.summary])].filter((s): s is string => Boolean(s));
  let text = `${head} ${name}${ctx ? ` (${ctx})` : ''}`;
  if (summaries.length > 0) text += `: ${summaries.join(' | ')}`;
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
