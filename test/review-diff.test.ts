/**
 * `npm run diff` on real changes: a scratch production tree from the configuration, then the same
 * with one change (in the configuration, or in the generated files as a hand edit would make it),
 * compared through the command line. Asserts the exact findings, which of them are risks, and the
 * exit code. Expected texts are derived from the configuration and the trees, not from a list of
 * alerts or objects, so other changes to the rules and charts do not break them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ALERTS } from '../contract/alerts.js';
import { type DeepPartial, loadConfig, type MonitoringConfig, notificationTiming } from '../contract/config/index.js';
import { amDuration, promDuration } from '../contract/duration.js';
import { toJson, toYaml, toYamlStream } from '../contract/serialize.js';
import { readEnvironment } from '../stacks/review/artifacts.js';
import { type Finding, type Report } from '../stacks/review/findings.js';
import { labelSetsOf } from '../stacks/review/routing.js';
import { committedDist } from '../stacks/review/sources.js';
import { readTree, subtree } from '../stacks/review/tree.js';
import { REPO_ROOT } from './helpers/dist.js';
import { runDiff, scratchTree, type ScratchTree } from './helpers/review.js';

const ENV = 'production';
const config = loadConfig(ENV, {});
const criticalFor = promDuration(config.alerting.criticalForSeconds);
const RISK_EXIT = 1;

type Json = Record<string, any>;

let base: ScratchTree;
const heads: ScratchTree[] = [];
let out = '';

beforeAll(() => {
  base = scratchTree({ [ENV]: {} }, 'review-base-');
  out = mkdtempSync(join(tmpdir(), 'review-out-'));
});
afterAll(() => {
  base.cleanup();
  for (const h of heads) h.cleanup();
  rmSync(out, { recursive: true, force: true });
});

function head(extra: DeepPartial<MonitoringConfig> = {}): ScratchTree {
  const h = scratchTree({ [ENV]: extra }, 'review-head-');
  heads.push(h);
  return h;
}

interface Reviewed {
  report: Report;
  findings: Finding[];
  texts: string[];
  risks: string[];
  /** Exit code with `--fail-on risk`. */
  code: number;
}

async function review(h: ScratchTree): Promise<Reviewed> {
  const file = join(out, `report-${heads.indexOf(h)}.json`);
  const r = await runDiff(['--base-dir', base.dir, '--head-dir', h.dir, '--env', ENV, '--format', 'json', '--output', file, '--fail-on', 'risk']);
  if (r.code > 1) throw new Error(`diff failed (${r.code}): ${r.stderr}`);
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  const findings = report.environments[0].findings;
  return { report, findings, texts: findings.map((f) => f.text), risks: findings.filter((f) => f.level === 'risk').map((f) => f.text), code: r.code };
}

/** Rewrites the Kubernetes objects of one generated file. */
function editObjects(t: ScratchTree, rel: string, change: (objects: Json[]) => void): void {
  t.edit(ENV, rel, (text) => {
    const docs = parseAllDocuments(text).map((d) => d.toJS() as Json).filter((d) => d !== null);
    change(docs);
    return toYamlStream(docs);
  });
}

const criticalLabelSets = (): string[] =>
  labelSetsOf(readEnvironment(ENV, subtree(readTree(base.dir), ENV)), new Set())
    .filter((s) => s.origin === 'rule' && s.critical)
    .map((s) => s.alert);

