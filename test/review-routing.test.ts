/**
 * The review's Alertmanager routing against the real thing: for every label set the rules can
 * fire (plus the synthetic ones), the receivers `npm run diff` computes must be exactly what
 * `amtool config routes test` (Alertmanager 0.25) prints, on the generated configurations and on
 * a hand-written one that exercises continue, nesting, inheritance, anchoring and old-style match.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALERTS } from '../contract/alerts.js';
import { ENVIRONMENT_NAMES } from '../contract/config/index.js';
import { readEnvironment } from '../stacks/review/artifacts.js';
import { buildRoute, labelSetsOf, matchRoutes, parseMatchers, receiversFor, routingSide } from '../stacks/review/routing.js';
import { readTree, subtree, yamlDocument } from '../stacks/review/tree.js';
import { scratchTree } from './helpers/review.js';
import { requireTool } from './helpers/tools.js';

/** What `amtool config routes test` prints for `labels` (receivers, comma-joined). */
function amtoolReceivers(file: string, labels: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const args = ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
    const p = spawn(requireTool('amtool'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`amtool ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

/** Runs amtool for every label set, two at a time (a shared two-core machine). */
async function crossCheck(file: string, sets: { alert: string; labels: Record<string, string> }[], ours: (labels: Record<string, string>) => string[]) {
  const results: { alert: string; ours: string; amtool: string }[] = [];
  const queue = [...sets];
  const worker = async (): Promise<void> => {
    for (let s = queue.shift(); s; s = queue.shift()) results.push({ alert: s.alert, ours: ours(s.labels).join(','), amtool: await amtoolReceivers(file, s.labels) });
  };
  await Promise.all([worker(), worker()]);
  return results.sort((a, b) => a.alert.localeCompare(b.alert));
}

describe('matchers as Alertmanager parses them', () => {
  it('reads quoted and unquoted values, several matchers in one string, braces and escapes', () => {
    expect(parseMatchers('severity="critical"').map((m) => [m.name, m.type, m.value])).toEqual([['severity', '=', 'critical']]);
    expect(parseMatchers('{a=~"x|y", b!="c, d"}').map((m) => [m.name, m.type, m.value])).toEqual([['a', '=~', 'x|y'], ['b', '!=', 'c, d']]);
    expect(parseMatchers('job!~ api').map((m) => [m.name, m.type, m.value])).toEqual([['job', '!~', 'api']]);
    expect(parseMatchers('msg="say \\"hi\\""')[0].value).toBe('say "hi"');
    expect(() => parseMatchers('not a matcher')).toThrow(/bad matcher/);
  });

  it('anchors regexes and treats a missing label as empty', () => {
    const route = buildRoute({ receiver: 'root', routes: [{ matchers: ['severity=~"crit"'], receiver: 'a' }, { matchers: ['team!="db"'], receiver: 'b' }] });
    expect(matchRoutes(route, { severity: 'critical', team: 'db' }).map((r) => r.receiver)).toEqual(['root']);
    expect(matchRoutes(route, { severity: 'crit' }).map((r) => r.receiver)).toEqual(['a']);
    expect(matchRoutes(route, {}).map((r) => r.receiver)).toEqual(['b']);
  });

  it('children inherit receiver, grouping and timings, but not continue', () => {
    const route = buildRoute({ receiver: 'r', group_by: ['alertname'], repeat_interval: '2h', routes: [{ matchers: ['a="1"'], group_wait: '5s', continue: true, routes: [{ matchers: ['b="1"'] }] }] });
    const [leaf] = matchRoutes(route, { a: '1', b: '1' });
    expect(leaf).toMatchObject({ receiver: 'r', groupBy: ['alertname'], groupWait: '5s', groupInterval: '5m', repeatInterval: '2h', continue: false, path: 'route.routes[0].routes[0]' });
  });
});

describe('receivers per alert, cross-checked with amtool config routes test', () => {
  const HAND_WRITTEN = `
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['alertname="Watchdog"']
      receiver: heartbeat
    - matchers: ['severity="critical"']
      receiver: pager
      continue: true
      routes:
        - matchers: ['team=~"db|storage"']
          receiver: db-pager
        - match_re: {service: 'api.*'}
          receiver: api-pager
          continue: true
        - match: {service: api-gateway}
          receiver: gateway
    - matchers: ['severity=~"crit.*", team!="db"']
      receiver: crit-prefix
    - matchers: ['severity=~"info|none"']
      receiver: "null"
    - matchers: ['{severity="warning", team=~"db|storage"}']
      receiver: db-warnings
receivers:
  - name: default
  - name: heartbeat
  - name: pager
  - name: db-pager
  - name: api-pager
  - name: gateway
  - name: crit-prefix
  - name: "null"
  - name: db-warnings
`;

  it('a hand-written tree with continue, nesting, old-style match and anchoring', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-am-'));
    try {
      const file = join(dir, 'alertmanager.yml');
      writeFileSync(file, HAND_WRITTEN);
      const side = routingSide(yamlDocument(HAND_WRITTEN, 'hand-written') as Record<string, unknown>);
      const sets: { alert: string; labels: Record<string, string> }[] = [];
      for (const severity of ['critical', 'critically', 'warning', 'none', '']) {
        for (const team of ['db', 'storage', 'web', '']) {
          for (const service of ['api', 'api-gateway', 'web', '']) {
            const labels: Record<string, string> = { alertname: 'Test' };
            if (severity) labels.severity = severity;
            if (team) labels.team = team;
            if (service) labels.service = service;
            sets.push({ alert: JSON.stringify(labels), labels });
          }
        }
      }
      sets.push({ alert: 'watchdog', labels: { alertname: 'Watchdog', severity: 'critical' } });
      const results = await crossCheck(file, sets, (l) => receiversFor(side, l));
      expect(results.filter((r) => r.ours !== r.amtool)).toEqual([]);
      // The tree is exercised: continue yields several receivers, and every receiver is reached.
      expect(results.some((r) => r.ours.split(',').length >= 3)).toBe(true);
      expect(new Set(results.flatMap((r) => r.ours.split(','))).size).toBe(9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  // The generated configurations, and ones a change could produce: a suppressed alert type, maintenance mode.
  const variants: [string, string, Parameters<typeof scratchTree>[0][string]][] = [
    ...ENVIRONMENT_NAMES.map((env) => [env, env, {}] as [string, string, Parameters<typeof scratchTree>[0][string]]),
    ['production, suppressed types', 'production', { suppression: { suppressedAlertTypes: [ALERTS.highCpuUsage, ALERTS.apiSlow] } }],
    ['production, maintenance mode', 'production', { suppression: { maintenanceMode: true } }],
  ];
  it.each(variants)('%s: every alert label set', async (_name, env, extra) => {
    const tree = scratchTree({ [env]: extra }, 'review-am-gen-');
    try {
      const artifacts = readEnvironment(env, subtree(readTree(tree.dir), env));
      const side = routingSide(artifacts.alertmanager as Record<string, unknown>);
      const sets = labelSetsOf(artifacts, new Set());
      expect(sets.filter((s) => s.origin === 'rule').length).toBeGreaterThan(10);
      const results = await crossCheck(tree.path(env, 'alertmanager/alertmanager.yml'), sets, (l) => receiversFor(side, l));
      expect(results.filter((r) => r.ours !== r.amtool)).toEqual([]);
      expect(results.length).toBe(sets.length);
    } finally {
      tree.cleanup();
    }
  }, 180_000);
});
