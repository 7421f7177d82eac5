import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES } from '../contract/config/index.js';
import { synthesize } from '../stacks/synth.js';
import { DIST, REPO_ROOT, listFiles } from './helpers/dist.js';

const MAIN = join(REPO_ROOT, 'build', 'stacks', 'main.js');
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const v of ['MONITORING_ENABLED', 'ALERT_EMAIL', 'SLACK_WEBHOOK_URL', 'SMTP_SERVER', 'SMTP_PORT', 'SMTP_USERNAME', 'SMTP_PASSWORD', 'HEALTH_CHECK_INTERVAL', 'METRICS_RETENTION_DAYS', 'ALERT_COOLDOWN_MINUTES']) delete env[v];
  return env;
};

describe('synth', () => {
  it('is deterministic: two runs give byte-identical trees', () => {
    const a = synthesize(ENVIRONMENT_NAMES, {});
    const b = synthesize(ENVIRONMENT_NAMES, {});
    expect(b.entries()).toEqual(a.entries());
  });

  it('lays out dist/<env>/ with k8s manifests and a kustomization per environment', () => {
    const paths = synthesize(ENVIRONMENT_NAMES, {}).paths();
    for (const env of ENVIRONMENT_NAMES) {
      expect(paths).toContain(`${env}/kustomization.yaml`);
      expect(paths).toContain(`${env}/k8s/namespace.yaml`);
    }
  });

  it('committed dist/ is up to date (run `npm run synth` and commit when this fails)', () => {
    const tree = synthesize(ENVIRONMENT_NAMES, {});
    const committed = listFiles(DIST);
    expect(committed).toEqual(tree.paths());
    for (const [path, content] of tree.entries()) {
      expect({ path, content: readFileSync(join(DIST, path), 'utf8') }).toEqual({ path, content });
    }
  });

  it('MONITORING_ENABLED=false emits only the namespace', () => {
    const paths = synthesize(['dev'], { MONITORING_ENABLED: 'false' }).paths();
    expect(paths.filter((p) => p.startsWith('dev/k8s/'))).toEqual(['dev/k8s/namespace.yaml']);
  });
});

describe('synth CLI (compiled JS)', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'synth-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('writes every environment to --out and says so', () => {
    const stdout = execFileSync('node', [MAIN, '--out', join(out, 'dist')], { env: cleanEnv(), encoding: 'utf8' });
    expect(stdout).toMatch(/^synth: wrote \d+ files for dev, staging, production/);
    expect(listFiles(join(out, 'dist'))).toEqual(synthesize(ENVIRONMENT_NAMES, {}).paths());
  });

  it('bad input: one message per problem, non-zero exit, output untouched', () => {
    const target = join(out, 'dist');
    mkdirSync(target);
    writeFileSync(join(target, 'marker'), 'previous output');
    const r = spawnSync('node', [MAIN, '--out', target], {
      env: { ...cleanEnv(), HEALTH_CHECK_INTERVAL: 'abc', METRICS_RETENTION_DAYS: '-1', ALERT_EMAIL: 'nope' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('HEALTH_CHECK_INTERVAL: must be a whole number of seconds greater than 0 (got "abc")');
    expect(r.stderr).toContain('METRICS_RETENTION_DAYS: must be a whole number of days greater than 0 (got "-1")');
    expect(r.stderr).toMatch(/ALERT_EMAIL \(channels\.email\.to\.0\): must be a valid email address/);
    expect(r.stderr).toContain('unchanged');
    expect(listFiles(target)).toEqual(['marker']);
    expect(readFileSync(join(target, 'marker'), 'utf8')).toBe('previous output');
  });

  it('rejects an unknown environment with the allowed names', () => {
    const r = spawnSync('node', [MAIN, '--env', 'prod', '--out', join(out, 'x')], { env: cleanEnv(), encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('environment: unknown environment "prod"; allowed: dev, staging, production');
  });

  it('refuses a subset of environments into dist/ (it would drop the others)', () => {
    const r = spawnSync('node', [MAIN, '--env', 'dev'], { env: cleanEnv(), encoding: 'utf8', cwd: out });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--out');
  });

  it('never writes a secret value from the environment', () => {
    const secrets = { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/TSECRET/BSECRET/xyzzy-secret', SMTP_PASSWORD: 'p4ssw0rd-secret-value' };
    execFileSync('node', [MAIN, '--out', join(out, 'dist')], { env: { ...cleanEnv(), ...secrets }, encoding: 'utf8' });
    for (const file of listFiles(join(out, 'dist'))) {
      const text = readFileSync(join(out, 'dist', file), 'utf8');
      expect(text).not.toContain('xyzzy-secret');
      expect(text).not.toContain('p4ssw0rd-secret-value');
    }
  });
});
