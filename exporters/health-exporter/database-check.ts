/**
 * The database checks, on two cadences (docs/operators.md, "Check cadences"):
 * - `probe()`, cheap, run per scrape (at most every METRICS_MAX_AGE seconds): connect, `SELECT 1`
 *   (the response time the monitoring guide asks for), and the connection and lock-wait counts
 *   from pg_stat_activity and pg_locks, which are catalog views;
 * - `content()`, the expensive part, run every HEALTH_CHECK_INTERVAL: the database size, the
 *   business queries and the backup job's record.
 * A fresh connection per run means a database that comes back is picked up by the next run with
 * no pool state to heal. Every step has a deadline; a database that hangs is abandoned and its
 * socket destroyed.
 */
import pg from 'pg';
import type { BusinessQuery, Sample } from './business-queries.js';
import { rowsToSamples } from './business-queries.js';
import { type CheckResult, notConfigured, round, withTimeout } from './check-result.js';

export const CONNECTION_STATES = ['active', 'idle', 'idle_in_transaction', 'idle_in_transaction_aborted', 'other'] as const;

export interface DatabaseStats {
  connections: Record<(typeof CONNECTION_STATES)[number], number>;
  lockWaits: number;
}

/** Seconds per operation, for the query duration histogram. */
export type Timings = { operation: string; seconds: number }[];

export interface DatabaseProbeOutcome {
  result: CheckResult;
  stats?: DatabaseStats;
  timings: Timings;
}

export interface DatabaseContentOutcome {
  /** Why the run could not query at all (connection failed); the gauges keep their last values. */
  error?: string;
  sizeBytes?: number;
  business: { query: BusinessQuery; samples?: Sample[]; rejected?: number; error?: string }[];
  timings: Timings;
}

function stateLabel(state: string | null): (typeof CONNECTION_STATES)[number] {
  switch (state) {
    case 'active':
      return 'active';
    case 'idle':
      return 'idle';
    case 'idle in transaction':
      return 'idle_in_transaction';
    case 'idle in transaction (aborted)':
      return 'idle_in_transaction_aborted';
    default:
      return 'other';
  }
}

type Timed = <T>(operation: string, work: () => Promise<T>) => Promise<T>;

interface Session {
  client: pg.Client;
  timed: Timed;
  /** Milliseconds left of the run's deadline (at least 1). */
  left(): number;
  destroy(): void;
}

export class DatabaseCheck {
  constructor(
    private readonly url: string | undefined,
    private readonly timeoutMs: number,
    private readonly businessQueries: BusinessQuery[],
  ) {}

  get configured(): boolean {
    return this.url !== undefined;
  }

  /** Connectivity and response time, then the connection and lock-wait counts. */
  async probe(): Promise<DatabaseProbeOutcome> {
    const timestamp = new Date().toISOString();
    const timings: Timings = [];
    if (!this.url) return { result: notConfigured('database', 'DATABASE_URL', timestamp), timings };
    const start = process.hrtime.bigint();
    const outcome = await this.session(timings, async (s) => {
      const result: CheckResult = { status: 'healthy', response_time_ms: round(Number(process.hrtime.bigint() - start) / 1e6), timestamp, details: 'Database connection successful' };
      try {
        return { result, stats: await withTimeout(this.stats(s.client, s.timed), s.left(), 'database statistics', s.destroy), timings };
      } catch (e) {
        // Statistics failing after a successful ping (permissions, a hang) does not make the
        // database unhealthy; it is reported in details and the gauges keep their last values.
        result.details = `Database connection successful; statistics failed: ${(e as Error).message}`;
        return { result, timings };
      }
    });
    if ('failed' in outcome) {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      return { result: { status: 'unhealthy', response_time_ms: round(ms), timestamp, details: `database connection failed: ${outcome.failed}` }, timings };
    }
    return outcome;
  }

  /**
   * Longest a content() run may take: one deadline for the size, then one per business query
   * (each has its own connection and its own deadline).
   */
  get contentDeadlineMs(): number {
    return this.timeoutMs * (1 + this.businessQueries.length);
  }

  /**
   * The database size, the business queries and the backup record: the expensive part. Each
   * business query runs on its own connection under its own deadline, so a slow or failing query
   * (whose connection is destroyed at its deadline) cannot take the others down with it.
   */
  async content(): Promise<DatabaseContentOutcome> {
    const timings: Timings = [];
    if (!this.url) return { business: [], timings };
    const first = await this.session(timings, async (s) => {
      try {
        const size = await withTimeout(s.timed('size', () => s.client.query<{ n: string }>('SELECT pg_database_size(current_database())::text AS n')), s.left(), 'database size', s.destroy);
        return { sizeBytes: Number(size.rows[0].n) };
      } catch (e) {
        return { error: `database size failed: ${(e as Error).message}` };
      }
    });
    // No connection at all: the database is down (the probe says so); no query is attempted.
    if ('failed' in first) return { error: `database connection failed: ${first.failed}`, business: [], timings };
    const out: DatabaseContentOutcome = { ...first, business: [], timings };
    for (const query of this.businessQueries) {
      const r = await this.session(timings, async (s) => {
        try {
          const rows = await withTimeout(s.timed(`business_${query.key}`, () => s.client.query(query.sql)), s.left(), `business query ${query.key}`, s.destroy);
          return rowsToSamples(query.def, rows.rows as Record<string, unknown>[]);
        } catch (e) {
          return { error: (e as Error).message };
        }
      });
      out.business.push({ query, ...('failed' in r ? { error: `database connection failed: ${r.failed}` } : r) });
    }
    return out;
  }

  /**
   * One connection for one run: connect and `SELECT 1` under the deadline (timed as `ping`), then
   * `work` with what is left of it; the connection is always closed. `{ failed }` when the
   * connection could not be made.
   */
  private async session<T>(timings: Timings, work: (s: Session) => Promise<T>): Promise<T | { failed: string }> {
    const client = new pg.Client({
      connectionString: this.url,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      statement_timeout: this.timeoutMs,
      application_name: 'immigration-ai-exporter',
    });
    // A server dying mid-connection emits 'error' on the client; unhandled it would kill the process.
    client.on('error', () => undefined);
    const destroy = (): void => {
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    };
    const timed: Timed = async (operation, w) => {
      const start = process.hrtime.bigint();
      try {
        return await w();
      } finally {
        timings.push({ operation, seconds: Number(process.hrtime.bigint() - start) / 1e9 });
      }
    };
    // One deadline for the whole run: the ping gets all of it, the rest what is left, so a run
    // never outlasts the check timeout.
    const deadline = Date.now() + this.timeoutMs;
    const left = (): number => Math.max(1, deadline - Date.now());
    try {
      await withTimeout(
        timed('ping', async () => {
          await client.connect();
          await client.query('SELECT 1');
        }),
        left(),
        'database connection',
        destroy,
      );
    } catch (e) {
      destroy();
      void client.end().catch(() => undefined);
      return { failed: (e as Error).message || String(e) };
    }
    try {
      return await work({ client, timed, left, destroy });
    } finally {
      void client.end().catch(() => undefined);
    }
  }

  private async stats(client: pg.Client, timed: Timed): Promise<DatabaseStats> {
    const connections = Object.fromEntries(CONNECTION_STATES.map((s) => [s, 0])) as DatabaseStats['connections'];
    const act = await timed('connections', () => client.query<{ state: string | null; n: number }>(`SELECT state, count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' GROUP BY state`));
    for (const row of act.rows) connections[stateLabel(row.state)] += row.n;
    const locks = await timed('lock_waits', () => client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted'));
    return { connections, lockWaits: locks.rows[0].n };
  }
}
