/** The monitoring guide's health check result shapes (GET /api/health and /api/health/<component>). */

export type Component = 'database' | 'storage' | 'system';
export const COMPONENTS: readonly Component[] = ['database', 'storage', 'system'];
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
