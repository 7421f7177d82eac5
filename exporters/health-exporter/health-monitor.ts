/**
 * Runs the three checks (periodically and on demand), each under a deadline, publishes their
 * results as metrics, and logs one line per state change (not one per check), in words the monitoring guide's
 * LogQL queries find: "database ... error", "slow query" with response_time, "memory" with
 * memory_usage.
 */
import type { Logger } from 'pino';
import { type CheckResult, type Component, COMPONENTS, type HealthReport, PLATFORM_COMPONENTS, withTimeout } from './check-result.js';
import type { DatabaseCheck } from './database-check.js';
import { type ExporterMetrics, recordCheck, recordDatabase, recordStorage, recordSystem } from './exporter-metrics.js';
import type { StorageCheck } from './storage-check.js';
import type { SystemCheck } from './system-check.js';

export interface MonitorDeps {
  database: DatabaseCheck;
  storage: StorageCheck;
  system: SystemCheck;
  metrics: ExporterMetrics;
  logger: Logger;
  timeoutMs: number;
  slowDatabaseMs: number;
}

/** Memory usage (percent) above which a "high memory usage" line is logged (warn at 80%, as the monitoring guide does). */
const HIGH_MEMORY_PERCENT = 80;

export class HealthMonitor {
  private readonly inflight = new Map<Component, Promise<CheckResult>>();
  private readonly latest = new Map<Component, CheckResult>();
  private lastRunAt = 0;
  private timer?: NodeJS.Timeout;
  /** Log state per component/condition: a line is written only when it changes. */
  private readonly states = new Map<string, string>();

  constructor(private readonly deps: MonitorDeps) {}

  /** Runs every check (joining runs already in flight); the platform's components decide the overall status. */
  async runAll(): Promise<HealthReport> {
    const results = await Promise.all(COMPONENTS.map((c) => this.run(c)));
    this.lastRunAt = Date.now();
    const checks = Object.fromEntries(COMPONENTS.map((c, i) => [c, results[i]])) as Record<Component, CheckResult>;
    const healthy = PLATFORM_COMPONENTS.every((c) => checks[c].status === 'healthy');
    return { overall_status: healthy ? 'healthy' : 'unhealthy', timestamp: new Date().toISOString(), checks };
  }

  /** Runs one check; concurrent callers share the same run (a burst of /api/health is one check). */
  run(component: Component): Promise<CheckResult> {
    const running = this.inflight.get(component);
    if (running) return running;
    const p = this.execute(component).finally(() => this.inflight.delete(component));
    this.inflight.set(component, p);
    return p;
  }

  /** For /metrics: re-run the checks when the last run is older than `seconds`. */
  async refreshIfOlderThan(seconds: number): Promise<void> {
    if (Date.now() - this.lastRunAt >= seconds * 1000) await this.runAll();
  }

  last(component: Component): CheckResult | undefined {
    return this.latest.get(component);
  }

  start(intervalSeconds: number): void {
    const tick = (): void => {
      this.runAll().catch((e: Error) => this.deps.logger.error({ err: e }, 'health check run failed with error'));
    };
    tick();
    this.timer = setInterval(tick, intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async execute(component: Component): Promise<CheckResult> {
    const { deps } = this;
    const started = process.hrtime.bigint();
    const elapsedMs = (): number => Number(process.hrtime.bigint() - started) / 1e6;
    let result: CheckResult;
    // The database check enforces its own deadline (and frees its socket); the outer deadline is
    // a backstop with a small margin. Storage walks are aborted when the deadline passes.
    const abort = new AbortController();
    try {
      if (component === 'database') {
        const o = await withTimeout(deps.database.run(), deps.timeoutMs + 250, 'database check');
        recordDatabase(deps.metrics, o);
        for (const b of o.business) {
          this.transition(`business:${b.query.key}`, b.error ? 'error' : 'ok', (state) =>
            state === 'ok'
              ? deps.logger.info({ metric: b.query.def.name }, `business query ${b.query.key} succeeded again`)
              : deps.logger.warn({ metric: b.query.def.name }, `business query ${b.query.key} on database failed with error: ${b.error}`),
          );
          if (b.rejected) deps.logger.debug({ metric: b.query.def.name, rejected: b.rejected }, 'business query rows rejected (label values not identifiers)');
        }
        result = o.result;
        if (result.status === 'healthy') {
          const slow = result.response_time_ms > deps.slowDatabaseMs;
          this.transition('database:slow', slow ? 'slow' : 'fast', (s) =>
            s === 'slow'
              ? deps.logger.warn({ check: component, response_time: result.response_time_ms }, `slow query: database responded in ${result.response_time_ms} ms`)
              : deps.logger.info({ check: component, response_time: result.response_time_ms }, 'database response time back to normal'),
          );
        }
      } else if (component === 'storage') {
        const o = await withTimeout(deps.storage.run(abort.signal), deps.timeoutMs, 'storage check', () => abort.abort());
        recordStorage(deps.metrics, o);
        result = o.result;
      } else {
        const o = await withTimeout(deps.system.run(), deps.timeoutMs, 'system check');
        recordSystem(deps.metrics, o);
        result = o.result;
        const high = o.result.memory_usage_percent > HIGH_MEMORY_PERCENT;
        this.transition('system:memory', high ? 'high' : 'normal', (s) =>
          s === 'high'
            ? deps.logger.warn({ check: component, memory_usage: o.result.memory_usage_percent }, `high memory usage: ${o.result.memory_usage_percent}%`)
            : deps.logger.info({ check: component, memory_usage: o.result.memory_usage_percent }, 'memory usage back to normal'),
        );
      }
    } catch (e) {
      abort.abort();
      result = { status: 'unhealthy', response_time_ms: Math.round(elapsedMs() * 10) / 10, timestamp: new Date().toISOString(), details: `${component} check failed: ${(e as Error).message}` };
    }
    recordCheck(deps.metrics, component, result.status === 'healthy', result.response_time_ms / 1000);
    this.latest.set(component, result);
    this.transition(`health:${component}`, result.status, (status) =>
      status === 'healthy'
        ? deps.logger.info({ check: component, response_time: result.response_time_ms }, `${component} check healthy`)
        : deps.logger.error({ check: component, response_time: result.response_time_ms, details: result.details }, `${component} check failed with error: ${result.details}`),
    );
    return result;
  }

  /** Calls `log` when `key`'s state differs from the last one seen (and the first time). */
  private transition(key: string, state: string, log: (state: string) => void): void {
    const prev = this.states.get(key);
    if (prev === state) return;
    this.states.set(key, state);
    // Quiet start: "fast", "normal" and "ok" are not news on the first run.
    if (prev === undefined && (state === 'fast' || state === 'normal' || state === 'ok')) return;
    log(state);
  }
}
