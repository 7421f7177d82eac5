/**
 * Config changes roll exactly the pods that read them: synth twice with one setting changed and
 * compare the pod templates. A pod template changes only when its own spec or a `checksum/<name>`
 * annotation of a ConfigMap it reads at start changes; Prometheus and Alertmanager pick up rule,
 * config and route changes through their reloaders, and Grafana rescans dashboards, so those
 * changes roll nothing.
 */
import { createHash } from 'node:crypto';
import { EXPORTER_MAINTENANCE } from '../contract/components.js';
import { loadConfig, type DeepPartial, type MonitoringConfig } from '../contract/config/index.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { type K8sObject, objectsIn, workloads } from './helpers/manifests.js';

const objectsOf = (extra?: DeepPartial<MonitoringConfig>): K8sObject[] => objectsIn(synthesizeEnvironment(loadConfig('production', {}, extra)), '', 'k8s');
const BASE = objectsOf();
const id = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;

function templateOf(w: K8sObject): unknown {
  const spec = w.spec as Record<string, any>;
  return w.kind === 'CronJob' ? spec.jobTemplate.spec.template : spec.template;
}

/** Workloads whose pod template differs between two syntheses. */
function rolled(a: K8sObject[], b: K8sObject[]): string[] {
  const before = new Map(workloads(a).map((w) => [id(w), JSON.stringify(templateOf(w))]));
  return workloads(b).filter((w) => before.get(id(w)) !== JSON.stringify(templateOf(w))).map(id).sort();
}

/** ConfigMaps and Secrets whose content differs. */
function changedConfigs(a: K8sObject[], b: K8sObject[]): string[] {
  const content = (o: K8sObject): string => JSON.stringify([o.data, o.stringData]);
  const before = new Map(a.filter((o) => ['ConfigMap', 'Secret'].includes(o.kind)).map((o) => [id(o), content(o)]));
  return b.filter((o) => ['ConfigMap', 'Secret'].includes(o.kind) && before.get(id(o)) !== content(o)).map(id).sort();
}

const REPORTS = ['CronJob/immigration-ai-daily-report', 'CronJob/immigration-ai-weekly-report'];

describe('one setting changed: exactly the pods that read it get a new template', () => {
  const cases: [string, DeepPartial<MonitoringConfig>, string[], string[]][] = [
    // [what, change, pod templates that change, configuration objects that change]
    ['the health-check interval (exporter ConfigMap, read by the exporter and the reports; the check-age panel rescans)', { healthCheckIntervalSeconds: 120 },
      ['Deployment/immigration-ai-exporter', ...REPORTS], ['ConfigMap/immigration-ai-exporter-config', 'ConfigMap/grafana-dashboard-immigration-ai-system-overview']],
    ['log retention (Loki\'s config file)', { logRetentionDays: 14 }, ['StatefulSet/loki'], ['ConfigMap/loki-config']],
    ['the SMS cap (the bridge\'s own environment; the dropped-pages rule and panel reload)', { suppression: { maxAlertsPerHour: 6 } },
      ['Deployment/immigration-ai-sms-bridge'], ['ConfigMap/prometheus-rules', 'ConfigMap/grafana-dashboard-immigration-ai-system-overview']],
    ['the cluster label (Alloy\'s config; Prometheus reloads its own)', { cluster: 'immigration-ai-eu' }, ['DaemonSet/alloy'], ['ConfigMap/alloy-config', 'ConfigMap/prometheus-config']],
    ['the cooldown (Alertmanager reloads its routes)', { suppression: { cooldownMinutes: 30 } }, [], ['Secret/alertmanager-config']],
  ];

  it.each(cases)('%s', (_what, change, pods, configs) => {
    const changed = objectsOf(change);
    expect(changedConfigs(BASE, changed)).toEqual(configs.sort());
    expect(rolled(BASE, changed)).toEqual(pods.sort());
  });

  it('a threshold rolls nothing: the rules reload and Grafana rescans the dashboards that draw it', () => {
    const changed = objectsOf({ alerting: { thresholds: { critical: { cpuUsageRatio: 0.85 } } } });
    const configs = changedConfigs(BASE, changed);
    expect(configs).toContain('ConfigMap/prometheus-rules');
    expect(configs.filter((c) => c.startsWith('ConfigMap/grafana-dashboard-')).length).toBeGreaterThan(0);
    expect(configs.filter((c) => c !== 'ConfigMap/prometheus-rules' && !c.startsWith('ConfigMap/grafana-dashboard-'))).toEqual([]);
    expect(rolled(BASE, changed)).toEqual([]);
  });

  it('Grafana\'s URL rolls Grafana (grafana.ini) but not Prometheus, whose rule annotations reload', () => {
    const changed = objectsOf({ links: { grafanaUrl: 'https://grafana.example.org' } });
    expect(rolled(BASE, changed)).toEqual(['Deployment/grafana']);
    expect(changedConfigs(BASE, changed)).toEqual(expect.arrayContaining(['ConfigMap/grafana-config', 'ConfigMap/prometheus-rules']));
  });
});

describe('checksums', () => {
  /** ConfigMaps whose changes a program applies by itself (the exporter reads its maintenance switch at every scrape). */
  const RELOADED = new Set<string>(['prometheus-config', 'prometheus-rules', EXPORTER_MAINTENANCE.configMap]);
  const isDashboard = (name: string): boolean => name.startsWith('grafana-dashboard-') && name !== 'grafana-dashboard-providers';

  it('every pod template carries the sha256 of each generated ConfigMap it reads at start, and no other', () => {
    const configMaps = new Map(BASE.filter((o) => o.kind === 'ConfigMap').map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
    let checked = 0;
    for (const w of workloads(BASE)) {
      const t = templateOf(w) as { metadata: { annotations?: Record<string, string> }; spec: Record<string, any> };
      const ns = w.metadata.namespace as string;
      const read = new Set<string>();
      for (const v of t.spec.volumes ?? []) {
        if (v.configMap) read.add(v.configMap.name);
        for (const s of v.projected?.sources ?? []) if (s.configMap) read.add(s.configMap.name);
      }
      for (const c of [...(t.spec.initContainers ?? []), ...t.spec.containers]) for (const f of c.envFrom ?? []) if (f.configMapRef) read.add(f.configMapRef.name);
      const expected = Object.fromEntries(
        [...read]
          .filter((n) => configMaps.has(`${ns}/${n}`) && !RELOADED.has(n) && !isDashboard(n))
          .sort()
          .map((n) => {
            const data = configMaps.get(`${ns}/${n}`)!.data as Record<string, string>;
            const canonical = JSON.stringify(Object.keys(data).sort().map((k) => [k, data[k]]));
            return [`checksum/${n}`, createHash('sha256').update(canonical).digest('hex')];
          }),
      );
      const actual = Object.fromEntries(Object.entries(t.metadata.annotations ?? {}).filter(([k]) => k.startsWith('checksum/')));
      expect({ w: id(w), checksums: actual }).toEqual({ w: id(w), checksums: expected });
      checked += Object.keys(expected).length;
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });
});
