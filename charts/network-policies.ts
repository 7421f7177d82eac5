import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyIngressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyIngressRule';
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import { ALERTMANAGER, ALLOY, DNS_PORT, EXPORTER, GRAFANA, KUBELET, LOKI, NODE_EXPORTER, PROMETHEUS, REPORTS, SMS_BRIDGE, VERIFY_DEPLOYMENT } from '../contract/components.js';
import { type ChartContext, selectorLabels } from './lib/labels.js';
import { emit, meta } from './lib/workload.js';

export type Peer =
  | { kind: 'pod'; component: string; namespace: string }
  /** Pods of a component that is not ours (kube-prometheus-stack's), by their own labels. */
  | { kind: 'pods'; labels: Record<string, string>; namespace: string }
  | { kind: 'namespace'; namespace: string }
  /** Outside the cluster or unknown ahead of time (SMTP, Slack, Twilio, the database, the API server, the ingress controller). */
  | { kind: 'anywhere' };

export interface Flow {
  from: Peer;
  to: Peer;
  ports: { port: number; protocol: 'TCP' | 'UDP' }[];
  why: string;
}

const tcp = (...ports: number[]): Flow['ports'] => ports.map((port) => ({ port, protocol: 'TCP' as const }));
const NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The data-flow diagram as data: every connection the stack makes. The NetworkPolicies are
 * generated from it (default deny, then exactly these), and a test replays it against them.
 */
export interface NetworkProps {
  appNamespace: string;
  logCollectorNamespace: string;
  nodeExporterNamespace: string;
  /** Users reach Grafana only through the ingress controller in this namespace. */
  ingressControllerNamespace: string;
  smtpPort: number;
  alertmanagerReplicas: number;
  grafanaReplicas: number;
  smsBridge: boolean;
  ldap: boolean;
  /** Grafana signs users in through an identity provider (its token and user-info endpoints). */
  oauth?: boolean;
  /** The deployment verification pod: the app's Service port it checks, and whether it posts to Slack. */
  verifyDeployment?: { appPort: number; slack: boolean };
  /** The S3 endpoint's port when it is not 443 (exporter.storage.kind `s3`). */
  exporterStoragePort?: number;
}

