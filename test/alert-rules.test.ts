import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parse } from 'yaml';
import { alertingRules, buildRuleGroups, lintRuleGroups } from '../alert-rules/index.js';
import { ALL_EXTERNAL, externalJob } from '../contract/external-metrics.js';
import { RECORDED_NAMES, recordedSeries } from '../contract/recording-rules.js';
import { isAlertingRule, isRecordingRule, type RuleGroup } from '../contract/rules.js';
import { rulesTree, runbooksTree } from './helpers/rendered.js';
import { METRICS, SCRAPE_JOBS } from '../contract/metric-catalog.js';
import { requireTool } from './helpers/tools.js';
import { ENVIRONMENT_NAMES, loadConfig } from '../contract/config/index.js';
import { synthesize } from '../stacks/synth.js';
import { writeTempTree } from './helpers/rules-on-disk.js';

const configs = ENVIRONMENT_NAMES.map((e) => loadConfig(e, {}));
const production = loadConfig('production', {});

describe('recording rules: the contract with dashboards', () => {
  it.each(ENVIRONMENT_NAMES)('%s records every RECORDED name', (env) => {
    const recorded = new Set(buildRuleGroups(loadConfig(env, {})).flatMap((g) => g.rules.filter(isRecordingRule).map((r) => r.record)));
    const missing = RECORDED_NAMES.filter((n) => !recorded.has(n));
    expect(missing).toEqual([]);
  });

  it('records the latency quantiles 0.5, 0.95 and 0.99 under one name with a quantile label', () => {
    const rules = buildRuleGroups(production).flatMap((g) => g.rules.filter(isRecordingRule));
    const quantiles = rules.filter((r) => r.record === 'job_method_route:immigration_ai_http_request_duration_seconds:histogram_quantile5m');
    expect(quantiles.map((r) => r.labels?.quantile)).toEqual(['0.5', '0.95', '0.99']);
  });
});

describe('generated rule files', () => {
  it('pass `promtool check rules` (syntax, templates, duplicates) in every environment', () => {
    const promtool = requireTool('promtool');
    const tree = synthesize(ENVIRONMENT_NAMES, {});
    const { dir, cleanup } = writeTempTree(tree);
    try {
      const files = tree.paths().filter((p) => /^[a-z]+\/prometheus\/rules\/.+\.yaml$/.test(p));
      expect(files.length).toBe(ENVIRONMENT_NAMES.length * buildRuleGroups(production).length);
      const r = spawnSync(promtool, ['check', 'rules', ...files.map((f) => join(dir, f))], { encoding: 'utf8' });
      expect({ status: r.status, output: `${r.stdout}${r.stderr}` }).toEqual({ status: 0, output: expect.not.stringMatching(/FAILED/) });
      expect(r.stdout.match(/SUCCESS/g)?.length).toBe(files.length);
    } finally {
      cleanup();
    }
  });

  it('promtool rejects a broken rule (the check above can fail)', () => {
    const broken = { groups: [{ name: 'x', rules: [{ alert: 'Broken', expr: 'rate(up[5m]', labels: { severity: 'warning' } }] }] };
    const tree = rulesTree(production);
    tree.add('prometheus/rules/broken.yaml', JSON.stringify(broken));
    const { dir, cleanup } = writeTempTree(tree);
    try {
      const r = spawnSync(requireTool('promtool'), ['check', 'rules', join(dir, 'prometheus/rules/broken.yaml')], { encoding: 'utf8' });
      expect(r.status).not.toBe(0);
    } finally {
      cleanup();
    }
  });

  it('are one file per group, each holding exactly that group', () => {
    const tree = rulesTree(production);
    const groups = buildRuleGroups(production);
    expect(tree.paths()).toHaveLength(groups.length);
    for (const [path, text] of tree.entries()) {
      const parsed = parse(text) as { groups: RuleGroup[] };
      expect(parsed.groups).toHaveLength(1);
      expect(groups).toContainEqual(parsed.groups[0]);
      expect(path).toMatch(/^prometheus\/rules\/immigration-ai-[a-z-]+\.yaml$/);
    }
  });

  it('select on the scrape job from the catalog and on no other target label', () => {
    const selectors = buildRuleGroups(production).flatMap((g) => g.rules).flatMap((rule) => [...rule.expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)]);
    expect(selectors.length).toBeGreaterThan(50);
    for (const [, metric, matchers] of selectors) {
      const labels = [...matchers.matchAll(/([a-z_]+)\s*(=~|!~|!=|=)/g)].map((l) => l[1]);
      const ours = Object.values(METRICS).find((d) => metric === d.name || metric.replace(/_(bucket|sum|count)$/, '') === d.name);
      const theirs = ALL_EXTERNAL.find((d) => d.name === metric);
      const recorded = recordedSeries(metric);
      if (ours) {
        // Our series: target labels (which differ between the profiles) are never selected on.
        expect({ metric, matchers }).toEqual({ metric, matchers: expect.stringContaining(`job="${SCRAPE_JOBS[ours.owner]}"`) });
        expect({ metric, matchers }).not.toEqual({ metric, matchers: expect.stringMatching(/\b(instance|pod|namespace|service|container)\s*=/) });
      } else if (theirs) {
        // node-exporter, cAdvisor, kubelet, kube-state-metrics: their job, and only labels the series carry themselves.
        expect({ metric, matchers }).toEqual({ metric, matchers: expect.stringContaining(`job="${externalJob(theirs.source)}"`) });
        for (const l of labels.filter((x) => x !== 'job')) expect({ metric, label: l, own: theirs.labels.includes(l) }).toEqual({ metric, label: l, own: true });
      } else if (recorded) {
        expect({ metric, matchers }).toEqual({ metric, matchers: `job="${recorded.job}"` });
      } else {
        expect({ metric, standard: ['up'].includes(metric) }).toEqual({ metric, standard: true });
      }
    }
  });
});

