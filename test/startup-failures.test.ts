/**
 * Clean failure at start: the compiled services (exporter, SMS bridge, demo app) with bad settings
 * or a port already taken exit with code 2 and one line per problem naming the setting, never a
 * stack trace and never a value that may be secret.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './helpers/dist.js';

const SERVICES = {
  exporter: join(REPO_ROOT, 'build', 'exporters', 'health-exporter', 'main.js'),
  'sms-bridge': join(REPO_ROOT, 'build', 'exporters', 'sms-bridge', 'main.js'),
  'demo-app': join(REPO_ROOT, 'build', 'test', 'demo-app', 'main.js'),
} as const;

function run(service: keyof typeof SERVICES, env: Record<string, string>): { status: number | null; lines: string[]; stderr: string } {
  const r = spawnSync(process.execPath, [SERVICES[service]], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, lines: r.stderr.split('\n').filter(Boolean), stderr: r.stderr };
}

describe('clean failure at start', () => {
  it.each(Object.keys(SERVICES) as (keyof typeof SERVICES)[])('%s: bad settings give exit 2 and one line per problem, no stack trace', (service) => {
    const env: Record<string, string> = { LOG_LEVEL: 'verbose', HOST: 'not a host!', PORT: '99999' };
    if (service === 'exporter') Object.assign(env, { DISK_PATHS: '/, /no/such/mount', S3_ENDPOINT: 'http://key:canary-secret-1@s3.local', S3_BUCKETS: 'b', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' });
    if (service === 'sms-bridge') Object.assign(env, { TWILIO_BASE_URL: 'https://sid:canary-secret-1@api.twilio.com' });
    const r = run(service, env);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).not.toContain('canary-secret-1');
    for (const line of r.lines) expect(line.startsWith(`${service}: `)).toBe(true);
    const named = r.lines.map((l) => l.slice(service.length + 2).split(':')[0]);
    const expected = ['LOG_LEVEL', 'HOST', 'PORT', ...(service === 'exporter' ? ['DISK_PATHS', 'S3_ENDPOINT'] : []), ...(service === 'sms-bridge' ? ['TWILIO_BASE_URL'] : [])];
    expect(named.sort()).toEqual(expected.sort());
  });

  it.each(Object.keys(SERVICES) as (keyof typeof SERVICES)[])('%s: a port in use says so, exit 2', async (service) => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as { port: number }).port;
    try {
      const env: Record<string, string> = { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'silent', DISK_PATHS: '/' };
      // The demo app also binds an admin port: any free one.
      const r = run(service, service === 'demo-app' ? { ...env, ADMIN_PORT: '0' } : env);
      expect({ status: r.status, lines: r.lines }).toEqual({ status: 2, lines: [`${service}: PORT: 127.0.0.1:${port} is already in use by another process; stop it or set another PORT`] });
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});
