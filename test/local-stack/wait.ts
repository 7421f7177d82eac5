/**
 * Polling with deadlines: the local stack and the end-to-end tests never sleep a fixed time to
 * "let things settle"; they poll a condition until it holds or a deadline passes, and a timeout
 * says what was awaited and what was last seen.
 */
import { createServer } from 'node:net';

export class WaitTimeout extends Error {}

/** Thrown by a probe to stop waiting at once (e.g. the awaited process died). */
export class WaitAborted extends Error {}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** What is being awaited, for the timeout message. */
  what: string;
}

/**
 * Calls `probe` until it returns a value other than undefined/false, and returns that value.
 * A probe that throws counts as "not yet"; its last error is reported on timeout.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, opts: WaitOptions): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 250;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
      last = v;
    } catch (err) {
      if (err instanceof WaitAborted) throw err;
      last = err;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new WaitTimeout(`timed out after ${Math.round(opts.timeoutMs / 1000)} s waiting for ${opts.what} (last: ${detail})`);
    }
    await delay(Math.min(interval, Math.max(0, deadline - Date.now())));
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A TCP port that was free on 127.0.0.1 a moment ago (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Distinct free ports (each asked of the kernel; duplicates re-drawn). */
export async function freePorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}