export function flows(ctx: ChartContext, props: NetworkProps): Flow[] {
  const ns = ctx.namespace;
  const pod = (component: string, namespace = ns): Peer => ({ kind: 'pod', component, namespace });
  const prometheus = pod(PROMETHEUS.name);
  const alertmanager = pod(ALERTMANAGER.name);
  const grafana = pod(GRAFANA.name);
  const loki = pod(LOKI.name);
  const exporter = pod(EXPORTER.name);
  const alloy = pod(ALLOY.name, props.logCollectorNamespace);
  const nodeExporter = pod(NODE_EXPORTER.name, props.nodeExporterNamespace);
  const reports = pod(REPORTS.name);
  const app: Peer = { kind: 'namespace', namespace: props.appNamespace };
  const anywhere: Peer = { kind: 'anywhere' };
  const smtp = props.smtpPort;
  const out: Flow[] = [
    { from: prometheus, to: exporter, ports: tcp(EXPORTER.port), why: 'scrape the exporter' },
    { from: prometheus, to: prometheus, ports: tcp(PROMETHEUS.port), why: 'scrape itself and its peer replica' },
    { from: prometheus, to: alertmanager, ports: tcp(ALERTMANAGER.port), why: 'send alerts, scrape Alertmanager' },
    { from: prometheus, to: grafana, ports: tcp(GRAFANA.port), why: 'scrape Grafana' },
    { from: prometheus, to: loki, ports: tcp(LOKI.port), why: 'scrape Loki' },
    { from: prometheus, to: alloy, ports: tcp(ALLOY.port), why: 'scrape the log collector' },
    { from: prometheus, to: app, ports: [], why: 'scrape the app (its metrics port is the app\'s choice)' },
    { from: prometheus, to: anywhere, ports: tcp(443, 6443), why: 'Kubernetes API for service discovery; remote_write' },
    { from: prometheus, to: nodeExporter, ports: tcp(NODE_EXPORTER.port), why: 'scrape node-exporter on every node' },
    // Node addresses are not pods: no selector can name them, and their range is the cluster's to know.
    { from: prometheus, to: anywhere, ports: tcp(KUBELET.port), why: 'scrape every node\'s kubelet (volume stats, cAdvisor)' },
    { from: grafana, to: prometheus, ports: tcp(PROMETHEUS.port), why: 'datasource' },
    { from: grafana, to: loki, ports: tcp(LOKI.port), why: 'datasource' },
    { from: grafana, to: alertmanager, ports: tcp(ALERTMANAGER.port), why: 'datasource' },
    { from: { kind: 'namespace', namespace: props.ingressControllerNamespace }, to: grafana, ports: tcp(GRAFANA.port), why: 'users through the ingress controller' },
    { from: alertmanager, to: anywhere, ports: tcp(smtp, 443), why: 'SMTP, Slack and the heartbeat webhook' },
    // Loki has no authentication (auth_enabled: false): only the collector writes, only Grafana reads
    // (Prometheus' scrape of /metrics uses the same port; a NetworkPolicy cannot tell paths apart).
    { from: alloy, to: loki, ports: tcp(LOKI.port), why: 'ship node logs and the pushed logs' },
    { from: alloy, to: anywhere, ports: tcp(443, 6443), why: 'Kubernetes API for pod discovery' },
    { from: exporter, to: alloy, ports: tcp(ALLOY.pushPort), why: 'the exporter pushes its own logs to the collector' },
    { from: app, to: alloy, ports: tcp(ALLOY.pushPort), why: 'the app pushes its logs (pino-loki) to the collector' },
    { from: exporter, to: anywhere, ports: tcp(...exporterEgressPorts(props.exporterStoragePort)), why: 'PostgreSQL health checks; S3 storage checks' },
    { from: reports, to: prometheus, ports: tcp(PROMETHEUS.port), why: 'query the report figures' },
    { from: reports, to: anywhere, ports: tcp(smtp, 443), why: 'send the report by email and Slack' },
  ];
  if (props.alertmanagerReplicas > 1) {
    out.push({ from: alertmanager, to: alertmanager, ports: [{ port: ALERTMANAGER.clusterPort, protocol: 'TCP' }, { port: ALERTMANAGER.clusterPort, protocol: 'UDP' }], why: 'cluster gossip' });
  }
  if (props.smsBridge) {
    out.push({ from: alertmanager, to: pod(SMS_BRIDGE.name), ports: tcp(SMS_BRIDGE.port), why: 'critical alerts to the SMS bridge' });
    out.push({ from: pod(SMS_BRIDGE.name), to: anywhere, ports: tcp(443), why: 'Twilio Messages API' });
    out.push({ from: prometheus, to: pod(SMS_BRIDGE.name), ports: tcp(SMS_BRIDGE.port), why: 'scrape the SMS bridge' });
    out.push({ from: pod(SMS_BRIDGE.name), to: alloy, ports: tcp(ALLOY.pushPort), why: 'the SMS bridge pushes its logs to the collector' });
  }
  if (props.ldap) out.push({ from: grafana, to: anywhere, ports: tcp(389, 636), why: 'LDAP sign-in' });
  if (props.oauth) out.push({ from: grafana, to: anywhere, ports: tcp(443), why: 'OAuth sign-in: the identity provider\'s token and user-info endpoints' });
  if (props.verifyDeployment) {
    const verify = pod(VERIFY_DEPLOYMENT.name);
    out.push({ from: verify, to: app, ports: tcp(props.verifyDeployment.appPort), why: 'verify a release: the app\'s health endpoint and metrics' });
    if (props.verifyDeployment.slack) out.push({ from: verify, to: anywhere, ports: tcp(443), why: 'post the verification result to Slack' });
  }
  if (props.grafanaReplicas > 1) out.push({ from: grafana, to: anywhere, ports: tcp(5432), why: 'shared Grafana database' });
  return out;
}

function peerOf(p: Peer, policyNamespace: string): INetworkPolicyPeer | undefined {
  switch (p.kind) {
    case 'anywhere':
      return undefined;
    case 'namespace':
      return { namespaceSelector: { matchLabels: { [NAME_LABEL]: p.namespace } } };
    case 'pod':
      return p.namespace === policyNamespace
        ? { podSelector: { matchLabels: selectorLabels(p.component) } }
        : { namespaceSelector: { matchLabels: { [NAME_LABEL]: p.namespace } }, podSelector: { matchLabels: selectorLabels(p.component) } };
    case 'pods':
      return p.namespace === policyNamespace
        ? { podSelector: { matchLabels: p.labels } }
        : { namespaceSelector: { matchLabels: { [NAME_LABEL]: p.namespace } }, podSelector: { matchLabels: p.labels } };
  }
}

function rule(direction: 'from' | 'to', peer: Peer, ports: Flow['ports'], policyNamespace: string): INetworkPolicyIngressRule & INetworkPolicyEgressRule {
  const selector = peerOf(peer, policyNamespace);
  return {
    ...(selector ? { [direction]: [selector] } : {}),
    ...(ports.length > 0 ? { ports: ports.map((p) => ({ port: p.port, protocol: p.protocol })) } : {}),
  };
}

const samePod = (a: Peer, component: string, namespace: string): boolean => a.kind === 'pod' && a.component === component && a.namespace === namespace;

