/**
 * The database check: connect, `SELECT 1` (the response time), then the statistics and business
 * queries over the same connection. A fresh connection per run means a database that comes back
 * is picked up by the next run with no pool state to heal, and measures what the monitoring guide asks for
 * (connection response time). Every step has a deadline; a database that hangs is abandoned and
 * its socket destroyed.
 */
import pg from 'pg';
import type { BusinessQuery, Sample } from './business-queries.js';
import { rowsToSamples } from './business-queries.js';
import { type CheckResult, round, withTimeout } from './check-result.js';

export const CONNECTION_STATES = ['active', 'idle', 'idle_in_transaction', 'idle_in_transaction_aborted', 'other'] as const;

export interface DatabaseStats {
  connections: Record<(typeof CONNECTION_STATES)[number], number>;
  lockWaits: number;
  sizeBytes: number;
}

export interface DatabaseOutcome {
  result: CheckResult;
  stats?: DatabaseStats;
  business: { query: BusinessQuery; samples?: Sample[]; rejected?: number; error?: string }[];
  /** Seconds per operation, for the query duration histogram. */
  timings: { operation: string; seconds: number }[];
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

export class DatabaseCheck {
  constructor(
    private readonly url: string | undefined,
    private readonly timeoutMs: number,
    private readonly businessQueries: BusinessQuery[],
  ) {}

  async run(): Promise<DatabaseOutcome> {
    const timestamp = new Date().toISOString();
    const timings: DatabaseOutcome['timings'] = [];
    if (!this.url) {
      return { result: { status: 'unhealthy', response_time_ms: 0, timestamp, details: 'database check not configured: set DATABASE_URL' }, business: [], timings };
    }
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
    const timed = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
      const start = process.hrtime.bigint();
      try {
        return await work();
      } finally {
        timings.push({ operation, seconds: Number(process.hrtime.bigint() - start) / 1e9 });
      }
    };
    const start = process.hrtime.bigint();
    // One deadline for the whole run: the ping gets all of it, statistics and business queries
    // what is left, so a run never outlasts the check timeout.
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
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      return { result: { status: 'unhealthy', response_time_ms: round(ms), timestamp, details: `database connection failed: ${(e as Error).message || String(e)}` }, business: [], timings };
    }
    const responseMs = Number(process.hrtime.bigint() - start) / 1e6;
    const result: CheckResult = { status: 'healthy', response_time_ms: round(responseMs), timestamp, details: 'Database connection successful' };

    const outcome: DatabaseOutcome = { result, business: [], timings };
    try {
      outcome.stats = await withTimeout(this.stats(client, timed), left(), 'database statistics', destroy);
      for (const query of this.businessQueries) {
        try {
          const r = await withTimeout(timed(`business_${query.key}`, () => client.query(query.sql)), left(), `business query ${query.key}`, destroy);
          outcome.business.push({ query, ...rowsToSamples(query.def, r.rows as Record<string, unknown>[]) });
        } catch (e) {
          outcome.business.push({ query, error: (e as Error).message });
        }
      }
    } catch (e) {
      // Statistics failing after a successful ping (permissions, a hang) does not make the
      // database unhealthy; it is reported in details and the gauges keep their last values.
      result.details = `Database connection successful; statistics failed: ${(e as Error).message}`;
    } finally {
      void client.end().catch(() => undefined);
    }
    return outcome;
  }

  private async stats(client: pg.Client, timed: <T>(op: string, w: () => Promise<T>) => Promise<T>): Promise<DatabaseStats> {
    const connections = Object.fromEntries(CONNECTION_STATES.map((s) => [s, 0])) as DatabaseStats['connections'];
    const act = await timed('connections', () => client.query<{ state: string | null; n: number }>(`SELECT state, count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' GROUP BY state`));
    for (const row of act.rows) connections[stateLabel(row.state)] += row.n;
    const locks = await timed('lock_waits', () => client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted'));
    const size = await timed('size', () => client.query<{ n: string }>('SELECT pg_database_size(current_database())::text AS n'));
    return { connections, lockWaits: locks.rows[0].n, sizeBytes: Number(size.rows[0].n) };
  }
}