describe('mixtool-style lint', () => {
  it.each(ENVIRONMENT_NAMES)('%s rules follow the monitoring-mixins conventions', (env) => {
    expect(lintRuleGroups(buildRuleGroups(loadConfig(env, {})))).toEqual([]);
  });

  it('catches every kind of violation (so the lint above can fail)', () => {
    const bad: RuleGroup[] = [
      {
        name: 'bad',
        rules: [
          { alert: 'high_cpu', expr: 'up', labels: { severity: 'page' as never }, annotations: { summary: 'CPU on {{ $labels.instance }}', description: 'static', runbook_url: '' } },
          { record: 'cpu_usage', expr: 'up' },
          ...Array.from({ length: 19 }, (_, i) => ({ record: `job:up:sum${i}`, expr: 'up' })),
        ],
      },
      { name: 'bad', rules: [] },
    ];
    const problems = lintRuleGroups(bad).join('\n');
    for (const expected of ['not CamelCase', 'severity "page"', 'summary must be static', 'end with a period', 'description must be templated', 'runbook_url missing', 'not level:metric:operations', 'more than 20', 'name used twice']) {
      expect(problems).toContain(expected);
    }
  });
});

describe('thresholds and delays come from the configuration', () => {
  const byName = (rules: ReturnType<typeof alertingRules>, name: string, severity: string) =>
    rules.find((r) => r.alert === name && r.labels.severity === severity);

  it('uses the monitoring guide values by default: critical within 2 minutes, warnings after 15 minutes', () => {
    const rules = alertingRules(production);
    for (const r of rules) {
      // A disk filling up is a trend, which must hold four times as long (an hour).
      const warningFor = r.labels.condition === 'filling_up' ? '1h' : '15m';
      if (r.labels.severity === 'critical') expect({ alert: r.alert, for: r.for }).toEqual({ alert: r.alert, for: '1m' });
      // A dropped page or a failing SMS delivery is a fact, not a condition: it warns at once
      // (documented in docs/on-call.md). The maintenance warning's delay is the maintenance limit
      // itself (alerting.maintenanceMaxHours).
      if (r.labels.severity === 'warning' && !['ImmigrationAiNotificationsDropped', 'ImmigrationAiSmsDeliveryFailing', 'ImmigrationAiMaintenanceTooLong'].includes(r.alert)) {
        expect({ alert: r.alert, for: r.for }).toEqual({ alert: r.alert, for: warningFor });
      }
    }
    expect(byName(rules, 'ImmigrationAiHighCpuUsage', 'critical')?.expr).toMatch(/ > 0\.9$/);
    expect(byName(rules, 'ImmigrationAiHighCpuUsage', 'warning')?.expr).toMatch(/ > 0\.8$/);
    expect(byName(rules, 'ImmigrationAiEndpointErrorRateHigh', 'critical')?.expr).toContain('> 0.1 and');
    expect(byName(rules, 'ImmigrationAiDiskAlmostFull', 'critical')?.expr).toMatch(/ > 0\.95$/);
  });

  it('follows overrides of thresholds, delays, the low-traffic guard and backup age', () => {
    const c = loadConfig('staging', {}, {
      alerting: {
        thresholds: { critical: { cpuUsageRatio: 0.97 }, warning: { errorRateRatio: 0.02 } },
        criticalForSeconds: 90,
        warningForSeconds: 1800,
        lowTraffic: { minFailedRequests: 2, minRequests: 7 },
        backupMaxAgeHours: 48,
      },
    });
    const rules = alertingRules(c);
    expect(byName(rules, 'ImmigrationAiHighCpuUsage', 'critical')).toMatchObject({ for: '1m30s', expr: expect.stringMatching(/ > 0\.97$/) });
    expect(byName(rules, 'ImmigrationAiEndpointErrorRateHigh', 'warning')).toMatchObject({ for: '30m', expr: expect.stringContaining('> 0.02 and') });
    expect(byName(rules, 'ImmigrationAiEndpointErrorRateHigh', 'warning')?.expr).toMatch(/:increase1h >= 2$/);
    expect(byName(rules, 'ImmigrationAiApiSlow', 'warning')?.expr).toMatch(/:increase1h >= 7$/);
    expect(rules.find((r) => r.labels.reason === 'backup_too_old')?.expr).toMatch(/ > 172800$/);
  });

  it('refuses an SLO latency threshold that is not a histogram bucket bound', () => {
    const c = loadConfig('dev', {}, { alerting: { slo: { latencyThresholdSeconds: 3 } } });
    expect(() => buildRuleGroups(c)).toThrow(/latencyThresholdSeconds \(3\) must be a bucket bound/);
  });
});

