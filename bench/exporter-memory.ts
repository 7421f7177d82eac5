/** The health exporter's resident memory after a burst of scrapes and health checks. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createNetServer } from 'node:net';
import { round } from './stats.js';

const ROOT = join(__dirname, '..', '..');

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function exporterMemory() {
  const dir = mkdtempSync(join(tmpdir(), 'iao-bench-'));
  for (const b of ['documents', 'avatars']) {
    mkdirSync(join(dir, b));
    for (let i = 0; i < 200; i++) writeFileSync(join(dir, b, `f${i}`), 'x'.repeat(1000));
  }
  const port = await freePort();
  const proc = spawn(process.execPath, [join(ROOT, 'build', 'exporters', 'health-exporter', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', STORAGE_DIR: dir, LOG_LEVEL: 'warn', METRICS_MAX_AGE: '0', HEALTH_CHECK_TIMEOUT_MS: '500' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('exporter did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < 200; i++) await (await fetch(`${base}/metrics`)).text();
    for (let i = 0; i < 20; i++) await (await fetch(`${base}/api/health`)).text();
    const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { scrapes: 200, healthChecks: 20, rssMiB: round(kb('VmRSS') / 1024, 1), peakRssMiB: round(kb('VmHWM') / 1024, 1), targetMiB: 100 };
  } finally {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
