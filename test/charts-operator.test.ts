/** Profile `operator`: what kube-prometheus-stack picks up, with its default selectors. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { qualify, toAlertmanagerConfigSpec } from '../charts/alertmanager-crd.js';
import { requireTool } from './helpers/tools.js';
import { loadConfig } from '../contract/config/index.js';
import { toYaml } from '../contract/serialize.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { buildAlertmanagerConfig, buildRuleGroups } from '../alert-rules/index.js';
import { buildDashboards } from '../dashboards/index.js';
import { find, objectsIn } from './helpers/manifests.js';

describe('operator profile', () => {
  const config = loadConfig('production', {});
  const tree = synthesizeEnvironment(config);
  const objects = objectsIn(tree, '', 'operator');

  it('has its own kustomization listing only the add-on files', () => {
    const k = parse(tree.get('operator/kustomization.yaml') as string);
    expect(k.resources).toEqual(['alertmanager.yaml', 'dashboards.yaml', 'exporter-config.yaml', 'exporter.yaml', 'namespace.yaml', 'prometheus.yaml', 'sms-bridge.yaml']);
    expect(objects.map((o) => o.kind).filter((k2) => ['StatefulSet', 'DaemonSet', 'Ingress'].includes(k2))).toEqual([]);
  });

  it('labels PrometheusRule, ServiceMonitors and AlertmanagerConfig with the release label (default kube-prometheus-stack)', () => {
    for (const kind of ['PrometheusRule', 'ServiceMonitor', 'AlertmanagerConfig']) {
      const found = objects.filter((o) => o.kind === kind);
      expect(found.length).toBeGreaterThan(0);
      for (const o of found) expect(o.metadata.labels!.release).toBe('kube-prometheus-stack');
    }
    const custom = objectsIn(synthesizeEnvironment(loadConfig('production', {}, { kubernetes: { operatorReleaseLabel: 'monitoring' } })), '', 'operator');
    expect(find(custom, 'ServiceMonitor', 'immigration-ai-exporter').metadata.labels!.release).toBe('monitoring');
  });

  it('the PrometheusRule carries the rule groups, and they pass promtool check rules', () => {
    const rule = find(objects, 'PrometheusRule', 'immigration-ai');
    const groups = buildRuleGroups(config);
    expect(JSON.parse(JSON.stringify((rule.spec as { groups: unknown }).groups))).toEqual(JSON.parse(JSON.stringify(groups)));
    const dir = mkdtempSync(join(tmpdir(), 'charts-operator-'));
    try {
      writeFileSync(join(dir, 'rules.yaml'), toYaml(rule.spec));
      const r = spawnSync(requireTool('promtool'), ['check', 'rules', join(dir, 'rules.yaml')], { encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`).toContain(`SUCCESS: ${groups.reduce((n, g) => n + g.rules.length, 0)} rules found`);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the exporter ServiceMonitor keeps the job label of the contract', () => {
    const sm = find(objects, 'ServiceMonitor', 'immigration-ai-exporter').spec as any;
    expect(sm.endpoints[0]).toMatchObject({ port: 'http-metrics', relabelings: [{ targetLabel: 'job', replacement: 'immigration-ai-exporter' }] });
    expect(sm.selector.matchLabels['app.kubernetes.io/name']).toBe('immigration-ai-exporter');
  });

  it('dashboards go out as one ConfigMap each for the Grafana sidecar, with their folder', () => {
    const cms = objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1');
    expect(cms.map((c) => c.metadata.annotations!.grafana_folder).sort()).toEqual(buildDashboards(config).map((d) => d.folder).sort());
    for (const cm of cms) expect(JSON.parse(Object.values(cm.data as Record<string, string>)[0]).uid).toBeDefined();
  });
});

describe('alertmanager.yml -> AlertmanagerConfig', () => {
  const spec = toAlertmanagerConfigSpec(buildAlertmanagerConfig(loadConfig('production', {})), 'immigration-ai-monitoring') as any;

  it('turns Secret references into Secret key selectors and qualifies our Services', () => {
    const critical = spec.receivers.find((r: any) => r.name === 'critical');
    expect(critical.emailConfigs[0]).toMatchObject({
      smarthost: 'smtp.gmail.com:587', from: 'alerts@immigrationai.com', requireTLS: true,
      authPassword: { name: 'alertmanager-smtp', key: 'password' },
    });
    expect(critical.slackConfigs[0].apiURL).toEqual({ name: 'alertmanager-slack', key: 'webhook-url' });
    expect(critical.webhookConfigs[0].url).toBe('http://immigration-ai-sms-bridge.immigration-ai-monitoring.svc:9095/alerts');
    expect(critical.webhookConfigs[0].maxAlerts).toBe(50);
  });

  it('keeps routes, matchers and inhibition', () => {
    expect(spec.route.receiver).toBe('warning');
    expect(spec.route.repeatInterval).toBe('14m30s');
    expect(spec.route.routes[1].matchers).toEqual([{ name: 'severity', matchType: '=~', value: 'info|none' }]);
    expect(spec.inhibitRules[0]).toEqual({
      sourceMatch: [{ name: 'severity', matchType: '=', value: 'critical' }],
      targetMatch: [{ name: 'severity', matchType: '=', value: 'warning' }],
      equal: ['alertname', 'cluster', 'job', 'instance', 'component', 'mountpoint', 'method', 'route', 'reason', 'slo'],
    });
  });

  it('qualifies only in-namespace URLs', () => {
    expect(qualify('http://immigration-ai-sms-bridge:9095/alerts', 'n')).toBe('http://immigration-ai-sms-bridge.n.svc:9095/alerts');
    expect(qualify('https://hooks.example.com/x', 'n')).toBe('https://hooks.example.com/x');
  });
});
