/**
 * Turns a request path into a bounded `route` label: a declared template (`/api/documents/:id`)
 * or one catch-all value. Raw paths never become labels, because they carry ids, emails and
 * passport numbers, and because every distinct value is a new time series.
 */

import { scrubString } from '../logging/scrub.js';

/** The `route` value of every path that matches no declared template. */
export const UNMATCHED_ROUTE = 'unmatched';
/** The `route` value once `maxRoutes` distinct templates have been seen (a hard cardinality bound). */
export const OVERFLOW_ROUTE = 'other';
export const DEFAULT_MAX_ROUTES = 500;

/** Methods kept as-is; anything else (WebDAV verbs, garbage) becomes OTHER. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
export const normalizeMethod = (method: string | undefined): string => {
  if (method !== undefined && KNOWN_METHODS.has(method)) return method; // Node gives upper case
  const m = (method ?? '').toUpperCase();
  return KNOWN_METHODS.has(m) ? m : 'OTHER';
};

const STATUS_LABELS = Array.from({ length: 600 }, (_, i) => String(i));
/** A status code label: 100..599 as-is, anything else "unknown". */
export const normalizeStatus = (code: number | undefined): string =>
  code !== undefined && Number.isInteger(code) && code >= 100 && code <= 599 ? STATUS_LABELS[code] : 'unknown';

interface CompiledTemplate {
  template: string;
  segments: string[];
  /** Last segment is `*`: matches any remainder. */
  wildcard: boolean;
}

function splitPath(path: string): string[] {
  const q = path.indexOf('?');
  const clean = q === -1 ? path : path.slice(0, q);
  const parts = clean.split('/');
  // Drop empty segments (leading, trailing and doubled slashes) without a second array.
  let n = 0;
  for (let i = 0; i < parts.length; i++) if (parts[i] !== '') parts[n++] = parts[i];
  parts.length = n;
  return parts;
}

function compile(template: string): CompiledTemplate {
  const segments = splitPath(template);
  const wildcard = segments[segments.length - 1] === '*';
  return { template, segments: wildcard ? segments.slice(0, -1) : segments, wildcard };
}

/** Paths with more segments than this match only trailing-wildcard templates. */
const MAX_SEGMENTS = 64;

/**
 * Matches paths against declared templates (`:param` matches one segment, a trailing `*` any
 * remainder; static segments win over parameters by declaration order: declare specific first).
 * Runs on every request: it finds segment boundaries in place instead of splitting the path, so
 * matching allocates nothing.
 */
export class RouteTemplates {
  private readonly byLength = new Map<number, CompiledTemplate[]>();
  private readonly wildcards: CompiledTemplate[] = [];
  /** Scratch space for segment boundaries (matching is synchronous, so one set suffices). */
  private readonly starts = new Int32Array(MAX_SEGMENTS);
  private readonly ends = new Int32Array(MAX_SEGMENTS);

  constructor(templates: readonly string[]) {
    for (const t of templates) {
      const c = compile(t);
      if (c.wildcard) this.wildcards.push(c);
      else {
        const list = this.byLength.get(c.segments.length) ?? [];
        list.push(c);
        this.byLength.set(c.segments.length, list);
      }
    }
  }

  /** The template matching `path`, or undefined. */
  match(path: string): string | undefined {
    let end = path.indexOf('?');
    if (end === -1) end = path.length;
    let n = 0;
    let i = 0;
    while (i < end) {
      while (i < end && path.charCodeAt(i) === 47) i++; // '/'
      if (i >= end) break;
      let j = i;
      while (j < end && path.charCodeAt(j) !== 47) j++;
      if (n < MAX_SEGMENTS) {
        this.starts[n] = i;
        this.ends[n] = j;
      }
      n++;
      i = j;
    }
    if (n <= MAX_SEGMENTS) {
      const candidates = this.byLength.get(n);
      if (candidates) {
        for (const c of candidates) if (this.segmentsMatch(c.segments, path)) return c.template;
      }
    }
    for (const c of this.wildcards) {
      if (n >= c.segments.length && c.segments.length <= MAX_SEGMENTS && this.segmentsMatch(c.segments, path)) return c.template;
    }
    return undefined;
  }

  /** Whether the first `template.length` segments of `path` (boundaries in scratch) match. */
  private segmentsMatch(template: string[], path: string): boolean {
    for (let k = 0; k < template.length; k++) {
      const t = template[k];
      if (t.charCodeAt(0) === 58) continue; // ':param'
      const start = this.starts[k];
      if (this.ends[k] - start !== t.length || !path.startsWith(t, start)) return false;
    }
    return true;
  }
}

/**
 * Hands out route label values and guarantees at most `maxRoutes` distinct ones (plus the two
 * catch-alls), whatever the app passes in: a misconfigured template source cannot blow up
 * Prometheus.
 */
export class RouteLabelBudget {
  private readonly seen = new Set<string>();
  constructor(private readonly maxRoutes = DEFAULT_MAX_ROUTES) {}

  label(template: string | undefined): string {
    if (template === undefined || template === '') return UNMATCHED_ROUTE;
    if (this.seen.has(template)) return template;
    // A "template" carrying an email, passport number or UUID is a raw path from a misconfigured
    // routeOf: never let it into a label.
    if (scrubString(template) !== template) return UNMATCHED_ROUTE;
    if (this.seen.size >= this.maxRoutes) return OVERFLOW_ROUTE;
    this.seen.add(template);
    return template;
  }

  get size(): number {
    return this.seen.size;
  }
}
