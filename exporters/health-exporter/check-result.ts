/**
 * The monitoring guide's health check result shapes (GET /api/health and /api/health/<component>).
 *
 * A check's `status`:
 * - `healthy` / `unhealthy`: it ran and passed or failed;
 * - `not_configured`: its settings are absent (no DATABASE_URL; neither STORAGE_DIR nor
 *   S3_ENDPOINT), so there is nothing to check. It says so in `details`, publishes no
 *   `immigration_ai_health_status` series (no alert can fire on it) and never makes the platform
 *   unhealthy: `overall_status` is healthy when every *configured* check is.
 */

export type Component = 'database' | 'storage' | 'system';
export const COMPONENTS: readonly Component[] = ['database', 'storage', 'system'];
/**
 * The components whose health is the platform's (`overall_status`, and the 200/503 of /api/health
 * that deployment gates read): its database and its document storage. The system check is
 * reported beside them but does not decide: it measures whichever node the exporter runs on, and
 * a busy node is capacity, alerted per node and per container by the resource alerts; it must not
 * fail a deployment or call the platform down.
 */
export const PLATFORM_COMPONENTS: readonly Component[] = ['database', 'storage'];
export type Status = 'healthy' | 'unhealthy' | 'not_configured';

export interface CheckResult {
  status: Status;
  response_time_ms: number;
  timestamp: string;
  details: string;
  [extra: string]: unknown;
}

export interface StorageCheckResult extends CheckResult {
  buckets_available: number;
  total_files: number;
  storage_used_gb: number;
}

export interface SystemCheckResult extends CheckResult {
  cpu_usage_percent: number;
  memory_usage_percent: number;
  memory_available_gb: number;
  disk_usage_percent: number;
  disk_free_gb: number;
  uptime_seconds: number;
  /** CPU and memory count as over their limits only when above them for this long. */
  window_seconds: number;
}

export interface HealthReport {
  overall_status: Exclude<Status, 'not_configured'>;
  timestamp: string;
  checks: Record<Component, CheckResult>;
}

/** The result of a check whose settings are absent; `settings` names what to set. */
export function notConfigured(component: Component, settings: string, timestamp = new Date().toISOString()): CheckResult {
  return { status: 'not_configured', response_time_ms: 0, timestamp, details: `${component} check not configured: set ${settings}` };
}

/** healthy when every configured check passed (not_configured checks do not count), else unhealthy; callers pass the platform's components. */
export function overallStatus(results: readonly CheckResult[]): Exclude<Status, 'not_configured'> {
  return results.every((r) => r.status !== 'unhealthy') ? 'healthy' : 'unhealthy';
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
export const GB = 1024 ** 3;

/** Runs `work` with a deadline; on expiry calls `onTimeout` (to free sockets) and rejects. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(`${what} timed out after ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