describe('alerting', () => {
  it('a raised threshold is told in words, is not a risk, and --fail-on change catches it', async () => {
    const before = config.alerting.thresholds.critical.cpuUsageRatio;
    const after = Number((before + 0.05).toFixed(4));
    const h = head({ alerting: { thresholds: { critical: { cpuUsageRatio: after } } } });
    const r = await review(h);
    const alerting = r.findings.filter((f) => f.area === 'alerting');
    // The threshold is shared by the node and container rules (one finding naming both) and the exporter's fallback.
    expect(alerting.map((f) => [f.level, f.text.replace(/; annotations changed: .*$/, '.')])).toEqual([
      ['notice', `\`${ALERTS.highCpuUsage}\` critical (scope=node) and \`${ALERTS.highCpuUsage}\` critical (scope=container): fires above ${after} instead of ${before}, after ${criticalFor}.`],
      ['notice', `\`${ALERTS.highCpuUsage}\` critical (scope=host): fires when \`immigration_ai_system_cpu_usage_ratio\` is above ${after} instead of ${before}, after ${criticalFor}.`],
    ]);
    expect(r.risks).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.report.environments[0].routing.every((row) => row.before?.join() === row.after?.join())).toBe(true);
    const any = await runDiff(['--base-dir', base.dir, '--head-dir', h.dir, '--env', ENV, '--fail-on', 'change']);
    expect(any.code).toBe(RISK_EXIT);
  });

  it('a longer `for` on every critical alert is one finding naming them, and a removed critical alert is a risk', async () => {
    const h = head({ alerting: { criticalForSeconds: config.alerting.criticalForSeconds * 2 } });
    h.edit(ENV, 'prometheus/rules/immigration-ai-platform.yaml', (text) => {
      const doc = parseYaml(text) as Json;
      doc.groups[0].rules = doc.groups[0].rules.filter((r: Json) => r.alert !== ALERTS.exporterDown);
      return toYaml(doc);
    });
    const r = await review(h);
    const forChange = r.findings.find((f) => f.text.endsWith(`fires after ${promDuration(config.alerting.criticalForSeconds * 2)} instead of ${criticalFor}.`));
    expect(forChange?.level).toBe('notice');
    expect(forChange?.text).toContain(`\`${ALERTS.databaseDown}\` critical`);
    expect(r.risks).toEqual([`\`${ALERTS.exporterDown}\` critical removed: this critical condition no longer pages anyone.`]);
    expect(r.code).toBe(RISK_EXIT);
  });
});