describe('runbooks', () => {
  const tree = runbooksTree(configs);

  it('every runbook_url of every environment resolves to a generated runbook file', () => {
    for (const config of configs) {
      for (const rule of alertingRules(config)) {
        const url = rule.annotations.runbook_url;
        expect(url.startsWith(`${config.links.runbookBaseUrl}/`)).toBe(true);
        const file = `runbooks/${url.slice(config.links.runbookBaseUrl.length + 1)}`;
        expect({ alert: rule.alert, exists: tree.get(file) !== undefined }).toEqual({ alert: rule.alert, exists: true });
      }
    }
  });

  it('are mounted once at dist/runbooks/ and list each environment\'s rule', () => {
    const dist = synthesize(ENVIRONMENT_NAMES, {});
    const page = dist.get('runbooks/ImmigrationAiHighCpuUsage.md') ?? '';
    expect(page).toContain('# ImmigrationAiHighCpuUsage');
    expect(page).toContain('## Mitigation');
    for (const env of ENVIRONMENT_NAMES) {
      expect(page).toContain(`| ${env} | critical | 1m | \`instance:immigration_ai_node_cpu_busy:ratio_rate5m{job="node-exporter"} > 0.9\` |`);
      expect(page).toContain(`| ${env} | critical | 1m | \`immigration_ai_system_cpu_usage_ratio{job="immigration-ai-exporter"} > 0.9 unless on () (up{job="node-exporter"} == 1)\` |`);
    }
    expect(dist.paths().filter((p) => p.includes('runbooks/')).every((p) => p.startsWith('runbooks/'))).toBe(true);
  });

  it('also takes a single environment\'s config', () => {
    const single = runbooksTree(production);
    expect(single.paths()).toEqual(tree.paths());
    expect(single.get('runbooks/Watchdog.md')).toContain('| production | none | 0s | `vector(1)` |');
  });

  it('fails loudly for an alert without runbook content', () => {
    const rules = buildRuleGroups(production);
    expect(rules.some((g) => g.rules.some(isAlertingRule))).toBe(true);
    const content = jest.requireActual('../alert-rules/runbook-content.js').RUNBOOK_CONTENT as Record<string, unknown>;
    const saved = content.Watchdog;
    delete content.Watchdog;
    try {
      expect(() => runbooksTree([production])).toThrow(/Watchdog has no runbook/);
    } finally {
      content.Watchdog = saved;
    }
  });
});
