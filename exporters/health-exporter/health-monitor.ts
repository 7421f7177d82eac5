/**
 * Runs the checks on their cadences, each under a deadline, publishes their results as metrics,
 * and logs one line per state change (not one per check), in words the monitoring guide's LogQL
 * queries find: "database ... error", "slow query" with response_time, "memory" with memory_usage.
 *
 * Two cadences (docs/operators.md, "Check cadences"):
 * - probes, cheap: the database connectivity probe (connect, `SELECT 1`, connection and lock-wait
 *   counts) and the system check (/proc, statfs). A scrape or a health request re-runs a probe
 *   whose result is older than METRICS_MAX_AGE, so ImmigrationAiDatabaseDown sees an outage at
 *   the next scrape;
 * - interval work, expensive: the database content (size, business queries, the backup record)
 *   and the storage listing. They run at start and every HEALTH_CHECK_INTERVAL, never because of
 *   a scrape, so raising the interval really cuts the load on the database and storage.
 * Every result's age is published (`immigration_ai_health_check_result_age_seconds{check}`).
 */
import type { Logger } from 'pino';
import { type CheckResult, type Component, COMPONENTS, type HealthReport, overallStatus, PLATFORM_COMPONENTS, round, withTimeout } from './check-result.js';
import type { DatabaseCheck } from './database-check.js';
import { type ExporterMetrics, recordCheck, recordDatabaseContent, recordDatabaseProbe, recordStorage, recordSystem } from './exporter-metrics.js';
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
  /** METRICS_MAX_AGE: a probe result older than this is re-run by the next scrape or health request. */
  probeMaxAgeSeconds: number;
  /** HEALTH_CHECK_INTERVAL: how often the expensive work runs (and the background loop). */
  intervalSeconds: number;
}

/** The units of work the monitor schedules; also the `check` label of the result age metric. */
export const TASKS = ['database', 'database_content', 'storage', 'system'] as const;
export type Task = (typeof TASKS)[number];

/** Which cadence each task follows. */
export const CADENCE: Record<Task, 'probe' | 'interval'> = { database: 'probe', system: 'probe', database_content: 'interval', storage: 'interval' };

/** The task whose result is a component's health check. */
const TASK_OF: Record<Component, Task> = { database: 'database', storage: 'storage', system: 'system' };

/** Memory usage (percent) above which a "high memory usage" line is logged (warn at 80%, as the monitoring guide does). */
const HIGH_MEMORY_PERCENT = 80;

export class HealthMonitor {
  private readonly inflight = new Map<Task, Promise<void>>();
  private readonly completedAt = new Map<Task, number>();
  private readonly latest = new Map<Component, CheckResult>();
  private timer?: NodeJS.Timeout;
  /** Log state per component/condition: a line is written only when it changes. */
  private readonly states = new Map<string, string>();

  constructor(private readonly deps: MonitorDeps) {
    deps.metrics.setResultAges(() => this.resultAges());
  }

  /** Tasks that have something to check (a check without settings is reported, never run). */
  private get tasks(): Task[] {
    const { database, storage } = this.deps;
    return TASKS.filter((t) => ((t === 'database' || t === 'database_content') ? database.configured : t === 'storage' ? storage.configured : true));
  }

  /** Seconds since each configured task last completed (absent until its first run). */
  resultAges(): Record<string, number> {
    const now = Date.now();
    const out: Record<string, number> = {};
    for (const t of this.tasks) {
      const at = this.completedAt.get(t);
      if (at !== undefined) out[t] = round((now - at) / 1000, 3);
    }
    return out;
  }

  private stale(task: Task): boolean {
    const at = this.completedAt.get(task);
    if (at === undefined) return true;
    const maxAge = CADENCE[task] === 'probe' ? this.deps.probeMaxAgeSeconds : this.deps.intervalSeconds;
    return Date.now() - at >= maxAge * 1000;
  }

  /**
   * For /metrics and health requests: re-runs the probes older than METRICS_MAX_AGE and any task
   * that never completed (the interval work is otherwise left to the background loop).
   */
  async refresh(tasks: readonly Task[] = TASKS): Promise<void> {
    const due = tasks.filter((t) => this.tasks.includes(t) && (CADENCE[t] === 'probe' ? this.stale(t) : !this.completedAt.has(t)));
    await Promise.all(due.map((t) => this.runTask(t)));
  }

  /** GET /api/health: fresh probes, the latest interval results. */
  async report(): Promise<HealthReport> {
    await this.refresh();
    return this.currentReport();
  }

  /** GET /api/health/<component>. */
  async check(component: Component): Promise<CheckResult> {
    await this.refresh([TASK_OF[component]]);
    return this.result(component);
  }

  /** Runs every task now, whatever its cadence (the background loop, and tests). */
  async runAll(): Promise<HealthReport> {
    await Promise.all(this.tasks.map((t) => this.runTask(t)));
    return this.currentReport();
  }

  last(component: Component): CheckResult | undefined {
    return this.latest.get(component);
  }

