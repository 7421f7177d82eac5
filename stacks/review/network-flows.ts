/**
 * NetworkPolicies compared as flows: the policies of each side are evaluated for every pair of
 * endpoints (each workload, any other pod of each namespace, a pod of another namespace, the
 * outside of the cluster) on every port any policy or container names, plus one port nobody
 * names (standing for "any port"). The report says who may now reach whom, not which YAML moved.
 */
import { type EnvironmentArtifacts, type K8sObject, PROFILE_TITLES, podTemplateOf } from './artifacts.js';
import { code, type Finding, finding, list } from './findings.js';
import { allowed, type Endpoint, portsNamedBy } from './network-policy.js';
import { canonical, obj, objs, str } from './tree.js';

const NAME_LABEL = 'kubernetes.io/metadata.name';
/** A port no policy or container names: allowed there means allowed on any port. */
const ANY_PORT = 0;
const OUTSIDE = 'outside the cluster';
const ANOTHER_NAMESPACE = 'a pod in another namespace';

interface Port {
  port: number;
  protocol: string;
}

function namespaceLabels(objects: readonly K8sObject[], ns: string): Record<string, string> {
  const o = objects.find((x) => x.kind === 'Namespace' && x.metadata.name === ns);
  return { ...(o?.metadata.labels ?? {}), [NAME_LABEL]: ns };
}

/** The endpoints of one side, by name. */
export function endpointsOf(objects: readonly K8sObject[]): Map<string, Endpoint> {
  const out = new Map<string, Endpoint>();
  const byPod = new Map<string, { names: string[]; e: Endpoint }>();
  const namespaces = new Set<string>();
  for (const o of objects) {
    const pod = podTemplateOf(o);
    if (!pod) continue;
    const ns = o.metadata.namespace ?? 'default';
    namespaces.add(ns);
    const namedPorts: Record<string, Port> = {};
    for (const c of objs(pod.spec.containers)) {
      for (const p of objs(c.ports)) if (str(p.name) && typeof p.containerPort === 'number') namedPorts[p.name as string] = { port: p.containerPort, protocol: str(p.protocol) ?? 'TCP' };
    }
    // Workloads with the same pod labels (two report CronJobs) are one endpoint to a policy.
    const key = `${ns}|${canonical(pod.labels)}`;
    const seen = byPod.get(key);
    if (seen) seen.names.push(o.metadata.name);
    else byPod.set(key, { names: [o.metadata.name], e: { name: '', namespace: ns, namespaceLabels: namespaceLabels(objects, ns), labels: pod.labels, namedPorts } });
  }
  for (const { names, e } of byPod.values()) {
    const name = names.sort().join(' and ');
    out.set(name, { ...e, name });
  }
  // Namespaces the policies name (the app's, the log collector's) and every workload namespace: an arbitrary pod there.
  for (const p of objects.filter((x) => x.kind === 'NetworkPolicy')) {
    const spec = obj(p.spec);
    for (const r of [...objs(spec.ingress), ...objs(spec.egress)]) {
      for (const peer of [...objs(r.from), ...objs(r.to)]) {
        const ns = str(obj(obj(peer.namespaceSelector).matchLabels)[NAME_LABEL]);
        if (ns) namespaces.add(ns);
      }
    }
  }
  const ours = new Set([...out.values()].map((e) => e.namespace));
  for (const ns of [...namespaces].sort()) {
    const name = ours.has(ns) ? `any other pod in namespace ${ns}` : `any pod in namespace ${ns}`;
    out.set(name, { name, namespace: ns, namespaceLabels: namespaceLabels(objects, ns), labels: {} });
  }
  out.set(ANOTHER_NAMESPACE, { name: ANOTHER_NAMESPACE, namespace: '(another namespace)', namespaceLabels: { [NAME_LABEL]: '(another namespace)' }, labels: {} });
  out.set(OUTSIDE, { name: OUTSIDE, external: true });
  return out;
}

function candidatePorts(sides: { objects: readonly K8sObject[]; endpoints: Map<string, Endpoint> }[]): Port[] {
  const ports = new Map<string, Port>();
  const add = (p: Port): void => void ports.set(`${p.protocol}/${p.port}`, p);
  add({ port: ANY_PORT, protocol: 'TCP' });
  for (const s of sides) {
    for (const p of portsNamedBy(s.objects.filter((o) => o.kind === 'NetworkPolicy'))) add(p);
    for (const e of s.endpoints.values()) for (const p of Object.values(e.namedPorts ?? {})) add(p);
  }
  return [...ports.values()].sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
}

const portText = (p: Port): string => (p.port === ANY_PORT ? 'any port' : `${p.protocol} ${p.port}`);

/** Allowed flows of one side as `from\0to\0protocol/port`. */
function flowsOf(objects: readonly K8sObject[], endpoints: Map<string, Endpoint>, ports: readonly Port[]): Set<string> {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const out = new Set<string>();
  for (const from of endpoints.values()) {
    for (const to of endpoints.values()) {
      if (from.external && to.external) continue;
      for (const p of ports) if (allowed(policies, from, to, p.port, p.protocol)) out.add(`${from.name}\u0000${to.name}\u0000${p.protocol}/${p.port}`);
    }
  }
  return out;
}

