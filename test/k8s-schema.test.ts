import { synthesize } from '../stacks/synth.js';
import { parseYamlDocs } from './helpers/dist.js';
import { validateManifest } from './helpers/k8s-schema.js';

describe('generated Kubernetes objects validate against the Kubernetes schemas', () => {
  const tree = synthesize();
  const manifests = tree.paths().filter((p) => /\/(k8s|operator|verify-deployment)\/.*\.yaml$/.test(p) && !p.endsWith('/kustomization.yaml'));

  it('finds manifests to check', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(6);
  });

  it.each(manifests)('%s', (path) => {
    const docs = parseYamlDocs(tree.get(path) as string) as { apiVersion: string; kind: string }[];
    expect(docs.length).toBeGreaterThan(0);
    const errors = docs.flatMap((d) => validateManifest(d));
    expect(errors).toEqual([]);
  });

  it('the validator rejects a wrong type, a missing field and an unknown field', () => {
    expect(validateManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 1 } } as never)).not.toEqual([]);
    expect(validateManifest({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { template: {} } } as never)).not.toEqual([]);
    const typo = validateManifest({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' },
      spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 'b', imagePullPolicyy: 'Always' }] } } },
    } as never);
    expect(typo).toEqual(['Deployment/x.spec.template.spec.containers[0].imagePullPolicyy: unknown field (not in V1Container)']);
  });

  it('custom resources: unknown fields fail too (ServiceMonitor, PrometheusRule, AlertmanagerConfig)', () => {
    const sm = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 's', labels: { a: 'b' } }, spec: { selector: {}, endpoints: [{ port: 'web', intervall: '30s' }] } };
    expect(validateManifest(sm)).toEqual(['ServiceMonitor/s.spec.endpoints[0].intervall: unknown field']);
    const amc = {
      apiVersion: 'monitoring.coreos.com/v1alpha1', kind: 'AlertmanagerConfig', metadata: { name: 'a' },
      spec: { route: { receiver: 'x' }, receivers: [{ name: 'x', slackConfigs: [{ apiUrl: { name: 's', key: 'k' } }] }] },
    };
    expect(validateManifest(amc)).toEqual(['AlertmanagerConfig/a.spec.receivers[0].slackConfigs[0].apiUrl: unknown field']);
    const rule: { apiVersion: string; kind: string; metadata: { name: string }; spec: unknown } = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up', label: {} }] }] } };
    expect(validateManifest(rule)).toEqual(['PrometheusRule/r.spec.groups[0].rules[0].label: unknown field']);
    expect(validateManifest({ ...rule, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up', labels: { severity: 'critical' } }] }] } })).toEqual([]);
  });
});