  start(): void {
    const tick = (): void => {
      this.runAll().catch((e: Error) => this.deps.logger.error({ err: e }, 'health check run failed with error'));
    };
    const missing = [this.deps.database.configured ? '' : 'database (DATABASE_URL)', this.deps.storage.configured ? '' : 'storage (STORAGE_DIR or S3_ENDPOINT)'].filter(Boolean);
    if (missing.length > 0) this.deps.logger.warn({ not_configured: missing }, `checks not configured, reported as not_configured: ${missing.join(', ')}`);
    tick();
    this.timer = setInterval(tick, this.deps.intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private currentReport(): HealthReport {
    const checks = Object.fromEntries(COMPONENTS.map((c) => [c, this.result(c)])) as Record<Component, CheckResult>;
    return { overall_status: overallStatus(PLATFORM_COMPONENTS.map((c) => checks[c])), timestamp: new Date().toISOString(), checks };
  }

  private result(component: Component): CheckResult {
    const r = this.latest.get(component);
    if (r) return r;
    // Only a not-configured check has no result: configured ones ran in refresh().
    const settings = component === 'database' ? 'DATABASE_URL' : 'STORAGE_DIR or S3_ENDPOINT (with S3_BUCKETS)';
    return { status: 'not_configured', response_time_ms: 0, timestamp: new Date().toISOString(), details: `${component} check not configured: set ${settings}` };
  }

  /** Runs one task; concurrent callers share the same run (a burst of scrapes is one check). */
  private runTask(task: Task): Promise<void> {
    const running = this.inflight.get(task);
    if (running) return running;
    const p = this.execute(task)
      .catch((e: Error) => this.deps.logger.error({ err: e, check: task }, `${task} check run failed with error: ${e.message}`))
      .finally(() => {
        this.completedAt.set(task, Date.now());
        this.inflight.delete(task);
      });
    this.inflight.set(task, p);
    return p;
  }

  private async execute(task: Task): Promise<void> {
    switch (task) {
      case 'database':
        return this.component('database', async () => {
          const o = await withTimeout(this.deps.database.probe(), this.deps.timeoutMs + 250, 'database check');
          recordDatabaseProbe(this.deps.metrics, o);
          return o.result;
        });
      case 'database_content':
        return this.databaseContent();
      case 'storage':
        return this.component('storage', async (abort) => {
          const o = await withTimeout(this.deps.storage.run(abort.signal), this.deps.timeoutMs, 'storage check', () => abort.abort());
          recordStorage(this.deps.metrics, o);
          return o.result;
        });
      case 'system':
        return this.component('system', async () => {
          const o = await withTimeout(this.deps.system.run(), this.deps.timeoutMs, 'system check');
          recordSystem(this.deps.metrics, o);
          const high = o.result.memory_usage_percent > HIGH_MEMORY_PERCENT;
          this.transition('system:memory', high ? 'high' : 'normal', (s) =>
            s === 'high'
              ? this.deps.logger.warn({ check: 'system', memory_usage: o.result.memory_usage_percent }, `high memory usage: ${o.result.memory_usage_percent}%`)
              : this.deps.logger.info({ check: 'system', memory_usage: o.result.memory_usage_percent }, 'memory usage back to normal'),
          );
          return o.result;
        });
    }
  }

  /** Runs a component's check under the deadline, publishes and logs its result. */
  private async component(component: Component, run: (abort: AbortController) => Promise<CheckResult>): Promise<void> {
    const { deps } = this;
    const started = process.hrtime.bigint();
    // The database check enforces its own deadline (and frees its socket); the outer deadline is
    // a backstop with a small margin. Storage walks are aborted when the deadline passes.
    const abort = new AbortController();
    let result: CheckResult;
    try {
      result = await run(abort);
    } catch (e) {
      abort.abort();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      result = { status: 'unhealthy', response_time_ms: round(ms), timestamp: new Date().toISOString(), details: `${component} check failed: ${(e as Error).message}` };
    }
    if (component === 'database' && result.status === 'healthy') {
      const slow = result.response_time_ms > deps.slowDatabaseMs;
      this.transition('database:slow', slow ? 'slow' : 'fast', (s) =>
        s === 'slow'
          ? deps.logger.warn({ check: component, response_time: result.response_time_ms }, `slow query: database responded in ${result.response_time_ms} ms`)
          : deps.logger.info({ check: component, response_time: result.response_time_ms }, 'database response time back to normal'),
      );
    }
    recordCheck(deps.metrics, component, result);
    this.latest.set(component, result);
    this.transition(`health:${component}`, result.status, (status) =>
      status === 'healthy'
        ? deps.logger.info({ check: component, response_time: result.response_time_ms }, `${component} check healthy`)
        : deps.logger.error({ check: component, response_time: result.response_time_ms, details: result.details }, `${component} check failed with error: ${result.details}`),
    );
  }

  /** Size, business gauges, backup record; failures are logged per query, once per state change. */
  private async databaseContent(): Promise<void> {
    const { deps } = this;
    const o = await withTimeout(deps.database.content(), deps.database.contentDeadlineMs + 250, 'database content');
    recordDatabaseContent(deps.metrics, o);
    this.transition('database:content', o.error ? 'error' : 'ok', (state) =>
      state === 'ok'
        ? deps.logger.info({ check: 'database_content' }, 'database content queries succeeded again')
        : deps.logger.warn({ check: 'database_content' }, `database content queries failed with error: ${o.error}`),
    );
    for (const b of o.business) {
      this.transition(`business:${b.query.key}`, b.error ? 'error' : 'ok', (state) =>
        state === 'ok'
          ? deps.logger.info({ metric: b.query.def.name }, `business query ${b.query.key} succeeded again`)
          : deps.logger.warn({ metric: b.query.def.name }, `business query ${b.query.key} on database failed with error: ${b.error}`),
      );
      if (b.rejected) deps.logger.debug({ metric: b.query.def.name, rejected: b.rejected }, 'business query rows rejected (label values not identifiers)');
    }
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
