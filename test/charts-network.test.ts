/**
 * Replays the data-flow diagram against the generated NetworkPolicies with the evaluator of
 * Kubernetes' NetworkPolicy semantics that `npm run diff` uses (stacks/review/network-policy.ts: a
 * pod selected by any policy of a type is isolated for that type; a connection needs the source's
 * egress and the destination's ingress to allow it).
 */
import { ALERTMANAGER, ALLOY, EXPORTER, GRAFANA, KUBELET, LOKI, NODE_EXPORTER, PROMETHEUS, REPORTS, SMS_BRIDGE } from '../contract/components.js';
import { ENVIRONMENT_NAMES, loadConfig } from '../contract/config/index.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { allowed, type Endpoint, selects } from '../stacks/review/network-policy.js';
import { objectsIn, podLabelsOf, workloads } from './helpers/manifests.js';

type Labels = Record<string, string>;
interface Selector { matchLabels?: Labels }

const matches = (sel: Selector | undefined, labels: Labels): boolean => selects(sel ?? {}, labels);

describe.each(ENVIRONMENT_NAMES)('NetworkPolicies (%s)', (env) => {
  const config = loadConfig(env, {});
  const objects = objectsIn(synthesizeEnvironment(config), '', 'k8s');
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const ns = config.namespace;
  const pod = (name: string, namespace = ns): Endpoint => {
    const w = workloads(objects).find((o) => o.metadata.name === name || podLabelsOf(o)['app.kubernetes.io/name'] === name);
    if (!w) throw new Error(`no workload ${name}`);
    return { name, namespace, labels: podLabelsOf(w) };
  };
  const world: Endpoint = { name: 'outside the cluster', external: true };
  const appPod: Endpoint = { name: 'the app', namespace: config.kubernetes.appNamespace, labels: { app: 'immigration-ai' } };
  const ingressController: Endpoint = { name: 'the ingress controller', namespace: config.kubernetes.ingressControllerNamespace, labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
  const prometheus = pod(PROMETHEUS.name);
  const alertmanager = pod(ALERTMANAGER.name);
  const grafana = pod(GRAFANA.name);
  const loki = pod(LOKI.name);
  const exporter = pod(EXPORTER.name);
  const alloy = pod(ALLOY.name, config.kubernetes.logCollectorNamespace);
  const nodeExporter = pod(NODE_EXPORTER.name, config.kubernetes.nodeExporterNamespace);
  const reports = pod('immigration-ai-daily-report');

  it('default deny in both namespaces, and every workload has its own ingress+egress policy', () => {
    for (const n of [ns, config.kubernetes.logCollectorNamespace, config.kubernetes.nodeExporterNamespace]) {
      const deny = policies.find((p) => p.metadata.namespace === n && p.metadata.name === 'default-deny');
      expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
    for (const w of workloads(objects)) {
      const labels = podLabelsOf(w);
      const own = policies.filter((p) => {
        const spec = p.spec as { podSelector: Selector; policyTypes: string[] };
        return p.metadata.namespace === w.metadata.namespace && Object.keys(spec.podSelector.matchLabels ?? {}).length > 0 && matches(spec.podSelector, labels);
      });
      expect({ w: w.metadata.name, types: own.flatMap((p) => (p.spec as { policyTypes: string[] }).policyTypes).sort() })
        .toEqual({ w: w.metadata.name, types: ['Egress', 'Ingress'] });
    }
  });

  it('allows exactly the flows of the data-flow diagram', () => {
    const must: [string, Endpoint, Endpoint, number, string?][] = [
      ['Prometheus scrapes the exporter', prometheus, exporter, EXPORTER.port],
      ['Prometheus scrapes the app', prometheus, appPod, 3000],
      ['Prometheus scrapes Grafana', prometheus, grafana, GRAFANA.port],
      ['Prometheus scrapes Loki', prometheus, loki, LOKI.port],
      ['Prometheus scrapes Alloy', prometheus, alloy, ALLOY.port],
      ['Prometheus to Alertmanager', prometheus, alertmanager, ALERTMANAGER.port],
      ['Prometheus to the Kubernetes API', prometheus, world, 443],
      ['Prometheus scrapes node-exporter', prometheus, nodeExporter, NODE_EXPORTER.port],
      ['Prometheus scrapes the kubelets', prometheus, world, KUBELET.port],
      ['Grafana to Prometheus', grafana, prometheus, PROMETHEUS.port],
      ['Grafana to Loki', grafana, loki, LOKI.port],
      ['Grafana to Alertmanager', grafana, alertmanager, ALERTMANAGER.port],
      ['Alloy to Loki', alloy, loki, LOKI.port],
      ['the app pushes its logs to the collector', appPod, alloy, ALLOY.pushPort],
      ['the exporter pushes its logs to the collector', exporter, alloy, ALLOY.pushPort],
      ['Alertmanager to SMTP', alertmanager, world, config.channels.email.smtpPort],
      ['Alertmanager to Slack', alertmanager, world, 443],
      ['users to Grafana through the ingress controller', ingressController, grafana, GRAFANA.port],
      ['the exporter to PostgreSQL', exporter, world, 5432],
      ['reports query Prometheus', reports, prometheus, PROMETHEUS.port],
      ['DNS', loki, world, 53, 'UDP'],
    ];
    if (config.replicas.alertmanager > 1) {
      must.push(['Alertmanager gossip TCP', alertmanager, alertmanager, ALERTMANAGER.clusterPort], ['Alertmanager gossip UDP', alertmanager, alertmanager, ALERTMANAGER.clusterPort, 'UDP']);
    }
    if (config.channels.sms.enabled) {
      const bridge = pod(SMS_BRIDGE.name);
      must.push(
        ['Alertmanager to the SMS bridge', alertmanager, bridge, SMS_BRIDGE.port],
        ['the SMS bridge to Twilio', bridge, world, 443],
        ['the SMS bridge pushes its logs to the collector', bridge, alloy, ALLOY.pushPort],
      );
    }
    for (const [why, from, to, port, proto] of must) expect({ why, allowed: allowed(policies, from, to, port, proto) }).toEqual({ why, allowed: true });
  });

  it('denies everything else we can name', () => {
    const mustNot: [string, Endpoint, Endpoint, number][] = [
      ['the exporter to Prometheus', exporter, prometheus, PROMETHEUS.port],
      ['Grafana scraping the exporter', grafana, exporter, EXPORTER.port],
      ['the outside to Prometheus', world, prometheus, PROMETHEUS.port],
      ['the outside to Alertmanager', world, alertmanager, ALERTMANAGER.port],
      ['the app to Prometheus', appPod, prometheus, PROMETHEUS.port],
      ['Loki to the internet', loki, world, 443],
      ['Alloy to Prometheus', alloy, prometheus, PROMETHEUS.port],
      ['Grafana to the internet', grafana, world, 443],
      ['reports to the exporter', reports, exporter, EXPORTER.port],
      ['Prometheus to SMTP', prometheus, world, 587],
      ['node-exporter to the internet', nodeExporter, world, 443],
      ['node-exporter to the Kubernetes API', nodeExporter, world, 6443],
      ['node-exporter to Prometheus', nodeExporter, prometheus, PROMETHEUS.port],
      ['Grafana scraping node-exporter', grafana, nodeExporter, NODE_EXPORTER.port],
      ['the app to node-exporter', appPod, nodeExporter, NODE_EXPORTER.port],
      ['Alloy to the kubelets', alloy, world, KUBELET.port],
      ['the exporter to the kubelets', exporter, world, KUBELET.port],
      // Loki has no authentication: only Grafana reads it and only the collector writes to it.
      ['the app to Loki (read or write)', appPod, loki, LOKI.port],
      ['the exporter to Loki', exporter, loki, LOKI.port],
      ['the reports to Loki', reports, loki, LOKI.port],
      ['Alertmanager to Loki', alertmanager, loki, LOKI.port],
      // Grafana only through the ingress controller.
      ['the outside to Grafana, around the ingress', world, grafana, GRAFANA.port],
      ['the app\'s namespace to Grafana', appPod, grafana, GRAFANA.port],
      ['the app to the collector\'s metrics port', appPod, alloy, ALLOY.port],
    ];
    for (const [why, from, to, port] of mustNot) expect({ why, allowed: allowed(policies, from, to, port) }).toEqual({ why, allowed: false });
    void REPORTS;
  });

  it('lets only Grafana (its Alertmanager datasource, behind Grafana\'s sign-in and roles) and Prometheus reach Alertmanager\'s API, and only Alertmanager its cluster port', () => {
    // Alertmanager has no authentication of its own: the NetworkPolicy is its only gate.
    const everyone: Endpoint[] = [
      ...workloads(objects).map((w) => ({ name: w.metadata.name, namespace: w.metadata.namespace ?? ns, labels: podLabelsOf(w) })),
      world, appPod, ingressController,
      { name: 'another pod of the monitoring namespace', namespace: ns, labels: { app: 'debug' } },
    ];
    const reaching = (port: number, proto?: string): string[] => everyone.filter((from) => allowed(policies, from, alertmanager, port, proto)).map((e) => e.name).sort();
    expect(reaching(ALERTMANAGER.port)).toEqual([GRAFANA.name, PROMETHEUS.name].sort());
    const peers = config.replicas.alertmanager > 1 ? [ALERTMANAGER.name] : [];
    expect(reaching(ALERTMANAGER.clusterPort)).toEqual(peers);
    expect(reaching(ALERTMANAGER.clusterPort, 'UDP')).toEqual(peers);
    // No way in from outside the cluster: no Ingress to it, no Service that opens a node port.
    const ingressBackends = objects.filter((o) => o.kind === 'Ingress').flatMap((o) => JSON.stringify(o.spec).match(/"name":"[^"]+"/g) ?? []);
    expect(ingressBackends.filter((b) => b.includes(ALERTMANAGER.name))).toEqual([]);
    for (const svc of objects.filter((o) => o.kind === 'Service' && o.metadata.name.startsWith(ALERTMANAGER.name))) {
      expect({ svc: svc.metadata.name, type: (svc.spec as { type?: string }).type ?? 'ClusterIP' }).toEqual({ svc: svc.metadata.name, type: 'ClusterIP' });
    }
  });
});

describe('NetworkPolicies with OAuth sign-in', () => {
  it('let Grafana reach the identity provider over HTTPS, and nothing else new', () => {
    const extra = { security: { adminUsers: ['lead.admin@example.com'], oauth: { enabled: true } } };
    const on = objectsIn(synthesizeEnvironment(loadConfig('production', {}, extra)), '', 'k8s');
    const off = objectsIn(synthesizeEnvironment(loadConfig('production', {})), '', 'k8s');
    const labels = podLabelsOf(workloads(on).find((o) => o.metadata.name === GRAFANA.name)!);
    const grafana: Endpoint = { name: GRAFANA.name, namespace: loadConfig('production', {}).namespace, labels };
    const world: Endpoint = { name: 'outside the cluster', external: true };
    const policiesOf = (objs: typeof on) => objs.filter((o) => o.kind === 'NetworkPolicy');
    expect(allowed(policiesOf(on), grafana, world, 443)).toBe(true);
    expect(allowed(policiesOf(off), grafana, world, 443)).toBe(false);
    expect(allowed(policiesOf(on), grafana, world, 80)).toBe(false);
  });
});

describe.each(ENVIRONMENT_NAMES)('NetworkPolicies, operator profile (%s)', (env) => {
  const config = loadConfig(env, {});
  const objects = objectsIn(synthesizeEnvironment(config), '', 'operator');
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const ns = config.namespace;
  const stack = config.kubernetes.operatorProfile.stackNamespace;
  const world: Endpoint = { name: 'outside the cluster', external: true };
  const ours = (name: string): Endpoint => ({ name, namespace: ns, labels: podLabelsOf(workloads(objects).find((o) => o.metadata.name === name)!) });
  const exporter = ours(EXPORTER.name);
  const stackPrometheus: Endpoint = { name: 'the stack\'s Prometheus', namespace: stack, labels: { 'app.kubernetes.io/name': 'prometheus', prometheus: 'kube-prometheus-stack-prometheus' } };
  const stackAlertmanager: Endpoint = { name: 'the stack\'s Alertmanager', namespace: stack, labels: { 'app.kubernetes.io/name': 'alertmanager', alertmanager: 'kube-prometheus-stack-alertmanager' } };
  const stackGrafana: Endpoint = { name: 'the stack\'s Grafana', namespace: stack, labels: { 'app.kubernetes.io/name': 'grafana' } };
  const appPod: Endpoint = { name: 'the app', namespace: config.kubernetes.appNamespace, labels: { app: 'immigration-ai' } };

  it('default deny in our namespace, and every workload has its own ingress+egress policy', () => {
    expect(policies.find((p) => p.metadata.name === 'default-deny')?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    for (const w of workloads(objects)) {
      const own = policies.filter((p) => Object.keys((p.spec as any).podSelector.matchLabels ?? {}).length > 0 && matches((p.spec as any).podSelector, podLabelsOf(w)));
      expect({ w: w.metadata.name, types: own.flatMap((p) => (p.spec as { policyTypes: string[] }).policyTypes).sort() }).toEqual({ w: w.metadata.name, types: ['Egress', 'Ingress'] });
    }
  });

  it('lets kube-prometheus-stack\'s Prometheus and Alertmanager in, and nobody else', () => {
    const must: [string, Endpoint, Endpoint, number][] = [
      ['the stack\'s Prometheus scrapes the exporter', stackPrometheus, exporter, EXPORTER.port],
      ['the exporter to PostgreSQL', exporter, world, 5432],
      ['DNS', exporter, world, 53],
    ];
    const mustNot: [string, Endpoint, Endpoint, number][] = [
      ['the app to the exporter', appPod, exporter, EXPORTER.port],
      ['the stack\'s Grafana to the exporter', stackGrafana, exporter, EXPORTER.port],
      ['the outside to the exporter', world, exporter, EXPORTER.port],
      ['the stack\'s Alertmanager to the exporter', stackAlertmanager, exporter, EXPORTER.port],
      ['the exporter to a Loki nobody configured', exporter, world, LOKI.port],
    ];
    if (config.channels.sms.enabled) {
      const bridge = ours(SMS_BRIDGE.name);
      must.push(['the stack\'s Alertmanager to the SMS bridge', stackAlertmanager, bridge, SMS_BRIDGE.port], ['the stack\'s Prometheus scrapes the SMS bridge', stackPrometheus, bridge, SMS_BRIDGE.port], ['the SMS bridge to Twilio', bridge, world, 443]);
      mustNot.push(['the app to the SMS bridge', appPod, bridge, SMS_BRIDGE.port], ['the outside to the SMS bridge', world, bridge, SMS_BRIDGE.port]);
    }
    for (const [why, from, to, port] of must) expect({ why, allowed: allowed(policies, from, to, port, why === 'DNS' ? 'UDP' : 'TCP') }).toEqual({ why, allowed: true });
    for (const [why, from, to, port] of mustNot) expect({ why, allowed: allowed(policies, from, to, port) }).toEqual({ why, allowed: false });
  });
});
