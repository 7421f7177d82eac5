/** Profile `operator`: what kube-prometheus-stack picks up, with its default selectors. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { qualify, toAlertmanagerConfigSpec } from '../charts/alertmanager-crd.js';
import { operatorRuleGroups } from '../charts/operator.js';
import { ALERTS, STACK_ALERTS } from '../contract/alerts.js';
import { isAlertingRule, type RuleGroup } from '../contract/rules.js';
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
    expect(k.resources).toEqual(['alertmanager.yaml', 'dashboards.yaml', 'exporter-config.yaml', 'exporter.yaml', 'namespace.yaml', 'network-policies.yaml', 'prometheus.yaml', 'sms-bridge.yaml']);
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

  it('the PrometheusRule carries the rule groups with our namespace on every alert, and they pass promtool check rules', () => {
    const rule = find(objects, 'PrometheusRule', 'immigration-ai');
    const groups = operatorRuleGroups(buildRuleGroups(config), config.namespace, false);
    const shipped = (rule.spec as { groups: RuleGroup[] }).groups;
    expect(JSON.parse(JSON.stringify(shipped))).toEqual(JSON.parse(JSON.stringify(groups)));
    const alerts = shipped.flatMap((g) => g.rules.filter(isAlertingRule));
    expect(alerts.length).toBeGreaterThan(10);
    for (const a of alerts) expect({ alert: a.alert, namespace: a.labels?.namespace }).toEqual({ alert: a.alert, namespace: config.namespace });
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

  it('node and container metrics: kube-prometheus-stack\'s own node-exporter and kubelet jobs, our rules only', () => {
    // Nothing scrapes or runs node-exporter or the kubelet from here: no second node-exporter, no second kubelet job.
    expect(objects.filter((o) => o.kind === 'ServiceMonitor').map((o) => o.metadata.name).sort()).toEqual(['immigration-ai', 'immigration-ai-exporter', 'immigration-ai-sms-bridge']);
    expect(objects.filter((o) => ['DaemonSet', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind))).toEqual([]);
    const groups = (find(objects, 'PrometheusRule', 'immigration-ai').spec as { groups: { name: string; rules: { record?: string; expr: string }[] }[] }).groups;
    const resources = groups.find((g) => g.name === 'immigration-ai-resources.rules')!;
    // Selected by kube-prometheus-stack's job names, recorded under names of our own (never kubernetes-mixin's).
    expect(resources.rules.map((r) => r.expr).join('\n')).toMatch(/job="node-exporter"[\s\S]*job="kubelet"[\s\S]*job="kube-state-metrics"/);
    for (const r of resources.rules) expect(r.record).toMatch(/^[a-z_]+:immigration_ai_[a-z_]+:[a-z0-9_]+$/);
  });

  it('leaves out the Watchdog and the alerts on Prometheus and Alertmanager while kube-prometheus-stack\'s default rules run, and the heartbeat route with them', () => {
    const names = (objs: typeof objects): string[] =>
      ((find(objs, 'PrometheusRule', 'immigration-ai').spec as { groups: RuleGroup[] }).groups).flatMap((g) => g.rules.filter(isAlertingRule).map((r) => r.alert));
    const stackNames = STACK_ALERTS.map((k) => ALERTS[k]);
    expect(names(objects).filter((n) => (stackNames as string[]).includes(n))).toEqual([]);
    expect(names(objects)).toContain(ALERTS.maintenanceMode);
    const receivers = (objs: typeof objects): string[] => ((find(objs, 'AlertmanagerConfig', 'immigration-ai').spec as any).receivers as { name: string }[]).map((r) => r.name);
    expect(receivers(objects)).not.toContain('heartbeat');
    const own = objectsIn(synthesizeEnvironment(loadConfig('production', {}, { kubernetes: { operatorProfile: { stackDefaultRules: false } } })), '', 'operator');
    expect(names(own)).toEqual(expect.arrayContaining(stackNames));
    expect(receivers(own)).toContain('heartbeat');
  });

  it('logs to stdout only unless a push endpoint is set: nothing points at a Loki this profile does not deploy', () => {
    const cm = find(objects, 'ConfigMap', 'immigration-ai-exporter-config').data as Record<string, string>;
    expect(cm.LOKI_URL).toBeUndefined();
    const bridge = (find(objects, 'Deployment', 'immigration-ai-sms-bridge').spec as any).template.spec.containers[0].env as { name: string }[];
    expect(bridge.map((e) => e.name)).not.toContain('LOKI_URL');
    const withPush = objectsIn(synthesizeEnvironment(loadConfig('production', {}, { kubernetes: { operatorProfile: { logPushUrl: 'http://loki-gateway.logging.svc:8080' } } })), '', 'operator');
    expect((find(withPush, 'ConfigMap', 'immigration-ai-exporter-config').data as Record<string, string>).LOKI_URL).toBe('http://loki-gateway.logging.svc:8080');
    const egress = (find(withPush, 'NetworkPolicy', 'immigration-ai-exporter').spec as any).egress as { ports: { port: number }[] }[];
    expect(egress.flatMap((e) => e.ports.map((p) => p.port))).toContain(8080);
    expect(() => loadConfig('production', {}, { kubernetes: { operatorProfile: { logPushUrl: 'loki:3100' } } })).toThrow(/kubernetes\.operatorProfile\.logPushUrl/);
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
      equal: [
        'alertname', 'cluster', 'job', 'instance', 'component', 'mountpoint', 'method', 'route', 'reason', 'slo',
        'scope', 'resource', 'node', 'device', 'namespace', 'pod', 'container', 'persistentvolumeclaim',
      ],
    });
  });

  it('qualifies only in-namespace URLs', () => {
    expect(qualify('http://immigration-ai-sms-bridge:9095/alerts', 'n')).toBe('http://immigration-ai-sms-bridge.n.svc:9095/alerts');
    expect(qualify('https://hooks.example.com/x', 'n')).toBe('https://hooks.example.com/x');
  });
});