describe('routing', () => {
  it('disabling the SMS channel: the critical receiver loses its webhook, still pages, no risk', async () => {
    const r = await review(head({ channels: { sms: { enabled: false } } }));
    expect(r.findings.filter((f) => f.area === 'routing').map((f) => [f.level, f.text])).toEqual([
      ['notice', `Receiver \`critical\` no longer notifies webhook ${config.channels.sms.bridgeUrl}.`],
    ]);
    expect(r.risks).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('disabling every channel of the critical receiver: each critical alert is a risk', async () => {
    const r = await review(head({ channels: { email: { enabled: false }, slack: { enabled: false }, sms: { enabled: false } } }));
    const expected = criticalLabelSets().map((a) => `\`${a}\` no longer reaches a receiver that notifies anyone: critical -> critical.`);
    expect(expected.length).toBeGreaterThan(3);
    expect(r.risks.filter((t) => t.includes('no longer reaches')).sort()).toEqual(expected.sort());
    expect(r.code).toBe(RISK_EXIT);
  });

  it('a suppressed alert type routes its critical rule to null: exactly one risk', async () => {
    const r = await review(head({ suppression: { suppressedAlertTypes: [ALERTS.endpointErrorRateHigh] } }));
    expect(r.risks).toEqual([`\`${ALERTS.endpointErrorRateHigh}{severity="critical"}\` no longer reaches a receiver that notifies anyone: critical -> null.`]);
    expect(r.texts).toContain(`\`${ALERTS.endpointErrorRateHigh}{severity="warning"}\` now reaches null (was warning).`);
    const row = r.report.environments[0].routing.find((x) => x.alert === `${ALERTS.endpointErrorRateHigh}{severity="critical"}`);
    expect(row).toMatchObject({ origin: 'rule', before: ['critical'], after: ['null'] });
    expect(r.code).toBe(RISK_EXIT);
  });

  it('a hand edit that routes severity critical to null: every critical alert is a risk', async () => {
    const h = head();
    h.edit(ENV, 'alertmanager/alertmanager.yml', (text) => text.replace('severity=~"info|none"', 'severity=~"info|none|critical"'));
    const r = await review(h);
    expect(r.risks.sort()).toEqual(criticalLabelSets().map((a) => `\`${a}\` no longer reaches a receiver that notifies anyone: critical -> null.`).sort());
  });

  it('a longer repeat interval is a timing change for every route that inherits it', async () => {
    const cooldownMinutes = config.suppression.cooldownMinutes * 2;
    const r = await review(head({ suppression: { cooldownMinutes } }));
    // The generator fits group_interval to the cooldown and writes repeat_interval a little under it
    // (see notificationTiming): both move with the cooldown.
    const before = notificationTiming(config);
    const after = notificationTiming({ ...config, suppression: { ...config.suppression, cooldownMinutes } });
    const change = (key: 'groupIntervalSeconds' | 'repeatIntervalSeconds', name: string) =>
      before[key] === after[key] ? '' : `${name} ${amDuration(before[key])} -> ${amDuration(after[key])}, `;
    const expected = `${change('groupIntervalSeconds', 'group_interval')}${change('repeatIntervalSeconds', 'repeat_interval')}`;
    expect(expected).toContain('repeat_interval');
    const timing = r.findings.filter((f) => f.topic === 'Grouping and timing').map((f) => f.text);
    expect(timing.find((t) => t.startsWith('receiver `critical`:'))).toMatch(
      new RegExp(`^receiver \`critical\`: ${expected}for ${criticalLabelSets().length} alert label sets: `),
    );
    expect(r.risks).toEqual([]);
  });
});

describe('security', () => {
  it('LDAP sign-in widens Grafana\'s egress and reads a new Secret', async () => {
    const r = await review(head({ security: { ldap: { enabled: true } } }));
    expect(r.risks).toEqual([
      // Both profiles have NetworkPolicies, so the finding names the one it is about.
      `\`grafana\` may now reach a pod in another namespace, any pod in namespace ${config.kubernetes.appNamespace}, any pod in namespace ${config.kubernetes.ingressControllerNamespace} and outside the cluster on TCP 389, TCP 636 (standalone profile).`,
    ]);
    expect(r.findings.find((f) => f.topic === 'Secrets')).toMatchObject({
      level: 'notice',
      text: expect.stringMatching(new RegExp(`^Secret \`${config.security.ldap.secretName}\` is now read by \`Deployment ${config.namespace}/grafana\``)),
    });
    expect(r.code).toBe(RISK_EXIT);
  });

  it('a privileged container with an added capability weakens Pod Security', async () => {
    const h = head();
    let name = '';
    let container = '';
    editObjects(h, 'k8s/exporter.yaml', (objects) => {
      const d = objects.find((o) => o.kind === 'Deployment') as Json;
      name = `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`;
      const c = d.spec.template.spec.containers[0];
      container = c.name;
      c.securityContext = { ...c.securityContext, privileged: true, readOnlyRootFilesystem: false, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } };
    });
    const r = await review(h);
    expect(r.risks).toEqual([
      `\`${name}\` weakens Pod Security: container ${container} runs privileged; container ${container} adds the capability NET_ADMIN; container ${container} has a writable root filesystem (standalone profile).`,
    ]);
  });

  it('a Role that may now read Secrets is a risk, named by the ServiceAccount that gains it', async () => {
    const h = head();
    let expected = '';
    editObjects(h, 'k8s/prometheus.yaml', (objects) => {
      const role = objects.find((o) => o.kind === 'Role') as Json;
      const binding = objects.find((o) => o.kind === 'RoleBinding' && o.roleRef.name === role.metadata.name && o.metadata.namespace === role.metadata.namespace) as Json;
      const sa = binding.subjects[0];
      role.rules.push({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] });
      expected = `\`ServiceAccount ${sa.namespace}/${sa.name}\` may now get, list \`secrets\` in namespace ${role.metadata.namespace} (standalone profile).`;
    });
    const r = await review(h);
    expect(r.risks).toEqual([expected]);
  });

  it('an image bump is reported per container, from -> to, in both profiles', async () => {
    const before = config.images.exporter;
    const after = before.replace(/:[^:]+$/, ':0.2.0');
    const r = await review(head({ images: { exporter: after } }));
    const images = r.findings.filter((f) => f.topic === 'Images');
    expect(images.length).toBeGreaterThan(0);
    for (const f of images) expect(f).toMatchObject({ level: 'notice', text: expect.stringContaining(`: \`${before}\` -> \`${after}\``) });
    expect(images.map((f) => f.text)).toContainEqual(expect.stringMatching(/Deployment .*immigration-ai-exporter`: .* \(standalone and operator profiles\)\.$/));
    expect(r.risks).toEqual([]);
  });
});

describe('dashboards', () => {
  /** The first panel with a PromQL query, in the first dashboard that has one. */
  function firstQuery(t: ScratchTree): { rel: string; dashboard: Json; panel: Json; target: Json } {
    const env = readEnvironment(ENV, subtree(readTree(t.dir), ENV));
    for (const { file, dashboard } of env.dashboards) {
      const d = JSON.parse(JSON.stringify(dashboard)) as Json;
      for (const panel of d.panels as Json[]) {
        const target = (panel.targets ?? []).find((x: Json) => typeof x.expr === 'string' && panel.datasource?.type === 'prometheus');
        if (target) return { rel: file, dashboard: d, panel, target };
      }
    }
    throw new Error('no PromQL panel');
  }

  it('a changed panel query shows old and new, both parsed; an unparsable one is a risk', async () => {
    const h = head();
    const q = firstQuery(h);
    const old = q.target.expr as string;
    q.target.expr = `sum(${old})`;
    h.write(ENV, q.rel, toJson(q.dashboard));
    const r = await review(h);
    expect(r.findings.filter((f) => f.area === 'dashboards')).toEqual([
      {
        area: 'dashboards',
        topic: 'Queries',
        level: 'notice',
        text: `Dashboard \`${q.dashboard.title}\` panel \`${q.panel.title}\`: query ${q.target.refId} changed (old parses as PromQL; new parses as PromQL).`,
        code: [
          { label: 'before', text: old, lang: 'promql' },
          { label: 'after', text: `sum(${old})`, lang: 'promql' },
        ],
      },
    ]);
    expect(r.code).toBe(0);
    q.target.expr = `sum(${old}`;
    h.write(ENV, q.rel, toJson(q.dashboard));
    const broken = await review(h);
    expect(broken.risks).toEqual([expect.stringMatching(new RegExp(`query ${q.target.refId} changed \\(old parses as PromQL; new does not parse: syntax error at character \\d+`))]);
    expect(broken.code).toBe(RISK_EXIT);
  });

  it('a renamed dashboard UID is a risk (links break); the dashboard is still compared', async () => {
    const h = head();
    const q = firstQuery(h);
    const oldUid = q.dashboard.uid as string;
    const newUid = `${oldUid}-v2`;
    q.dashboard.uid = newUid;
    q.panel.title = `${q.panel.title} (renamed)`;
    h.remove(ENV, q.rel);
    h.write(ENV, `grafana/dashboards/${newUid}.json`, toJson(q.dashboard));
    const r = await review(h);
    expect(r.risks).toEqual([`Dashboard \`${q.dashboard.title}\`: UID \`${oldUid}\` -> \`${newUid}\`; links, bookmarks and alert dashboard_url annotations to /d/${oldUid} break.`]);
    expect(r.texts).toContain(`Dashboard \`${q.dashboard.title}\` panel \`${q.panel.title.replace(' (renamed)', '')}\` retitled \`${q.panel.title}\`.`);
  });
});

