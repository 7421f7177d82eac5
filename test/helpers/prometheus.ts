/**
 * A real Prometheus (Debian's, found or installed by tools.ts) for a test: on a free loopback port,
 * with its TSDB in `dir`, ready once it has scraped a target; `stop()` waits for it to exit (it
 * flushes its TSDB on shutdown) before the test removes the folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './net.js';
import { freePort } from './postgres.js';
import { requireTool } from './tools.js';

export interface TestPrometheus {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts Prometheus with `dir/prometheus.yml` and resolves when `up` has a sample. */
export async function startPrometheus(dir: string): Promise<TestPrometheus> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawn(requireTool('prometheus'), [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
  const stop = async (): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(async () => {
      const r = (await (await fetch(`${url}/api/v1/query?query=up`)).json()) as { data?: { result: unknown[] } };
      return (r.data?.result.length ?? 0) > 0;
    }, 30_000, 200);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, process: proc, stop };
}
