/**
 * The exporter service against a real PostgreSQL (stopped and restarted mid-test), a hung
 * database (a TCP server that accepts and never answers), a real storage directory and the host.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { requireTool } from './helpers/tools.js';
import { ALL_METRICS } from '../contract/metric-catalog.js';
import { createLogger } from '../exporters/logging/logger.js';
import { ConfigError, loadExporterConfig } from '../exporters/health-exporter/config.js';
import { type Exporter, startExporter } from '../exporters/health-exporter/exporter.js';
import { REPO_ROOT } from './helpers/dist.js';
import { LineCollector, waitFor } from './helpers/net.js';
import { TestPostgres } from './helpers/postgres.js';

const SCHEMA = readFileSync(join(REPO_ROOT, 'exporters', 'health-exporter', 'reference-schema.sql'), 'utf8');

async function seed(url: string): Promise<void> {
  const c = new pg.Client(url);
  await c.connect();
  await c.query(SCHEMA);
  await c.query(`
    INSERT INTO agencies (id, name) VALUES ('agency-1', 'North'), ('agency-2', 'South'), ('agency-3', 'Idle');
    INSERT INTO users (id, email, full_name, role, agency_id) VALUES
      ('00000000-0000-4000-8000-000000000001', 'a@example.com', 'A', 'client', 'agency-1'),
      ('00000000-0000-4000-8000-000000000002', 'b@example.com', 'B', 'client', 'agency-1'),
      ('00000000-0000-4000-8000-000000000003', 'c@example.com', 'C', 'client', 'agency-2'),
      ('00000000-0000-4000-8000-000000000004', 'd@example.com', 'D', 'client', 'agency-2');
    INSERT INTO sessions (user_id, last_activity_at) VALUES
      ('00000000-0000-4000-8000-000000000001', now() - interval '1 hour'),
      ('00000000-0000-4000-8000-000000000001', now() - interval '2 hours'),
      ('00000000-0000-4000-8000-000000000002', now() - interval '23 hours'),
      ('00000000-0000-4000-8000-000000000003', now() - interval '3 days');
    INSERT INTO cases (id, case_number, agency_id, client_id, status, completed_at, client_satisfaction) VALUES
      ('10000000-0000-4000-8000-000000000001', 'IOE0000000001', 'agency-1', '00000000-0000-4000-8000-000000000001', 'open', NULL, NULL),
      ('10000000-0000-4000-8000-000000000002', 'IOE0000000002', 'agency-1', '00000000-0000-4000-8000-000000000002', 'in_progress', NULL, NULL),
      ('10000000-0000-4000-8000-000000000003', 'IOE0000000003', 'agency-1', '00000000-0000-4000-8000-000000000002', 'completed', now() - interval '2 days', 4),
      ('10000000-0000-4000-8000-000000000004', 'IOE0000000004', 'agency-1', '00000000-0000-4000-8000-000000000001', 'completed', now() - interval '5 days', 5),
      ('10000000-0000-4000-8000-000000000005', 'IOE0000000005', 'agency-2', '00000000-0000-4000-8000-000000000003', 'completed', now() - interval '1 day', 3);
    INSERT INTO documents (case_id, uploaded_by, file_name, size_bytes, review_status) VALUES
      ('10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 'p.pdf', 1000, 'pending'),
      ('10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 'q.pdf', 1000, 'pending'),
      ('10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000002', 'r.pdf', 1000, 'approved'),
      ('10000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000003', 's.pdf', 1000, 'pending');
  `);
  await c.end();
}

/** Value of one sample line in Prometheus text, e.g. sampleOf(text, 'x{a="b"}'). */
function sampleOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function exporterEnv(extra: Record<string, string>): Record<string, string> {
  return { PORT: '0', HOST: '127.0.0.1', HEALTH_CHECK_TIMEOUT_MS: '1500', METRICS_MAX_AGE: '0', LOG_LEVEL: 'debug', DISK_PATHS: tmpdir(), SYSTEM_CPU_UNHEALTHY_RATIO: '1', SYSTEM_MEMORY_UNHEALTHY_RATIO: '1', SYSTEM_DISK_UNHEALTHY_RATIO: '1', ...extra };
}

async function start(env: Record<string, string>, out = new LineCollector()): Promise<{ exporter: Exporter; url: string; out: LineCollector }> {
  const logger = createLogger({ component: 'exporter', level: 'debug', destination: out });
  const exporter = await startExporter(loadExporterConfig(exporterEnv(env)), { logger, background: false });
  return { exporter, url: `http://127.0.0.1:${exporter.port}`, out };
}

