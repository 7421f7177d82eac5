/**
 * Child processes of the local stack. Each one runs in its own process group (detached), with
 * stdout and stderr appended to a log file, so stopping it kills everything it started too
 * (postgres' backends, node's workers) and nothing outlives the stack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { WaitAborted, waitFor } from './wait.js';

export interface ProcessSpec {
  /** Short unique name, used in logs and messages (e.g. `prometheus-0`). */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** File receiving stdout and stderr (appended, so restarts keep history). */
  logFile: string;
  /** Run as this uid/gid (postgres refuses to run as root). */
  uid?: number;
  gid?: number;
  /** Signal for a graceful stop (postgres: SIGINT = fast shutdown). */
  stopSignal?: NodeJS.Signals;
}

export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<void> = Promise.resolve();
  /** Exit code or signal of the last run, for diagnostics. */
  lastExit: string | undefined;

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) throw new Error(`${this.spec.name} is already running`);
    const fd = openSync(this.spec.logFile, 'a');
    try {
      const child = spawn(this.spec.command, this.spec.args, {
        cwd: this.spec.cwd,
        env: this.spec.env ?? process.env,
        stdio: ['ignore', fd, fd],
        detached: true,
        uid: this.spec.uid,
        gid: this.spec.gid,
      });
      this.child = child;
      this.lastExit = undefined;
      this.exitPromise = new Promise<void>((resolve) => {
        child.once('exit', (code, signal) => {
          this.lastExit = signal ?? `exit ${code}`;
          resolve();
        });
        child.once('error', (err) => {
          this.lastExit = `spawn error: ${err.message}`;
          resolve();
        });
      });
      LIVE.add(this);
    } finally {
      closeSync(fd);
    }
  }

  /** Sends `signal` to the whole process group. */
  signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined || !this.running) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  }

  /** Graceful stop, then SIGKILL after `graceMs`. Resolves when the leader has exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.child === undefined) return;
    if (this.running) {
      this.signal(this.spec.stopSignal ?? 'SIGTERM');
      const exited = await Promise.race([this.exitPromise.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref())]);
      if (!exited) this.signal('SIGKILL');
      await this.exitPromise;
    }
    // Reap stragglers of the group (children that ignored the leader's exit).
    const pid = this.child.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Nothing left.
      }
    }
    LIVE.delete(this);
  }

  /** SIGKILL the group (a crash, as in the failover scenario) and wait for the exit. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exitPromise;
    LIVE.delete(this);
  }

  /** Fails fast when the process died (e.g. bad flags) instead of waiting for a readiness deadline. */
  assertRunning(): void {
    if (!this.running) throw new WaitAborted(`${this.spec.name} exited (${this.lastExit ?? 'not started'}); see ${this.spec.logFile}`);
  }
}

/** Every process started and not yet stopped, so an abrupt exit can still kill them all. */
const LIVE = new Set<ManagedProcess>();

/** Synchronous last-resort cleanup (process 'exit' handlers cannot await). */
export function killAllSync(): void {
  for (const p of LIVE) {
    const pid = p.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  LIVE.clear();
}

process.once('exit', killAllSync);

let signalsInstalled = false;

/**
 * For hosts without their own graceful shutdown (the jest process of the e2e tests): on SIGINT,
 * SIGTERM or SIGHUP, kill every process group still running, then die of the same signal. Node
 * does not run 'exit' handlers when a signal kills it, so without this the stack would outlive it.
 */
export function killAllOnSignals(): void {
  if (signalsInstalled) return;
  signalsInstalled = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAllSync();
      process.kill(process.pid, sig);
    });
  }
}

/** Polls an HTTP URL until it answers with a 2xx status. */
export async function waitHttpOk(url: string, proc: ManagedProcess | undefined, timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      proc?.assertRunning();
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.ok;
    },
    { timeoutMs, what: `${url} to answer 2xx`, intervalMs: 200 },
  );
}
