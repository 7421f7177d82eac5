/**
 * CPU pinning with taskset (util-linux): servers on one CPU, the load generator on another, so the
 * load generator never competes with the server it measures.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Pinning {
  serverCpu: number;
  loadCpu: number;
}

/** Refuses to run unpinned: figures measured with server and load on one CPU are not comparable. */
export function choosePinning(): Pinning {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('bench: taskset not found; install util-linux (apt-get install -y util-linux)');
  }
  const cpus = availableParallelism();
  if (cpus < 2) throw new Error(`bench: needs 2 CPUs (server and load generator pinned apart), this machine offers ${cpus}`);
  // The highest CPU for the load generator, CPU 0 for the servers.
  return { serverCpu: 0, loadCpu: cpus - 1 };
}

/** Pins every thread of process `pid` (threads it starts later inherit the mask). */
export function pin(pid: number, cpu: number): void {
  execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', String(cpu), String(pid)], { stdio: 'ignore' });
}
