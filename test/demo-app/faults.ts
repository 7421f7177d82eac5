/**
 * Fault injection for the demo app, so end-to-end tests can make one route fail a given share of
 * its requests or answer slowly, and watch the alerts fire. Errors are spread deterministically:
 * with errorRatio 0.12, exactly 12 of every 100 requests fail (no random flakiness in tests).
 */

export interface Fault {
  /** Route template (`/api/documents/:id`) or `*` for every route. */
  route: string;
  /** Only this method, or every method when absent. */
  method?: string;
  /** Share of requests answered with `status` (0..1). */
  errorRatio: number;
  /** Added latency in milliseconds. */
  latencyMs: number;
  /** Status code of injected errors (default 500). */
  status: number;
}

export function parseFault(body: unknown): Fault | string {
  if (!body || typeof body !== 'object') return 'body must be a JSON object';
  const b = body as Record<string, unknown>;
  if (typeof b.route !== 'string' || b.route === '') return 'route must be a route template such as /api/documents/:id, or *';
  const errorRatio = b.errorRatio === undefined ? 0 : Number(b.errorRatio);
  const latencyMs = b.latencyMs === undefined ? 0 : Number(b.latencyMs);
  const status = b.status === undefined ? 500 : Number(b.status);
  if (!(errorRatio >= 0 && errorRatio <= 1)) return 'errorRatio must be between 0 and 1';
  if (!(latencyMs >= 0 && latencyMs <= 120_000)) return 'latencyMs must be between 0 and 120000';
  if (!(Number.isInteger(status) && status >= 400 && status <= 599)) return 'status must be an HTTP error status (400..599)';
  if (b.method !== undefined && typeof b.method !== 'string') return 'method must be a string';
  return { route: b.route, method: typeof b.method === 'string' ? b.method.toUpperCase() : undefined, errorRatio, latencyMs, status };
}

export class FaultTable {
  private readonly faults = new Map<string, Fault>();
  private readonly counts = new Map<string, number>();

  private key(route: string, method?: string): string {
    return `${method ?? '*'} ${route}`;
  }

  set(f: Fault): void {
    const k = this.key(f.route, f.method);
    this.faults.set(k, f);
    this.counts.set(k, 0);
  }

  clear(route?: string): void {
    for (const [k, f] of this.faults) {
      if (route === undefined || f.route === route) {
        this.faults.delete(k);
        this.counts.delete(k);
      }
    }
  }

  list(): Fault[] {
    return [...this.faults.values()];
  }

  /** The fault that applies to a request (most specific first), and whether this one fails. */
  decide(route: string, method: string): { latencyMs: number; failWith?: number } | undefined {
    for (const k of [this.key(route, method), this.key(route), this.key('*', method), this.key('*')]) {
      const f = this.faults.get(k);
      if (!f) continue;
      const n = this.counts.get(k) ?? 0;
      this.counts.set(k, n + 1);
      // Request n fails when the running total of errors due crosses an integer.
      const fails = Math.floor((n + 1) * f.errorRatio + 1e-9) > Math.floor(n * f.errorRatio + 1e-9);
      return { latencyMs: f.latencyMs, failWith: fails ? f.status : undefined };
    }
    return undefined;
  }
}
