/**
 * Replays the data-flow diagram against the generated NetworkPolicies with a small evaluator of
 * Kubernetes' NetworkPolicy semantics (a pod selected by any policy of a type is isolated for that
 * type; a connection needs the source's egress and the destination's ingress to allow it).
 */
import { ALERTMANAGER, ALLOY, EXPORTER, GRAFANA, LOKI, PROMETHEUS, REPORTS, SMS_BRIDGE } from '../contract/components.js';
import { ENVIRONMENT_NAMES, loadConfig } from '../contract/config/index.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { type K8sObject, objectsIn, podLabelsOf, workloads } from './helpers/manifests.js';

type Labels = Record<string, string>;
interface Endpoint { namespace?: string; labels?: Labels; external?: boolean }
interface Selector { matchLabels?: Labels }
interface PolicyPeer { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: { cidr: string } }
interface PolicyRule { from?: PolicyPeer[]; to?: PolicyPeer[]; ports?: { port: number; protocol: string }[] }

const matches = (sel: Selector | undefined, labels: Labels): boolean =>
  Object.entries(sel?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);

function peerMatches(peer: PolicyPeer, policyNs: string, e: Endpoint): boolean {
  if (peer.ipBlock) return e.external === true;
  if (e.external) return false;
  const nsLabels = { 'kubernetes.io/metadata.name': e.namespace as string };
  const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector, nsLabels) : e.namespace === policyNs;
  const podOk = peer.podSelector ? matches(peer.podSelector, e.labels ?? {}) : true;
  return nsOk && podOk;
}

function side(policies: K8sObject[], self: Endpoint, other: Endpoint, type: 'Ingress' | 'Egress', port: number, protocol: string): boolean {
  if (self.external) return true; // outside the cluster: no policy of ours applies
  const applying = policies.filter((p) => {
    const spec = p.spec as { podSelector: Selector; policyTypes: string[] };
    return p.metadata.namespace === self.namespace && spec.policyTypes.includes(type) && matches(spec.podSelector, self.labels ?? {});
  });
  if (applying.length === 0) return true;
  return applying.some((p) => {
    const rules = ((p.spec as Record<string, unknown>)[type === 'Ingress' ? 'ingress' : 'egress'] as PolicyRule[] | undefined) ?? [];
    return rules.some((r) => {
      const peers = type === 'Ingress' ? r.from : r.to;
      const peerOk = peers === undefined || peers.some((x) => peerMatches(x, p.metadata.namespace as string, other));
      const portOk = r.ports === undefined || r.ports.some((x) => x.port === port && (x.protocol ?? 'TCP') === protocol);
      return peerOk && portOk;
    });
  });
}

function allowed(policies: K8sObject[], from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
  return side(policies, from, to, 'Egress', port, protocol) && side(policies, to, from, 'Ingress', port, protocol);
}

describe.each(ENVIRONMENT_NAMES)('NetworkPolicies (%s)', (env) => {
  const config = loadConfig(env, {});
  const objects = objectsIn(synthesizeEnvironment(config), '', 'k8s');
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const ns = config.namespace;
  const pod = (name: string, namespace = ns): Endpoint => {
    const w = workloads(objects).find((o) => o.metadata.name === name || podLabelsOf(o)['app.kubernetes.io/name'] === name);
    if (!w) throw new Error(`no workload ${name}`);
    return { namespace, labels: podLabelsOf(w) };
  };
  const world: Endpoint = { external: true };
  const appPod: Endpoint = { namespace: config.kubernetes.appNamespace, labels: { app: 'immigration-ai' } };
  const ingressController: Endpoint = { namespace: config.kubernetes.ingressControllerNamespace, labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
  const prometheus = pod(PROMETHEUS.name);
  const alertmanager = pod(ALERTMANAGER.name);
  const grafana = pod(GRAFANA.name);
  const loki = pod(LOKI.name);
  const exporter = pod(EXPORTER.name);
  const alloy = pod(ALLOY.name, config.kubernetes.logCollectorNamespace);
  const reports = pod('immigration-ai-daily-report');

  it('default deny in both namespaces, and every workload has its own ingress+egress policy', () => {
    for (const n of [ns, config.kubernetes.logCollectorNamespace]) {
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
});

describe.each(ENVIRONMENT_NAMES)('NetworkPolicies, operator profile (%s)', (env) => {
  const config = loadConfig(env, {});
  const objects = objectsIn(synthesizeEnvironment(config), '', 'operator');
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const ns = config.namespace;
  const stack = config.kubernetes.operatorProfile.stackNamespace;
  const world: Endpoint = { external: true };
  const ours = (name: string): Endpoint => ({ namespace: ns, labels: podLabelsOf(workloads(objects).find((o) => o.metadata.name === name)!) });
  const exporter = ours(EXPORTER.name);
  const stackPrometheus: Endpoint = { namespace: stack, labels: { 'app.kubernetes.io/name': 'prometheus', prometheus: 'kube-prometheus-stack-prometheus' } };
  const stackAlertmanager: Endpoint = { namespace: stack, labels: { 'app.kubernetes.io/name': 'alertmanager', alertmanager: 'kube-prometheus-stack-alertmanager' } };
  const stackGrafana: Endpoint = { namespace: stack, labels: { 'app.kubernetes.io/name': 'grafana' } };
  const appPod: Endpoint = { namespace: config.kubernetes.appNamespace, labels: { app: 'immigration-ai' } };

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