/** Default deny and DNS in each namespace, then one policy per component of ours with its flows. */
function emitPolicies(scope: Construct, ctx: ChartContext, all: Flow[], namespaces: string[]): void {
  for (const ns of namespaces) {
    emit(scope, `default-deny-${ns}`, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(ctx, 'network-policy', 'default-deny', ns),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    emit(scope, `dns-${ns}`, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(ctx, 'network-policy', 'allow-dns', ns),
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ ports: [{ port: DNS_PORT, protocol: 'UDP' }, { port: DNS_PORT, protocol: 'TCP' }] }],
      },
    });
  }
  const components = new Map<string, { component: string; namespace: string }>();
  for (const f of all) for (const p of [f.from, f.to]) if (p.kind === 'pod') components.set(`${p.namespace}/${p.component}`, p);
  for (const { component, namespace } of [...components.values()].sort((a, b) => `${a.namespace}/${a.component}`.localeCompare(`${b.namespace}/${b.component}`))) {
    const ingress = all.filter((f) => samePod(f.to, component, namespace)).map((f) => rule('from', f.from, f.ports, namespace));
    const egress = all.filter((f) => samePod(f.from, component, namespace)).map((f) => rule('to', f.to, f.ports, namespace));
    emit(scope, `${namespace}-${component}`, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(ctx, component, component, namespace),
      spec: {
        podSelector: { matchLabels: selectorLabels(component) },
        policyTypes: ['Ingress', 'Egress'],
        ...(ingress.length > 0 ? { ingress } : {}),
        ...(egress.length > 0 ? { egress } : {}),
      },
    });
  }
}

export class NetworkPoliciesChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: NetworkProps) {
    super(scope, id, { disableResourceNameHashes: true });
    emitPolicies(this, ctx, flows(ctx, props), [ctx.namespace, props.logCollectorNamespace, props.nodeExporterNamespace]);
  }
}

/** The exporter's way out: PostgreSQL, HTTPS, and the S3 endpoint's own port when it has another. */
const exporterEgressPorts = (storagePort?: number): number[] => [5432, 443, ...(storagePort !== undefined && storagePort !== 5432 ? [storagePort] : [])];

/** Profile `operator`: what our workloads need next to kube-prometheus-stack. */
export interface OperatorNetworkProps {
  /** kube-prometheus-stack's namespace (its Prometheus and Alertmanager pods). */
  stackNamespace: string;
  smsBridge: boolean;
  /** Port of the log push endpoint the exporter and the bridge use; undefined when they log to stdout only. */
  logPushPort?: number;
  /** The S3 endpoint's port, when the storage check needs one besides 443 and 5432. */
  exporterStoragePort?: number;
}

/** The Prometheus Operator labels the pods it runs with `app.kubernetes.io/name: prometheus` or `alertmanager`. */
export const OPERATOR_POD_LABELS = { prometheus: { 'app.kubernetes.io/name': 'prometheus' }, alertmanager: { 'app.kubernetes.io/name': 'alertmanager' } } as const;

export function operatorFlows(ctx: ChartContext, props: OperatorNetworkProps): Flow[] {
  const ns = ctx.namespace;
  const exporter: Peer = { kind: 'pod', component: EXPORTER.name, namespace: ns };
  const bridge: Peer = { kind: 'pod', component: SMS_BRIDGE.name, namespace: ns };
  const prometheus: Peer = { kind: 'pods', labels: OPERATOR_POD_LABELS.prometheus, namespace: props.stackNamespace };
  const alertmanager: Peer = { kind: 'pods', labels: OPERATOR_POD_LABELS.alertmanager, namespace: props.stackNamespace };
  const anywhere: Peer = { kind: 'anywhere' };
  const out: Flow[] = [
    { from: prometheus, to: exporter, ports: tcp(EXPORTER.port), why: 'the stack\'s Prometheus scrapes the exporter' },
    { from: exporter, to: anywhere, ports: tcp(...exporterEgressPorts(props.exporterStoragePort)), why: 'PostgreSQL health checks; S3 storage checks' },
  ];
  if (props.logPushPort !== undefined) out.push({ from: exporter, to: anywhere, ports: tcp(props.logPushPort), why: 'push its own logs' });
  if (props.smsBridge) {
    out.push(
      { from: alertmanager, to: bridge, ports: tcp(SMS_BRIDGE.port), why: 'the stack\'s Alertmanager sends critical alerts to the SMS bridge' },
      { from: prometheus, to: bridge, ports: tcp(SMS_BRIDGE.port), why: 'the stack\'s Prometheus scrapes the SMS bridge' },
      { from: bridge, to: anywhere, ports: tcp(443), why: 'Twilio Messages API' },
    );
    if (props.logPushPort !== undefined) out.push({ from: bridge, to: anywhere, ports: tcp(props.logPushPort), why: 'push its own logs' });
  }
  return out;
}

export class OperatorNetworkPoliciesChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext, props: OperatorNetworkProps) {
    super(scope, id, { disableResourceNameHashes: true });
    emitPolicies(this, ctx, operatorFlows(ctx, props), [ctx.namespace]);
  }
}
