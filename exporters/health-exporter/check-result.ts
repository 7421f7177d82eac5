/** The monitoring guide's health check result shapes (GET /api/health and /api/health/<component>). */

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
export type Status = 'healthy' | 'unhealthy';

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
  overall_status: Status;
  timestamp: string;
  checks: Record<Component, CheckResult>;
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
