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
  for (const k of ['groupLabels', 'commonLabels', 'commonAnnotations'] as const) {
    if (b[k] !== undefined && (b[k] === null || typeof b[k] !== 'object')) return `${k} must be an object`;
  }
  for (const a of b.alerts) {
    if (!a || typeof a !== 'object' || typeof a.labels !== 'object' || a.labels === null) return 'every alert needs labels';
  }
  return { groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: '', groupKey: '', receiver: '', ...b } as WebhookPayload;
}

/**
 * Firing alerts in a notification (send_resolved is off for SMS, but a payload may still list
 * resolved ones), plus those Alertmanager left out of a firing notification (max_alerts).
 */
export const firingCount = (p: WebhookPayload): number => {
  const listed = p.alerts.filter((a) => a.status === 'firing').length;
  const truncated = Number.isInteger(p.truncatedAlerts) && (p.truncatedAlerts as number) > 0 && p.status === 'firing' ? (p.truncatedAlerts as number) : 0;
  return listed + truncated;
};

/** True when a notification has nothing to text: no alerts, or a "firing" notification without a firing alert. */
export const isEmptyNotification = (p: WebhookPayload): boolean => p.alerts.length === 0 || (p.status === 'firing' && !p.alerts.some((a) => a.status === 'firing'));

/**
 * Control characters (C0, DEL, C1) and line/paragraph separators become a space; bidirectional
 * overrides, embeddings, isolates and marks are removed, so a label or annotation cannot reorder
 * or hide what the on-call person reads (Trojan Source style).
 */
const CONTROL = /[\p{Cc}\u2028\u2029]/gu;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

export function plainText(s: string): string {
  return s.replace(BIDI, '').replace(CONTROL, ' ').replace(/ {2,}/g, ' ').trim();
}

/** A payload is untrusted input: a field typed string may hold anything. */
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * `text` cut to at most `maxLength` UTF-16 code units (how Twilio and JavaScript count) with an
 * ellipsis, on a character boundary: never half a surrogate pair or half an emoji sequence.
 */
export function cutText(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  let out = '';
  for (const { segment } of graphemes.segment(text)) {
    if (out.length + segment.length > maxLength - 1) break;
    out += segment;
  }
  return `${out}…`;
}

/**
 * One SMS for one notification: "[FIRING:2] DatabaseDown (critical, production): Database is
 * unreachable." then the other alerts' summaries, cut to `maxLength`. Only the static summary
 * (never the templated description) goes out, so no label value can smuggle data into an SMS;
 * every part is reduced to plain text (see plainText).
 */
export function smsText(p: WebhookPayload, maxLength: number): string {
  const head = p.status === 'firing' ? `[FIRING:${firingCount(p)}]` : '[RESOLVED]';
  const name = plainText(str(p.commonLabels?.alertname) ?? str(p.groupLabels?.alertname) ?? str(p.alerts[0]?.labels.alertname) ?? 'alert') || 'alert';
  const ctx = [str(p.commonLabels?.severity), str(p.commonLabels?.environment) ?? str(p.commonLabels?.env)].filter((v): v is string => v !== undefined).map(plainText).filter(Boolean).join(', ');
  const perAlert = p.alerts.map((a) => str(a.annotations?.summary) ?? str(p.commonAnnotations?.summary));
  const summaries = [...new Set((perAlert.length > 0 ? perAlert : [p.commonAnnotations.summary]).filter((s): s is string => typeof s === 'string').map(plainText))].filter(Boolean);
  let text = `${head} ${name}${ctx ? ` (${ctx})` : ''}`;
  if (summaries.length > 0) text += `: ${summaries.join(' | ')}`;
  return cutText(text, maxLength);
}
