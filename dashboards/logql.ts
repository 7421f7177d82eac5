/**
 * The monitoring guide's LogQL analysis queries ("Log Analysis Queries"), on the application's log stream.
 * Thresholds the monitoring guide hard-codes (1000 ms slow query, 80% memory) come from the alerting config,
 * so a log panel and its alert agree.
 */
import { SCRAPE_JOBS } from '../contract/metric-catalog.js';
import type { MonitoringConfig } from '../contract/config/index.js';
import { num } from '../contract/promql.js';

/** The application's log stream: logs carry the same `job` label as its metrics. */
export const APP_LOGS = `{job="${SCRAPE_JOBS.app}"}`;

/** The monitoring guide's line filters. */
export const LINE_FILTERS = {
  errors: '|= "ERROR"',
  databaseErrors: '|= "database" |= "error"',
  authenticationFailures: '|= "authentication" |= "failed"',
} as const;

export interface LogQueries {
  /** Errors (the monitoring guide shows the last hour), formatted as timestamp, level, message. */
  errors: string;
  databaseErrors: string;
  authenticationFailures: string;
  /** Slow queries: `response_time` in ms above the database response threshold. */
  slowQueries: string;
  /** `memory_usage` in percent above the memory warning threshold. */
  highMemory: string;
}

export function logQueries(config: MonitoringConfig): LogQueries {
  const { warning } = config.alerting.thresholds;
  return {
    errors: `${APP_LOGS} ${LINE_FILTERS.errors} | json | line_format "{{.timestamp}} {{.level}} {{.message}}"`,
    databaseErrors: `${APP_LOGS} ${LINE_FILTERS.databaseErrors}`,
    authenticationFailures: `${APP_LOGS} ${LINE_FILTERS.authenticationFailures}`,
    slowQueries: `${APP_LOGS} |= "slow query" | json | response_time > ${num(warning.databaseResponseSeconds * 1000)}`,
    highMemory: `${APP_LOGS} |= "memory" | json | memory_usage > ${num(warning.memoryUsageRatio * 100)}`,
  };
}

/** Matching log lines per `$__interval` (a LogQL metric query over a filter). */
export const linesPerInterval = (filter: string): string => `sum(count_over_time(${APP_LOGS} ${filter} [$__interval]))`;
