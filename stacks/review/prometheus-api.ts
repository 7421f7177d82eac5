/** The few Prometheus HTTP API calls a backtest needs: range queries (chunked) and series lookups. */

export class PrometheusError extends Error {}

/** A query Prometheus refused (bad PromQL, too many points): the backtest of that rule is skipped, the rest goes on. */
export class QueryRejected extends Error {}

interface ApiReply<T> {
  status: 'success' | 'error';
  data?: T;
  error?: string;
  errorType?: string;
}

interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface PrometheusApi {
  url: string;
  /** Timestamps (seconds) at which each series of `query` has a value, over [start, end] at `step`. */
  presence(query: string, start: number, end: number, step: number): Promise<Map<string, { labels: Record<string, string>; times: number[] }>>;
  /** Whether any series named `metric` has samples in [start, end]. */
  hasSeries(metric: string, start: number, end: number): Promise<boolean>;
}

/** Prometheus refuses range queries of more than 11,000 points per series; stay below. */
export const MAX_POINTS_PER_QUERY = 10_000;

export function prometheusApi(url: string, timeoutMs = 120_000): PrometheusApi {
  const base = url.replace(/\/+$/, '');
  async function call<T>(path: string, params: Record<string, string>): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new PrometheusError(`cannot reach Prometheus at ${base}: ${(err as Error).message}`);
    }
    let reply: ApiReply<T>;
    try {
      reply = (await res.json()) as ApiReply<T>;
    } catch {
      throw new PrometheusError(`${base}${path} answered HTTP ${res.status} without a Prometheus API reply: is --prometheus the server's base URL?`);
    }
    if (reply.status !== 'success' || reply.data === undefined) {
      if (res.status === 400 || res.status === 422) throw new QueryRejected(`${reply.errorType ?? 'error'}: ${reply.error ?? `HTTP ${res.status}`}`);
      throw new PrometheusError(`${base}${path}: ${reply.error ?? `HTTP ${res.status}`}`);
    }
    return reply.data;
  }
  const key = (labels: Record<string, string>): string => JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
  return {
    url: base,
    async presence(query, start, end, step) {
      const out = new Map<string, { labels: Record<string, string>; times: number[] }>();
      for (let from = start; from <= end; from += MAX_POINTS_PER_QUERY * step) {
        const to = Math.min(end, from + (MAX_POINTS_PER_QUERY - 1) * step);
        const data = await call<{ resultType: string; result: MatrixSeries[] }>('/api/v1/query_range', { query, start: String(from), end: String(to), step: String(step) });
        for (const s of data.result) {
          const k = key(s.metric);
          const entry = out.get(k) ?? { labels: s.metric, times: [] };
          // Any sample counts, NaN included: an alerting rule fires for every series its expression returns.
          for (const [t] of s.values) entry.times.push(Math.round(t * 1000) / 1000);
          out.set(k, entry);
        }
      }
      return out;
    },
    async hasSeries(metric, start, end) {
      const data = await call<unknown[]>('/api/v1/series', { 'match[]': metric, start: String(start), end: String(end) });
      return data.length > 0;
    },
  };
}