interface Flow {
  from: string;
  to: string;
  port: Port;
}

function parseFlows(keys: Iterable<string>, ports: readonly Port[]): Flow[] {
  return [...keys].map((k) => {
    const [from, to, pp] = k.split('\u0000');
    const [protocol, port] = pp.split('/');
    return { from, to, port: ports.find((p) => p.protocol === protocol && String(p.port) === port) as Port };
  });
}

const portsText = (ps: readonly Port[]): string => (ps.some((p) => p.port === ANY_PORT) ? 'any port' : ps.map(portText).join(', '));

/** Flows grouped by source and port set, each group listing its destinations: one sentence per rule that changed. */
function grouped(flows: readonly Flow[]): { from: string; to: string[]; ports: string }[] {
  const byPair = new Map<string, Port[]>();
  for (const f of flows) byPair.set(`${f.from}\u0000${f.to}`, [...(byPair.get(`${f.from}\u0000${f.to}`) ?? []), f.port]);
  const bySource = new Map<string, { from: string; to: string[]; ports: string }>();
  for (const [pair, ps] of [...byPair.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const [from, to] = pair.split('\u0000');
    const ports = portsText(ps);
    const k = `${from}\u0000${ports}`;
    const g = bySource.get(k) ?? { from, to: [], ports };
    g.to.push(to);
    bySource.set(k, g);
  }
  return [...bySource.values()];
}

/** Workloads by name, everything else in words. */
const who = (name: string): string => (name === OUTSIDE || name.startsWith('any ') || name === ANOTHER_NAMESPACE ? name : code(name));

/** All flows of a workload that exists on one side only, in one sentence. */
function workloadFlows(name: string, flows: readonly Flow[]): string {
  const out = grouped(flows.filter((f) => f.from === name)).map((g) => `to ${list(g.to.map(who))} on ${g.ports}`);
  const inbound = new Map<string, Port[]>();
  for (const f of flows.filter((x) => x.to === name && x.from !== name)) inbound.set(f.from, [...(inbound.get(f.from) ?? []), f.port]);
  for (const [from, ps] of inbound) out.push(`from ${who(from)} on ${portsText(ps)}`);
  return out.join('; ');
}

export function compareNetwork(base: EnvironmentArtifacts, head: EnvironmentArtifacts): Finding[] {
  const out: Finding[] = [];
  const profiles = [...new Set([...base.objects, ...head.objects].filter((p) => p.object.kind === 'NetworkPolicy').map((p) => p.profile))].sort();
  for (const profile of profiles) {
    const objectsOf = (e: EnvironmentArtifacts): K8sObject[] => e.objects.filter((p) => p.profile === profile).map((p) => p.object);
    const bo = objectsOf(base);
    const ho = objectsOf(head);
    const be = endpointsOf(bo);
    const he = endpointsOf(ho);
    const ports = candidatePorts([{ objects: bo, endpoints: be }, { objects: ho, endpoints: he }]);
    const bf = flowsOf(bo, be, ports);
    const hf = flowsOf(ho, he, ports);
    const suffix = profiles.length > 1 ? ` (${PROFILE_TITLES[profile] ?? profile} profile)` : '';
    // A workload that exists on one side only: its flows in one sentence, not as "opened"/"closed".
    const newcomers = [...he.keys()].filter((n) => !be.has(n)).sort();
    const gone = [...be.keys()].filter((n) => !he.has(n)).sort();
    const opened = parseFlows([...hf].filter((k) => !bf.has(k)), ports);
    const closed = parseFlows([...bf].filter((k) => !hf.has(k)), ports);
    for (const n of newcomers) {
      const flows = opened.filter((f) => f.from === n || f.to === n);
      if (flows.length > 0) out.push(finding('security', 'Network flows', 'risk', `New workload ${who(n)} may connect ${workloadFlows(n, flows)}${suffix}.`));
    }
    for (const n of gone) {
      const flows = closed.filter((f) => f.from === n || f.to === n);
      if (flows.length > 0) out.push(finding('security', 'Network flows', 'info', `Removed workload ${who(n)} took its flows with it: ${workloadFlows(n, flows)}${suffix}.`));
    }
    const others = (f: Flow, names: string[]): boolean => !names.includes(f.from) && !names.includes(f.to);
    for (const g of grouped(opened.filter((f) => others(f, newcomers)))) {
      out.push(finding('security', 'Network flows', 'risk', `${who(g.from)} may now reach ${list(g.to.map(who))} on ${g.ports}${suffix}.`));
    }
    for (const g of grouped(closed.filter((f) => others(f, gone)))) {
      out.push(finding('security', 'Network flows', 'notice', `${who(g.from)} can no longer reach ${list(g.to.map(who))} on ${g.ports}${suffix}.`));
    }
  }
  return out;
}
