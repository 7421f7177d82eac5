/**
 * NetworkPolicy semantics beyond what our charts generate (matchExpressions, named ports, port
 * ranges, ipBlocks, the default policyTypes), and flows compared on hand-edited policies.
 */
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../contract/config/index.js';
import { toYamlStream } from '../contract/serialize.js';
import { readEnvironment } from '../stacks/review/artifacts.js';
import { compareNetwork } from '../stacks/review/network-flows.js';
import { allowed, type Endpoint, type PolicyObject, selects } from '../stacks/review/network-policy.js';
import { readTree, subtree } from '../stacks/review/tree.js';
import { scratchTree } from './helpers/review.js';

const pod = (name: string, labels: Record<string, string>, namedPorts: Endpoint['namedPorts'] = {}): Endpoint => ({ name, namespace: 'ns', labels, namedPorts });
const outside: Endpoint = { name: 'outside', external: true };
const policy = (spec: Record<string, unknown>): PolicyObject => ({ metadata: { name: 'p', namespace: 'ns' }, spec });

describe('NetworkPolicy evaluation', () => {
  it('selectors: matchLabels and the four matchExpressions operators', () => {
    const labels = { app: 'api', tier: 'web' };
    expect(selects({}, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'db'] }] }, labels)).toBe(true);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }] }, labels)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'tier', operator: 'Exists' }, { key: 'zone', operator: 'DoesNotExist' }] }, labels)).toBe(true);
    expect(selects({ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] }, labels)).toBe(false);
  });

  it('ports: named container ports of the destination, endPort ranges, protocols', () => {
    const api = pod('api', { app: 'api' }, { http: { port: 8080, protocol: 'TCP' } });
    const client = pod('client', { app: 'client' });
    const policies = [policy({ podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'http' }, { port: 9000, endPort: 9010, protocol: 'UDP' }] }] })];
    expect(allowed(policies, client, api, 8080)).toBe(true);
    expect(allowed(policies, client, api, 8081)).toBe(false);
    expect(allowed(policies, client, api, 9005, 'UDP')).toBe(true);
    expect(allowed(policies, client, api, 9005, 'TCP')).toBe(false);
  });

  it('ipBlock peers stand for the outside; a policy without policyTypes isolates ingress, and egress only with egress rules', () => {
    const api = pod('api', { app: 'api' });
    const ingressOnly = [policy({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })];
    expect(allowed(ingressOnly, outside, api, 80)).toBe(true);
    expect(allowed(ingressOnly, pod('other', {}), api, 80)).toBe(false);
    expect(allowed(ingressOnly, api, outside, 443)).toBe(true); // egress not isolated
    const withEgress = [policy({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 5432 }] }] })];
    expect(allowed(withEgress, api, outside, 5432)).toBe(true);
    expect(allowed(withEgress, api, outside, 443)).toBe(false);
  });
});

describe('flows compared on edited policies', () => {
  it('an ingress opened to every namespace, and an egress rule removed', () => {
    const config = loadConfig('production', {});
    const base = scratchTree({ production: {} }, 'review-net-base-');
    const head = scratchTree({ production: {} }, 'review-net-head-');
    let removedPorts: number[] = [];
    try {
      head.edit('production', 'k8s/network-policies.yaml', (text) => {
        const docs = parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>);
        const prometheus = docs.find((d) => d.metadata.name === 'prometheus' && d.metadata.namespace === config.namespace) as Record<string, any>;
        prometheus.spec.ingress.push({ from: [{ namespaceSelector: {} }], ports: [{ port: 9090, protocol: 'TCP' }] });
        const exporter = docs.find((d) => d.metadata.name === 'immigration-ai-exporter') as Record<string, any>;
        const database = (r: Record<string, any>): boolean => (r.ports ?? []).some((p: Record<string, any>) => p.port === 5432);
        removedPorts = exporter.spec.egress.filter(database).flatMap((r: Record<string, any>) => r.ports.map((p: Record<string, any>) => p.port as number));
        exporter.spec.egress = exporter.spec.egress.filter((r: Record<string, any>) => !database(r));
        return toYamlStream(docs);
      });
      const read = (t: typeof base) => readEnvironment('production', subtree(readTree(t.dir), 'production'));
      const findings = compareNetwork(read(base), read(head)).map((f) => [f.level, f.text]);
      const ports = removedPorts.sort((a, b) => a - b).map((p) => `TCP ${p}`).join(', ');
      const k8s = config.kubernetes;
      // Both profiles have NetworkPolicies, so each finding names the one it is about.
      expect(findings).toContainEqual(['notice', `\`immigration-ai-exporter\` can no longer reach a pod in another namespace, any pod in namespace ${k8s.appNamespace}, any pod in namespace ${k8s.ingressControllerNamespace} and outside the cluster on ${ports} (standalone profile).`]);
      const opened = findings.filter(([level]) => level === 'risk').map(([, text]) => text);
      // Every pod of every namespace may now reach Prometheus: ours (which their own egress policies still stop) are not listed.
      expect(opened).toEqual([
        'a pod in another namespace may now reach `prometheus` on TCP 9090 (standalone profile).',
        `any pod in namespace ${k8s.appNamespace} may now reach \`prometheus\` on TCP 9090 (standalone profile).`,
        `any pod in namespace ${k8s.ingressControllerNamespace} may now reach \`prometheus\` on TCP 9090 (standalone profile).`,
      ]);
    } finally {
      base.cleanup();
      head.cleanup();
    }
  });
});
