/**
 * Reads what the local receivers got (their JSON-lines logs) as notifications a person would
 * see: which channel, when, which alerts, firing or resolved, and the readable text.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { ReceivedLine } from './receivers.js';
import type { Topology } from './topology.js';

export const CHANNELS = ['email', 'slack', 'sms', 'heartbeat'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface Delivery {
  channel: Channel;
  /** Milliseconds since the epoch when the receiver got it. */
  t: number;
  /** Alert names mentioned (our alerts are CamelCase names starting with ImmigrationAi, plus Watchdog). */
  alertnames: string[];
  status: 'firing' | 'resolved' | 'unknown';
  /** Everything a person reads in it, flattened to text. */
  text: string;
}

const ALERTNAME = /\b(ImmigrationAi[A-Z][A-Za-z0-9]*|Watchdog|Prometheus[A-Z][A-Za-z0-9]*|Alertmanager[A-Z][A-Za-z0-9]*)\b/g;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

function readLines(file: string): ReceivedLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ReceivedLine);
}

function statusOf(text: string): Delivery['status'] {
  // Alertmanager's default titles say [FIRING:n] / [RESOLVED]; our templates say the same words.
  if (/\bRESOLVED\b/i.test(text) && !/\bFIRING\b/i.test(text)) return 'resolved';
  if (/\bFIRING\b/i.test(text)) return 'firing';
  if (/\bresolved\b/i.test(text)) return 'resolved';
  return 'unknown';
}

function delivery(channel: Channel, line: ReceivedLine, text: string, status?: Delivery['status']): Delivery {
  return { channel, t: line.t, alertnames: [...new Set(text.match(ALERTNAME) ?? [])].sort(), status: status ?? statusOf(text), text };
}

/** Every notification received so far, oldest first. */
export function readDeliveries(t: Topology): Delivery[] {
  const r = t.paths.receivers;
  const out: Delivery[] = [];
  for (const l of readLines(r.email)) out.push(delivery('email', l, `${String(l.subject)}\n${String(l.text)}`));
  for (const l of readLines(r.slack)) out.push(delivery('slack', l, strings(l.body).join('\n')));
  for (const l of readLines(r.sms)) {
    const body = (l.body ?? {}) as Record<string, string>;
    if (typeof body.Body === 'string') out.push(delivery('sms', l, body.Body));
  }
  for (const l of readLines(r.heartbeat)) {
    // The dead man's switch gets Alertmanager's webhook JSON: status and alerts are structured.
    const body = (l.body ?? {}) as { status?: string; alerts?: { labels?: Record<string, string> }[] };
    const names = (body.alerts ?? []).map((a) => a.labels?.alertname ?? '').filter((n) => n !== '');
    const d = delivery('heartbeat', l, strings(l.body).join('\n'), body.status === 'resolved' ? 'resolved' : body.status === 'firing' ? 'firing' : 'unknown');
    d.alertnames = [...new Set(names)].sort();
    out.push(d);
  }
  return out.sort((a, b) => a.t - b.t);
}

export function deliveriesSince(t: Topology, since: number): Delivery[] {
  return readDeliveries(t).filter((d) => d.t >= since);
}

/** One line per delivery, for reports and failure output. */
export function describeDeliveries(ds: Delivery[], origin: number): string {
  if (ds.length === 0) return '  (none)';
  return ds
    .map((d) => `  +${((d.t - origin) / 1000).toFixed(1).padStart(6)} s  ${d.channel.padEnd(9)} ${d.status.padEnd(8)} ${d.alertnames.join(',') || '-'}`)
    .join('\n');
}
