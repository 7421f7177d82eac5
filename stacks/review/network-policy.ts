/**
 * Kubernetes NetworkPolicy semantics, evaluated on generated objects: a pod selected by any policy
 * of a type (Ingress, Egress) is isolated for that type and accepts only what one of those
 * policies allows; a connection needs the source's egress and the destination's ingress to allow
 * it. Peers are pod and namespace selectors (matchLabels and matchExpressions) or ipBlocks (which
 * we take to mean "outside the cluster": pod IPs are not known ahead of time); ports are numbers
 * or names of the destination's container ports, with optional `endPort` ranges.
 */
import { arr, type Json, obj, objs, str } from './tree.js';

export type Labels = Readonly<Record<string, string>>;

export interface Endpoint {
  /** How the report names it: `prometheus`, `any pod in namespace immigration-ai`, `outside the cluster`. */
  name: string;
  namespace?: string;
  /** Labels of the namespace; default: just its `kubernetes.io/metadata.name`. */
  namespaceLabels?: Labels;
  labels?: Labels;
  /** Named container ports of the pod: name -> port/protocol. */
  namedPorts?: Readonly<Record<string, { port: number; protocol: string }>>;
  external?: boolean;
}

export interface PolicyObject {
  metadata: { namespace?: string; name: string };
  spec?: unknown;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A label selector; an empty one selects everything. */
export function selects(sel: unknown, labels: Labels): boolean {
  const s = obj(sel) as LabelSelector;
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of s.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

function peerMatches(peer: Json, policyNamespace: string, e: Endpoint): boolean {
  if (peer.ipBlock !== undefined) return e.external === true;
  if (e.external) return false;
  const nsLabels = e.namespaceLabels ?? { 'kubernetes.io/metadata.name': e.namespace ?? '' };
  const nsOk = peer.namespaceSelector !== undefined ? selects(peer.namespaceSelector, nsLabels) : e.namespace === policyNamespace;
  const podOk = peer.podSelector !== undefined ? selects(peer.podSelector, e.labels ?? {}) : true;
  return nsOk && podOk;
}

/** A port entry of a rule against a destination port; named ports resolve on the destination pod. */
function portMatches(entry: Json, port: number, protocol: string, destination: Endpoint): boolean {
  if ((str(entry.protocol) ?? 'TCP') !== protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'string' && !/^\d+$/.test(entry.port)) {
    const named = destination.namedPorts?.[entry.port];
    return named !== undefined && named.port === port && named.protocol === protocol;
  }
  const from = Number(entry.port);
  const to = typeof entry.endPort === 'number' ? entry.endPort : from;
  return port >= from && port <= to;
}

function policyTypes(spec: Json): string[] {
  const types = arr(spec.policyTypes).filter((t): t is string => typeof t === 'string');
  if (types.length > 0) return types;
  // Kubernetes' default: Ingress always, Egress when the policy has egress rules.
  return spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

function sideAllows(policies: readonly PolicyObject[], self: Endpoint, other: Endpoint, type: 'Ingress' | 'Egress', port: number, protocol: string): boolean {
  if (self.external) return true; // outside the cluster: none of our policies applies
  const applying = policies.filter((p) => {
    const spec = obj(p.spec);
    return p.metadata.namespace === self.namespace && policyTypes(spec).includes(type) && selects(spec.podSelector, self.labels ?? {});
  });
  if (applying.length === 0) return true;
  const destination = type === 'Ingress' ? self : other;
  return applying.some((p) => {
    const spec = obj(p.spec);
    return objs(type === 'Ingress' ? spec.ingress : spec.egress).some((r) => {
      const peers = type === 'Ingress' ? r.from : r.to;
      const peerOk = peers === undefined || arr(peers).length === 0 || objs(peers).some((x) => peerMatches(x, p.metadata.namespace ?? '', other));
      const portOk = r.ports === undefined || arr(r.ports).length === 0 || objs(r.ports).some((x) => portMatches(x, port, protocol, destination));
      return peerOk && portOk;
    });
  });
}

/** Whether the policies let `from` open a connection to `to` on `port`/`protocol`. */
export function allowed(policies: readonly PolicyObject[], from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
  return sideAllows(policies, from, to, 'Egress', port, protocol) && sideAllows(policies, to, from, 'Ingress', port, protocol);
}

/** Every port/protocol the policies name in a rule (numbers only; named ports are the destinations'). */
export function portsNamedBy(policies: readonly PolicyObject[]): { port: number; protocol: string }[] {
  const out: { port: number; protocol: string }[] = [];
  for (const p of policies) {
    const spec = obj(p.spec);
    for (const r of [...objs(spec.ingress), ...objs(spec.egress)]) {
      for (const x of objs(r.ports)) {
        const protocol = str(x.protocol) ?? 'TCP';
        if (typeof x.port === 'number') out.push({ port: x.port, protocol });
        if (typeof x.port === 'number' && typeof x.endPort === 'number') out.push({ port: x.endPort, protocol });
      }
    }
  }
  return out;
}
