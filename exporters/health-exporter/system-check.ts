/**
 * The system check: host CPU (busy share of all cores since the previous sample), memory
 * (MemAvailable, which counts reclaimable cache as available), disk per configured path, uptime.
 *
 * CPU and memory are judged over a window, not on one sample: the check turns unhealthy only when
 * every sample of the last `windowSeconds` was above its limit, and only once the samples cover
 * that long. One busy second on the node (another pod's burst) never makes it unhealthy; a node
 * busy for five minutes does. Disks are judged on the last sample: they do not spike.
 */
import { statfs } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { GB, round, type SystemCheckResult } from './check-result.js';

interface CpuSample {
  idle: number;
  total: number;
}

function cpuSample(): CpuSample {
  let idle = 0;
  let total = 0;
  for (const c of os.cpus()) {
    const t = c.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

/** Available memory: /proc/meminfo's MemAvailable on Linux, else os.freemem(). */
export function memoryAvailableBytes(): number {
  try {
    const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux
  }
  return os.freemem();
}

export interface DiskUsage {
  mountpoint: string;
  usageRatio: number;
  freeBytes: number;
}

export interface SystemOutcome {
  result: SystemCheckResult;
  cpuRatio: number;
  memoryRatio: number;
  memoryAvailableBytes: number;
  disks: DiskUsage[];
  uptimeSeconds: number;
}

/** What the check reads from the host; tests replace them. */
export interface HostReaders {
  cpu: () => CpuSample;
  memory: () => { totalBytes: number; availableBytes: number };
  now: () => number;
}

const HOST: HostReaders = { cpu: cpuSample, memory: () => ({ totalBytes: os.totalmem(), availableBytes: memoryAvailableBytes() }), now: Date.now };

interface WindowSample {
  at: number;
  cpuRatio: number;
  memoryRatio: number;
}

/** Default of SYSTEM_CHECK_WINDOW_SECONDS: five minutes, the window of the node alerts' rates. */
export const DEFAULT_WINDOW_SECONDS = 300;

export class SystemCheck {
  private readonly read: HostReaders;
  private last: CpuSample;
  private lastRatio?: number;
  /** Samples of the window, oldest first, plus the newest one before it (which proves the window is covered). */
  private history: WindowSample[] = [];

  constructor(
    private readonly diskPaths: string[],
    private readonly unhealthy: { cpuRatio: number; memoryRatio: number; diskRatio: number },
    private readonly windowSeconds = DEFAULT_WINDOW_SECONDS,
    readers: Partial<HostReaders> = {},
  ) {
    this.read = { ...HOST, ...readers };
    this.last = this.read.cpu();
  }

  /** Keeps the samples of the window and the newest older one; true when that older one exists (the window is covered). */
  private remember(sample: WindowSample): boolean {
    this.history.push(sample);
    const start = sample.at - this.windowSeconds * 1000;
    const firstInside = this.history.findIndex((s) => s.at > start);
    // The sample just before the window marks its start as covered; anything older goes.
    this.history = this.history.slice(firstInside === -1 ? this.history.length - 1 : Math.max(0, firstInside - 1));
    return this.history[0].at <= start;
  }

  /** Above `limit` in every sample of a covered window. */
  private sustained(covered: boolean, limit: number, value: (s: WindowSample) => number): boolean {
    if (!covered) return false;
    const start = this.history[this.history.length - 1].at - this.windowSeconds * 1000;
    const inside = this.history.filter((s) => s.at > start);
    return inside.length > 0 && inside.every((s) => value(s) > limit);
  }

  /**
   * CPU busy ratio since the previous call. A call too soon after the previous one (under ~20
   * clock ticks per core) repeats the last ratio; only the very first call waits 200 ms to sample.
   */
  private async cpuRatio(): Promise<number> {
    let now = this.read.cpu();
    if (now.total - this.last.total < 20 * os.cpus().length) {
      if (this.lastRatio !== undefined) return this.lastRatio;
      await new Promise((r) => setTimeout(r, 200));
      now = this.read.cpu();
    }
    const total = now.total - this.last.total;
    const idle = now.idle - this.last.idle;
    this.last = now;
    this.lastRatio = total > 0 ? Math.min(1, Math.max(0, 1 - idle / total)) : 0;
    return this.lastRatio;
  }

  async run(): Promise<SystemOutcome> {
    const start = process.hrtime.bigint();
    const timestamp = new Date().toISOString();
    const cpuRatio = await this.cpuRatio();
    const { totalBytes: total, availableBytes: available } = this.read.memory();
    const memoryRatio = total > 0 ? 1 - available / total : 0;
    const covered = this.remember({ at: this.read.now(), cpuRatio, memoryRatio });
    const disks: DiskUsage[] = [];
    const diskErrors: string[] = [];
    for (const path of this.diskPaths) {
      try {
        const s = await statfs(path);
        const size = s.blocks * s.bsize;
        // Like df: used / (used + available to unprivileged users).
        const used = (s.blocks - s.bfree) * s.bsize;
        const avail = s.bavail * s.bsize;
        disks.push({ mountpoint: path, usageRatio: used + avail > 0 ? used / (used + avail) : 0, freeBytes: size > 0 ? avail : 0 });
      } catch (e) {
        diskErrors.push(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    const worstDisk = disks.reduce<DiskUsage | undefined>((w, d) => (!w || d.usageRatio > w.usageRatio ? d : w), undefined);
    const problems: string[] = [];
    const over = `above the limit for ${this.windowSeconds} s`;
    if (this.sustained(covered, this.unhealthy.cpuRatio, (x) => x.cpuRatio)) problems.push(`CPU usage ${round(cpuRatio * 100)}% (${over})`);
    if (this.sustained(covered, this.unhealthy.memoryRatio, (x) => x.memoryRatio)) problems.push(`memory usage ${round(memoryRatio * 100)}% (${over})`);
    for (const d of disks) if (d.usageRatio > this.unhealthy.diskRatio) problems.push(`disk ${d.mountpoint} usage ${round(d.usageRatio * 100)}%`);
    problems.push(...diskErrors.map((e) => `disk unreadable ${e}`));
    const uptimeSeconds = Math.round(os.uptime());
    return {
      result: {
        status: problems.length === 0 ? 'healthy' : 'unhealthy',
        response_time_ms: round(Number(process.hrtime.bigint() - start) / 1e6),
        timestamp,
        details: problems.length === 0 ? 'System resources within limits' : `System resources over limits: ${problems.join(', ')}`,
        cpu_usage_percent: round(cpuRatio * 100),
        memory_usage_percent: round(memoryRatio * 100),
        memory_available_gb: round(available / GB, 2),
        disk_usage_percent: round((worstDisk?.usageRatio ?? 0) * 100),
        disk_free_gb: round((worstDisk?.freeBytes ?? 0) / GB, 2),
        uptime_seconds: uptimeSeconds,
        // CPU and memory turn the status unhealthy only above their limits for this long.
        window_seconds: this.windowSeconds,
      },
      cpuRatio,
      memoryRatio,
      memoryAvailableBytes: available,
      disks,
      uptimeSeconds,
    };
  }
}