const get = async (url: string): Promise<{ status: number; body: string; ms: number }> => {
  const t = Date.now();
  const r = await fetch(url);
  return { status: r.status, body: await r.text(), ms: Date.now() - t };
};

describe('exporter configuration', () => {
  it('names the variable of each bad value', () => {
    const problems = (env: Record<string, string>): string[] => {
      try {
        loadExporterConfig(env);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    expect(problems({ DATABASE_URL: 'not a url' })).toEqual(['DATABASE_URL: is not a valid URL']);
    expect(problems({ DATABASE_URL: 'mysql://x@y/z' })[0]).toMatch(/^DATABASE_URL: protocol/);
    expect(problems({ HEALTH_CHECK_INTERVAL: '-5' })[0]).toMatch(/^HEALTH_CHECK_INTERVAL: must be a number between 1/);
    expect(problems({ PORT: 'eighty' })[0]).toMatch(/^PORT:/);
    expect(problems({ MAINTENANCE_MODE: 'maybe' })[0]).toMatch(/^MAINTENANCE_MODE:/);
    expect(problems({ S3_ENDPOINT: 'http://s3.local' }).join('\n')).toMatch(/S3_BUCKETS/);
    expect(problems({})).toEqual([]);
  });

  it('the compiled service exits at start with a message naming the variable', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'build', 'exporters', 'health-exporter', 'main.js')], {
      env: { PATH: process.env.PATH, HEALTH_CHECK_INTERVAL: '-1', DATABASE_URL: 'postgres://u:secretpw@[bad' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('HEALTH_CHECK_INTERVAL');
    expect(r.stderr).toContain('DATABASE_URL: is not a valid URL');
    expect(r.stderr).not.toContain('secretpw');
  });
});

describe('exporter service', () => {
  let db: TestPostgres;
  let storage: string;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    db = await TestPostgres.create();
    await seed(db.url);
    storage = mkdtempSync(join(tmpdir(), 'iao-storage-'));
    for (const [bucket, files] of [['documents', 3], ['avatars', 1], ['exports', 0]] as const) {
      mkdirSync(join(storage, bucket, 'nested'), { recursive: true });
      for (let i = 0; i < files; i++) writeFileSync(join(storage, bucket, i % 2 ? 'nested' : '.', `f${i}.bin`), Buffer.alloc(1000 * (i + 1)));
    }
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  /** A BUSINESS_QUERIES_FILE with `queries`, removed after the test. */
  const queriesFile = (queries: Record<string, string | null>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'iao-bq-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'queries.json'), JSON.stringify(queries));
    return join(dir, 'queries.json');
  };

  afterAll(async () => {
    await db?.destroy();
    rmSync(storage, { recursive: true, force: true });
  });

  it('serves the guide health JSON and every exporter-owned metric with real values', async () => {
    const { exporter, url } = await start({ DATABASE_URL: db.url, STORAGE_DIR: storage });
    cleanups.push(() => exporter.stop());

    const health = await get(`${url}/api/health`);
    const report = JSON.parse(health.body);
    if (health.status !== 200) console.log(health.body);
    expect(health.status).toBe(200);
    expect(report.overall_status).toBe('healthy');
    expect(new Date(report.timestamp).toISOString()).toBe(report.timestamp);
    expect(report.checks.database).toMatchObject({ status: 'healthy', details: 'Database connection successful' });
    expect(report.checks.database.response_time_ms).toBeGreaterThan(0);
    expect(report.checks.storage).toMatchObject({ status: 'healthy', buckets_available: 3, total_files: 4 });
    expect(report.checks.storage.storage_used_gb).toBeCloseTo(7000 / 1024 ** 3, 2);
    for (const f of ['cpu_usage_percent', 'memory_usage_percent', 'memory_available_gb', 'disk_usage_percent', 'disk_free_gb', 'uptime_seconds']) {
      expect(typeof report.checks.system[f]).toBe('number');
    }
    for (const c of ['database', 'storage', 'system']) {
      const one = await get(`${url}/api/health/${c}`);
      expect({ c, status: one.status, body: one.body }).toMatchObject({ status: 200 });
      expect(JSON.parse(one.body).status).toBe('healthy');
    }

    const metrics = await get(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    const text = metrics.body;
    for (const def of ALL_METRICS.filter((d) => d.owner === 'exporter')) expect(text).toContain(`# TYPE ${def.name} ${def.type}`);
    expect(sampleOf(text, 'immigration_ai_health_status{component="database"}')).toBe(1);
    expect(sampleOf(text, 'immigration_ai_health_status{component="storage"}')).toBe(1);
    expect(sampleOf(text, 'immigration_ai_database_size_bytes')).toBeGreaterThan(1_000_000);
    expect(sampleOf(text, 'immigration_ai_database_connections{state="active"}')).toBeGreaterThanOrEqual(1);
    expect(sampleOf(text, 'immigration_ai_database_lock_waits')).toBe(0);
    expect(sampleOf(text, 'immigration_ai_storage_objects{bucket="documents"}')).toBe(3);
    expect(sampleOf(text, 'immigration_ai_storage_used_bytes{bucket="documents"}')).toBe(6000);
    expect(sampleOf(text, 'immigration_ai_storage_buckets_available')).toBe(3);
    // Business gauges from the reference schema.
    expect(sampleOf(text, 'immigration_ai_active_users{window="24h"}')).toBe(2);
    expect(sampleOf(text, 'immigration_ai_agency_active_clients{agency_id="agency-1"}')).toBe(2);
    expect(sampleOf(text, 'immigration_ai_agency_active_clients{agency_id="agency-3"}')).toBe(0);
    expect(sampleOf(text, 'immigration_ai_agency_pending_document_reviews{agency_id="agency-1"}')).toBe(2);
    expect(sampleOf(text, 'immigration_ai_agency_pending_document_reviews{agency_id="agency-2"}')).toBe(1);
    expect(sampleOf(text, 'immigration_ai_agency_client_satisfaction_score{agency_id="agency-1"}')).toBe(4.5);
    expect(sampleOf(text, 'immigration_ai_maintenance_mode')).toBe(0);
    expect(text).toMatch(/immigration_ai_exporter_build_info\{version="\d+\.\d+\.\d+"\} 1/);
    expect(text).toMatch(/immigration_ai_database_query_duration_seconds_count\{operation="ping"\} [1-9]/);
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_heap_size_used_bytes');
    expect((await get(`${url}/api/metrics`)).body).toContain('immigration_ai_health_status');

    // Prometheus' own linter accepts the exposition.
    const promtool = requireTool('promtool');
    const lint = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });

  it('HEALTH_CHECK_INTERVAL governs the expensive work; scrapes re-run only the cheap probes', async () => {
    // Interval 600 s, probes re-run by every scrape (METRICS_MAX_AGE 0, as in the other tests).
    const { exporter, url } = await start({ DATABASE_URL: db.url, STORAGE_DIR: storage, HEALTH_CHECK_INTERVAL: '600' });
    cleanups.push(() => exporter.stop());
    const count = (text: string, operation: string): number | undefined => sampleOf(text, `immigration_ai_database_query_duration_seconds_count{operation="${operation}"}`);
    const age = (text: string, check: string): number | undefined => sampleOf(text, `immigration_ai_health_check_result_age_seconds{check="${check}"}`);
    let text = '';
    for (let i = 0; i < 6; i++) {
      text = (await get(`${url}/metrics`)).body;
      await get(`${url}/api/health`);
    }
    // Six scrapes and six health requests: twelve connectivity probes, one run of the expensive work.
    expect(count(text, 'ping')).toBeGreaterThanOrEqual(12);
    expect(count(text, 'connections')).toBeGreaterThanOrEqual(6);
    expect(count(text, 'size')).toBe(1);
    expect(count(text, 'business_activeUsers')).toBe(1);
    expect(count(text, 'business_backupLastSuccess')).toBe(1);
    // The result ages say so: the probes are fresh, the interval work as old as the first scrape.
    const first = age(text, 'database_content') as number;
    expect(age(text, 'database')).toBeLessThan(first);
    expect(age(text, 'storage')).toBeGreaterThan(age(text, 'system') as number);
    const later = (await get(`${url}/metrics`)).body;
    expect(age(later, 'database_content')).toBeGreaterThan(first);
    expect(count(later, 'size')).toBe(1);
    // Every exposition line of the age gauge is one of the four checks.
    expect([...later.matchAll(/^immigration_ai_health_check_result_age_seconds\{check="([a-z_]+)"\}/gm)].map((m) => m[1]).sort()).toEqual(['database', 'database_content', 'storage', 'system']);
  });

  it('reports a check without settings as not configured, never as unhealthy', async () => {
    const { exporter, url } = await start({ BUSINESS_METRICS: 'false' });
    cleanups.push(() => exporter.stop());
    const health = await get(`${url}/api/health`);
    expect(health.status).toBe(200);
    const report = JSON.parse(health.body);
    expect(report.overall_status).toBe('healthy');
    expect(report.checks.database).toMatchObject({ status: 'not_configured', details: 'database check not configured: set DATABASE_URL' });
    expect(report.checks.storage).toMatchObject({ status: 'not_configured', details: expect.stringMatching(/storage check not configured: set STORAGE_DIR or S3_ENDPOINT/) });
    expect(report.checks.system.status).toBe('healthy');
    for (const c of ['database', 'storage']) {
      const one = await get(`${url}/api/health/${c}`);
      expect({ c, status: one.status, check: JSON.parse(one.body).status }).toEqual({ c, status: 200, check: 'not_configured' });
    }
    // No health series for them, so no alert can fire on a check that is not there; no result age either.
    const text = (await get(`${url}/metrics`)).body;
    expect(text).not.toMatch(/immigration_ai_health_status\{component="(database|storage)"\}/);
    expect(sampleOf(text, 'immigration_ai_health_status{component="system"}')).toBe(1);
    expect(text).not.toMatch(/result_age_seconds\{check="(database|database_content|storage)"\}/);
    expect(text).toMatch(/result_age_seconds\{check="system"\}/);
  });

  it('survives the database stopping mid-test, logs one line per state change, and reconnects', async () => {
    const { exporter, url, out } = await start({ DATABASE_URL: db.url, STORAGE_DIR: storage });
    cleanups.push(() => exporter.stop());
    expect((await get(`${url}/api/health/database`)).status).toBe(200);

    await db.stop();
    for (let i = 0; i < 3; i++) {
      const r = await get(`${url}/api/health`);
      expect(r.status).toBe(503);
      const report = JSON.parse(r.body);
      expect(report.overall_status).toBe('unhealthy');
      expect(report.checks.database.status).toBe('unhealthy');
      expect(report.checks.database.details).toMatch(/database connection failed/);
      expect(report.checks.storage.status).toBe('healthy');
    }
    const down = await get(`${url}/metrics`);
    expect(down.status).toBe(200);
    expect(sampleOf(down.body, 'immigration_ai_health_status{component="database"}')).toBe(0);
    expect(sampleOf(down.body, 'immigration_ai_health_status{component="storage"}')).toBe(1);

    await db.start();
    const back = await waitFor(async () => ((await get(`${url}/api/health/database`)).status === 200 ? true : undefined), 15_000, 200);
    expect(back).toBe(true);
    expect(sampleOf((await get(`${url}/metrics`)).body, 'immigration_ai_health_status{component="database"}')).toBe(1);

    const lines = out.lines.map((l) => JSON.parse(l) as { level: string; message: string; component: string; check?: string });
    const failures = lines.filter((l) => l.message.startsWith('database check failed'));
    expect(failures).toHaveLength(1); // 5 failed checks, one line
    expect(failures[0].level).toBe('ERROR');
    expect(failures[0]).toMatchObject({ component: 'exporter', check: 'database' });
    // One `component` key per line (JSON with duplicate keys confuses LogQL's json parser).
    for (const raw of out.lines) expect(raw.match(/"component":/g)).toHaveLength(1);
    expect(failures[0].message).toMatch(/database.*error/); // the monitoring guide {job="immigration-ai"} |= "database" |= "error"
    expect(lines.filter((l) => l.message === 'database check healthy')).toHaveLength(2); // start, recovery
  });

  it('a hung database never hangs /api/health or /metrics', async () => {
    const sockets: Socket[] = [];
    const closed = new Set<Socket>();
    // Accepts and reads, never answers.
    const hung: Server = createServer((s) => {
      sockets.push(s);
      s.on('close', () => closed.add(s));
      s.on('error', () => undefined);
      s.resume();
    });
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', () => r()));
    const port = (hung.address() as { port: number }).port;
    cleanups.push(() => new Promise<void>((r) => {
      sockets.forEach((s) => s.destroy());
      hung.close(() => r());
    }));
    const { exporter, url } = await start({ DATABASE_URL: `postgres://u:p@127.0.0.1:${port}/app`, STORAGE_DIR: storage, HEALTH_CHECK_TIMEOUT_MS: '700' });
    cleanups.push(() => exporter.stop());

    const [health, one, metrics] = await Promise.all([get(`${url}/api/health`), get(`${url}/api/health/database`), get(`${url}/metrics`)]);
    for (const r of [health, one, metrics]) expect(r.ms).toBeLessThan(3000);
    expect(health.status).toBe(503);
    expect(JSON.parse(one.body)).toMatchObject({ status: 'unhealthy' });
    expect(JSON.parse(one.body).details).toMatch(/database connection failed: (timeout expired|.*timed out after)/);
    expect(sampleOf(metrics.body, 'immigration_ai_health_status{component="database"}')).toBe(0);
    // Sockets of abandoned attempts are closed, not leaked.
    expect(sockets.length).toBeGreaterThan(0);
    await waitFor(() => closed.size === sockets.length, 3000);
  });

  it('reports a missing or unreadable storage directory as unhealthy', async () => {
    const { exporter, url } = await start({ DATABASE_URL: db.url, STORAGE_DIR: join(storage, 'does-not-exist') });
    cleanups.push(() => exporter.stop());
    const r = await get(`${url}/api/health/storage`);
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'unhealthy', buckets_available: 0, total_files: 0 });
    expect(JSON.parse(r.body).details).toMatch(/ENOENT/);
  });

  it('publishes maintenance mode from MAINTENANCE_MODE and a file toggled without restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iao-maint-'));
    const file = join(dir, 'maintenance');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { exporter, url } = await start({ MAINTENANCE_MODE: 'true', MAINTENANCE_MODE_FILE: file, BUSINESS_METRICS: 'false' });
    cleanups.push(() => exporter.stop());
    const mode = async (): Promise<number | undefined> => sampleOf((await get(`${url}/metrics`)).body, 'immigration_ai_maintenance_mode');
    expect(await mode()).toBe(1); // no file yet: the env var
    writeFileSync(file, 'off\n');
    expect(await mode()).toBe(0);
    writeFileSync(file, 'on\n');
    expect(await mode()).toBe(1);
  });

  it('publishes the backup job\'s record: the newest verified and failed runs, 0 while none is recorded', async () => {
    const { exporter, url } = await start({ DATABASE_URL: db.url });
    cleanups.push(() => exporter.stop());
    const read = async (): Promise<[number | undefined, number | undefined]> => {
      const text = (await get(`${url}/metrics`)).body;
      return [sampleOf(text, 'immigration_ai_backup_last_success_timestamp_seconds'), sampleOf(text, 'immigration_ai_backup_last_failure_timestamp_seconds')];
    };
    expect(await read()).toEqual([0, 0]);
    const c = new pg.Client(db.url);
    await c.connect();
    try {
      await c.query(`INSERT INTO backup_runs (started_at, finished_at, verified, details) VALUES
        ('2024-05-01T01:00:00Z', '2024-05-01T01:20:00Z', true, NULL),
        ('2024-04-30T01:00:00Z', '2024-04-30T01:40:00Z', true, NULL),
        ('2024-05-02T01:00:00Z', '2024-05-02T01:25:00Z', false, 'checksum mismatch')`);
      await exporter.monitor.runAll();
      expect(await read()).toEqual([Date.parse('2024-05-01T01:20:00Z') / 1000, Date.parse('2024-05-02T01:25:00Z') / 1000]);
    } finally {
      await c.query('DELETE FROM backup_runs');
      await c.end();
    }
  });

  it('a node over its limits fails /api/health/system, never the platform\'s /api/health (deployment gates read it)', async () => {
    // Memory is always above 0%: over the limit in every sample; judged once 1 s of samples is covered.
    const { exporter, url } = await start({ DATABASE_URL: db.url, STORAGE_DIR: storage, SYSTEM_MEMORY_UNHEALTHY_RATIO: '0', SYSTEM_CHECK_WINDOW_SECONDS: '1' });
    cleanups.push(() => exporter.stop());
    expect((await get(`${url}/api/health/system`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));
    const system = await get(`${url}/api/health/system`);
    expect(system.status).toBe(503);
    expect(JSON.parse(system.body)).toMatchObject({ status: 'unhealthy', window_seconds: 1, details: expect.stringMatching(/^System resources over limits: memory usage \d+(\.\d)?% \(above the limit for 1 s\)$/) });
    const health = await get(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ overall_status: 'healthy', checks: { database: { status: 'healthy' }, storage: { status: 'healthy' }, system: { status: 'unhealthy' } } });
    expect(sampleOf((await get(`${url}/metrics`)).body, 'immigration_ai_health_status{component="system"}')).toBe(0);
  });

  it('runs business queries from BUSINESS_QUERIES_FILE and drops rows whose labels are not identifiers', async () => {
    const file = queriesFile({
        agencyActiveClients: `SELECT agency_id, count(*) AS value FROM users GROUP BY agency_id UNION ALL SELECT email, 1 FROM users`,
        agencyClientSatisfaction: null,
        activeUsers: 'SELECT * FROM no_such_table',
    });
    const { exporter, url, out } = await start({ DATABASE_URL: db.url, BUSINESS_QUERIES_FILE: file });
    cleanups.push(() => exporter.stop());
    const text = (await get(`${url}/metrics`)).body;
    expect(sampleOf(text, 'immigration_ai_agency_active_clients{agency_id="agency-1"}')).toBe(2);
    expect(text).not.toContain('example.com');
    expect(text).not.toContain('immigration_ai_agency_client_satisfaction_score{');
    expect(text).not.toContain('immigration_ai_active_users{');
    expect(out.text).toMatch(/business query activeUsers on database failed with error: relation \\"no_such_table\\" does not exist/);
    expect(sampleOf(text, 'immigration_ai_health_status{component="database"}')).toBe(1);
  });

  it('isolates business queries: a timed-out query does not take the others down, and a failed query keeps its last values', async () => {
    const c = new pg.Client(db.url);
    await c.connect();
    await c.query('CREATE TABLE IF NOT EXISTS flaky_figures (n int); DELETE FROM flaky_figures; INSERT INTO flaky_figures VALUES (7)');
    const file = queriesFile({
        // First in the run, and slower than HEALTH_CHECK_TIMEOUT_MS (1500 ms): its connection is destroyed at the deadline.
        activeUsers: `SELECT '24h' AS "window", 1::float8 AS value FROM pg_sleep(4)`,
        agencyPendingDocumentReviews: `SELECT 'agency-1' AS agency_id, n::float8 AS value FROM flaky_figures`,
    });
    const { exporter, url, out } = await start({ DATABASE_URL: db.url, BUSINESS_QUERIES_FILE: file });
    cleanups.push(() => exporter.stop());
    try {
      await exporter.monitor.runAll();
      let text = (await get(`${url}/metrics`)).body;
      // The queries after the slow one ran on their own connections, within their own deadlines.
      expect(sampleOf(text, 'immigration_ai_agency_pending_document_reviews{agency_id="agency-1"}')).toBe(7);
      expect(sampleOf(text, 'immigration_ai_agency_active_clients{agency_id="agency-1"}')).toBe(2);
      expect(sampleOf(text, 'immigration_ai_backup_last_success_timestamp_seconds')).toBe(0);
      expect(sampleOf(text, 'immigration_ai_business_query_failures_total{query="activeUsers"}')).toBe(1);
      expect(sampleOf(text, 'immigration_ai_business_query_failures_total{query="agencyPendingDocumentReviews"}')).toBe(0);
      expect(out.text).toMatch(/business query activeUsers on database failed with error: .*timed out/);
      // The table goes away: the query fails, its gauge keeps its last value, the others are refreshed.
      await c.query('DROP TABLE flaky_figures');
      await exporter.monitor.runAll();
      text = (await get(`${url}/metrics`)).body;
      expect(sampleOf(text, 'immigration_ai_agency_pending_document_reviews{agency_id="agency-1"}')).toBe(7);
      expect(sampleOf(text, 'immigration_ai_business_query_failures_total{query="agencyPendingDocumentReviews"}')).toBe(1);
      expect(sampleOf(text, 'immigration_ai_agency_active_clients{agency_id="agency-1"}')).toBe(2);
      expect(sampleOf(text, 'immigration_ai_health_status{component="database"}')).toBe(1);
    } finally {
      await c.query('DROP TABLE IF EXISTS flaky_figures');
      await c.end();
    }
  }, 60_000);
});

// Keep execFileSync referenced for environments where promtool is resolved lazily.
void execFileSync;
