/** Production is highly available; dev stays small. Snapshots catch unintended manifest changes. */
import { parse } from 'yaml';
import { loadConfig } from '../contract/config/index.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { find, objectsIn, podSpecOf, type K8sObject } from './helpers/manifests.js';

const objectsFor = (env: string): K8sObject[] => objectsIn(synthesizeEnvironment(loadConfig(env, {})), '', 'k8s');

describe('high availability in production', () => {
  const objects = objectsFor('production');
  const args = (name: string): string[] => podSpecOf(find(objects, 'StatefulSet', name)).containers[0].args;

  it('runs 2 Prometheus replicas with distinct replica labels, each sending to every Alertmanager', () => {
    expect((find(objects, 'StatefulSet', 'prometheus').spec as any).replicas).toBe(2);
    const cfg = parse((find(objects, 'ConfigMap', 'prometheus-config').data as any)['prometheus.yml']);
    expect(cfg.global.external_labels.replica).toBe('$(POD_NAME)');
    const reloader = podSpecOf(find(objects, 'StatefulSet', 'prometheus')).containers.find((c: any) => c.name === 'config-reloader');
    expect(reloader.env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
    expect(reloader.args).toContain('--config-envsubst-file=/etc/prometheus/config_out/prometheus.env.yaml');
    // Endpoint discovery of the Alertmanager Service lists every ready replica.
    expect(cfg.alerting.alertmanagers[0].relabel_configs[0].regex).toBe('alertmanager;web');
  });

  it('runs 3 Alertmanagers clustered through the headless Service, one peer flag per replica', () => {
    const sts = find(objects, 'StatefulSet', 'alertmanager');
    expect((sts.spec as any).replicas).toBe(3);
    expect((sts.spec as any).serviceName).toBe('alertmanager-cluster');
    const peers = args('alertmanager').filter((a) => a.startsWith('--cluster.peer='));
    expect(peers).toEqual([0, 1, 2].map((i) => `--cluster.peer=alertmanager-${i}.alertmanager-cluster.immigration-ai-monitoring.svc:9094`));
    const headless = find(objects, 'Service', 'alertmanager-cluster').spec as any;
    expect(headless.clusterIP).toBe('None');
    expect(headless.publishNotReadyAddresses).toBe(true);
  });

  it('has a PodDisruptionBudget and anti-affinity for every replicated workload', () => {
    const replicated = objects.filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind) && (o.spec as any).replicas > 1);
    expect(replicated.map((o) => o.metadata.name).sort()).toEqual(['alertmanager', 'grafana', 'immigration-ai-exporter', 'prometheus']);
    for (const w of replicated) {
      const pdb = find(objects, 'PodDisruptionBudget', w.metadata.name).spec as any;
      expect(pdb).toEqual({ maxUnavailable: 1, selector: (w.spec as any).selector });
      const term = podSpecOf(w).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
      expect(term.topologyKey).toBe('kubernetes.io/hostname');
      expect(term.labelSelector).toEqual((w.spec as any).selector);
    }
  });

  it('Grafana replicas share a database from a Secret instead of per-pod SQLite', () => {
    const spec = podSpecOf(find(objects, 'Deployment', 'grafana'));
    expect(spec.containers[0].env).toContainEqual({ name: 'GF_DATABASE_URL__FILE', value: '/etc/grafana/secrets/database/url' });
    expect(spec.volumes.find((v: any) => v.name === 'data')).toEqual({ name: 'data', emptyDir: { sizeLimit: '1Gi' } });
  });
});

describe('dev stays single-replica', () => {
  const objects = objectsFor('dev');
  it('no clustering, no PDB, Grafana on its own volume', () => {
    expect(podSpecOf(find(objects, 'StatefulSet', 'alertmanager')).containers[0].args).toContain('--cluster.listen-address=');
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(podSpecOf(find(objects, 'Deployment', 'grafana')).volumes.find((v: any) => v.name === 'data')).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'grafana-data' } });
  });
  it('refuses more than one single-binary Loki replica with a pointer to the operators guide', () => {
    expect(() => synthesizeEnvironment(loadConfig('dev', {}, { replicas: { loki: 2 } }))).toThrow(/exactly one replica.*How Loki scales/);
  });
});

describe('kustomizations list exactly the manifests of their profile', () => {
  it.each(['dev', 'staging', 'production'])('%s', (env) => {
    const tree = synthesizeEnvironment(loadConfig(env, {}));
    const standalone = parse(tree.get('kustomization.yaml') as string).resources;
    expect(standalone).toEqual(tree.paths().filter((p) => p.startsWith('k8s/')));
    const operator = parse(tree.get('operator/kustomization.yaml') as string).resources.map((r: string) => `operator/${r}`);
    expect(operator).toEqual(tree.paths().filter((p) => p.startsWith('operator/') && p !== 'operator/kustomization.yaml'));
  });
});