describe('the command', () => {
  it('no change: nothing to report, exit 0 even with --fail-on change', async () => {
    const copy = head();
    const r = await runDiff(['--base-dir', base.dir, '--head-dir', copy.dir, '--env', ENV, '--fail-on', 'change']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`== ${ENV}: no change`);
  });

  it('markdown fits a pull-request comment: marker, risks first, one collapsible section per environment', async () => {
    const h = head({ suppression: { suppressedAlertTypes: [ALERTS.endpointErrorRateHigh] } });
    const r = await runDiff(['--base-dir', base.dir, '--head-dir', h.dir, '--env', ENV, '--format', 'markdown']);
    const md = r.stdout;
    expect(md.startsWith('<!-- immigration-ai-review-diff -->\n')).toBe(true);
    expect(md.indexOf('#### Risks')).toBeGreaterThan(0);
    expect(md.indexOf('#### Risks')).toBeLessThan(md.indexOf('<details'));
    expect(md).toContain(`<details open><summary><b>${ENV}</b>: 1 risk, `);
    expect(md).toContain(`| \`${ALERTS.endpointErrorRateHigh}{severity="critical"}\` | \`critical\` | \`null\` |`);
    expect(md.length).toBeLessThan(65_536);
  });

  it.each([
    [['--format', 'html'], /^diff: --format html: use one of markdown, text, json \(npm run diff -- --help\)\n$/],
    [['--env', 'prod'], /^diff: --env prod: unknown environment prod; allowed: /],
    [['--prometheus', 'http://127.0.0.1:9'], /^diff: --prometheus holds one environment's history: add --env with exactly one environment/],
    [['--days', '3'], /^diff: --days and --step belong to a backtest: add --prometheus URL/],
    [['--fail-on', 'warning'], /^diff: --fail-on warning: use risk or change/],
    [['--bogus'], /^diff: Unknown option '--bogus'/],
    [['--base-dir', '/tmp', '--base', 'HEAD'], /^diff: --base-dir replaces --base and --base-from/],
  ])('usage error %j: exit 2 and one line', async (args, message) => {
    const r = await runDiff(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('an unknown ref cannot be reviewed: exit 3 with the fix', async () => {
    const r = await runDiff(['--base', 'no-such-ref-anywhere', '--env', ENV], REPO_ROOT);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^diff: --base no-such-ref-anywhere: no such commit in .*\(fetch it first/);
  });

  it('HEAD built from its sources equals its committed dist/ (the two ways to get a base agree)', async () => {
    const committed = await committedDist(REPO_ROOT, 'HEAD', [ENV]);
    try {
      const r = await runDiff(['--base', 'HEAD', '--base-from', 'source', '--head-dir', committed.tree.root, '--env', ENV, '--fail-on', 'change'], REPO_ROOT);
      expect(r.stderr).toMatch(/base: synthesized from the sources of HEAD \([0-9a-f]{10}\)/);
      expect(r.stdout).toContain(`== ${ENV}: no change`);
      expect(r.code).toBe(0);
    } finally {
      committed.cleanup();
    }
  }, 120_000);

  it('the default run: committed dist/ of the base ref against the synthesized working tree, dist/ untouched', async () => {
    const stamp = readFileSync(join(REPO_ROOT, 'dist', ENV, 'alertmanager', 'alertmanager.yml'), 'utf8');
    const r = await runDiff(['--base', 'HEAD', '--env', ENV], REPO_ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^base: committed dist\/ of HEAD \([0-9a-f]{10}\)\nhead: synthesized from the working tree\n/);
    expect(readFileSync(join(REPO_ROOT, 'dist', ENV, 'alertmanager', 'alertmanager.yml'), 'utf8')).toBe(stamp);
  });
});
