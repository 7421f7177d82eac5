/**
 * Policy tests over every pod template the charts emit: the restricted Pod Security Standard,
 * resources within the component budget, probes, pinned images from the config, least-privilege RBAC,
 * and no secret value anywhere.
 */
import { KUBELET_SCRAPE_ROLE } from '../charts/prometheus.js';
import { PSS_EXCEPTION_LABEL, PSS_EXCEPTION_REASON_ANNOTATION } from '../charts/lib/pod-security.js';
import { ALLOY_STORAGE_HOST_PATH, ALLOY_UID } from '../charts/alloy.js';
import { ENVIRONMENT_NAMES, loadConfig, type MonitoringConfig } from '../contract/config/index.js';
import type { FileTree } from '../stacks/output/file-tree.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { validateManifest } from './helpers/k8s-schema.js';
import { type K8sObject, objectsIn, podLabelsOf, podSpecOf, workloads } from './helpers/manifests.js';

const cases = ENVIRONMENT_NAMES.flatMap((env) => (['k8s', 'operator'] as const).map((folder) => [env, folder] as const));
const trees = new Map<string, { config: MonitoringConfig; tree: FileTree }>();
function load(env: string): { config: MonitoringConfig; tree: FileTree } {
  if (!trees.has(env)) {
    const config = loadConfig(env, {});
    trees.set(env, { config, tree: synthesizeEnvironment(config) });
  }
  return trees.get(env)!;
}
const objectsOf = (env: string, folder: string): K8sObject[] => objectsIn(load(env).tree, '', folder);

const cpu = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
const mem = (q: string): number => {
  const m = /^(\d+)(Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`unexpected memory quantity ${q}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
};
/** Components allowed above the component budget, each with its reason in the chart. */
const ABOVE_BUDGET = new Set(['prometheus', 'loki']);

describe.each(cases)('%s/%s', (env, folder) => {
  const objects = objectsOf(env, folder);
  const { config } = load(env);

  it('every object validates against its schema (with the real rules, routes and dashboards)', () => {
    expect(objects.length).toBeGreaterThan(5);
    expect(objects.flatMap((o) => validateManifest(o))).toEqual([]);
  });

  it('every pod meets the restricted Pod Security Standard, except the labelled log collector and node-exporter', () => {
    // The documented exceptions: host mounts in a namespace of their own, read-only but for the log
    // collector's positions folder; both run as non-root users.
    const EXCEPTIONS: Record<string, { workload: string; hostPaths: string[]; writable: string[] }> = {
      'host-log-mounts': { workload: 'alloy', hostPaths: [ALLOY_STORAGE_HOST_PATH, '/var/log'].sort(), writable: [ALLOY_STORAGE_HOST_PATH] },
      'host-metrics-mounts': { workload: 'node-exporter', hostPaths: ['/', '/sys'], writable: [] },
    };
    const seen = new Set<string>();
    for (const w of workloads(objects)) {
      const spec = podSpecOf(w);
      const where = `${w.kind}/${w.metadata.name}`;
      const exceptionName = podLabelsOf(w)[PSS_EXCEPTION_LABEL];
      const exception = exceptionName === undefined ? undefined : EXCEPTIONS[exceptionName];
      expect({ where, hostNetwork: spec.hostNetwork, hostPID: spec.hostPID, hostIPC: spec.hostIPC }).toEqual({ where });
      expect({ where, seccomp: spec.securityContext?.seccompProfile?.type }).toEqual({ where, seccomp: 'RuntimeDefault' });
      const hostPaths = (spec.volumes ?? []).filter((v: any) => v.hostPath);
      if (exception) {
        seen.add(exceptionName);
        expect(w.metadata.name).toBe(exception.workload);
        expect(hostPaths.map((v: any) => v.hostPath.path).sort()).toEqual(exception.hostPaths);
        const ns = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === w.metadata.namespace)!;
        expect(ns.metadata.labels![PSS_EXCEPTION_LABEL]).toBe(exceptionName);
        expect(ns.metadata.annotations![PSS_EXCEPTION_REASON_ANNOTATION]).toMatch(/read-only hostPath/);
        expect(ns.metadata.labels!['pod-security.kubernetes.io/warn']).toBe('restricted');
        expect(w.metadata.namespace).not.toBe(config.namespace);
        // Alone in its namespace.
        expect(workloads(objects).filter((o) => o.metadata.namespace === w.metadata.namespace).map((o) => o.metadata.name)).toEqual([w.metadata.name]);
        // Host folders read-only, except the collector's own positions folder.
        const hostMounts = spec.containers.flatMap((c: any) => c.volumeMounts).filter((m: any) => hostPaths.some((v: any) => v.name === m.name));
        expect(hostMounts.length).toBeGreaterThan(0);
        for (const m of hostMounts) {
          const path = hostPaths.find((v: any) => v.name === m.name).hostPath.path;
          expect({ where, path, readOnly: m.readOnly ?? false }).toEqual({ where, path, readOnly: !exception.writable.includes(path) });
        }
        expect({ where, runAsNonRoot: spec.securityContext?.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
        if (exception.workload === 'alloy') {
          expect({ where, uid: spec.securityContext?.runAsUser }).toEqual({ where, uid: ALLOY_UID });
          expect(spec.securityContext?.supplementalGroups).toEqual([config.kubernetes.logFilesGroup]);
        }
      } else {
        expect({ where, hostPaths }).toEqual({ where, hostPaths: [] });
        expect({ where, runAsNonRoot: spec.securityContext?.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
        expect(w.metadata.namespace).toBe(config.namespace);
      }
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const sc = c.securityContext ?? {};
        const at = `${where} ${c.name}`;
        // The collector's one-shot init container hands its positions folder to the collector's user: root with CHOWN only.
        const chown = exception && (spec.initContainers ?? []).includes(c);
        expect({ at, ape: sc.allowPrivilegeEscalation, privileged: sc.privileged, drop: sc.capabilities?.drop, add: sc.capabilities?.add, ro: sc.readOnlyRootFilesystem, seccomp: sc.seccompProfile?.type })
          .toEqual({ at, ape: false, drop: ['ALL'], ro: true, seccomp: 'RuntimeDefault', ...(chown ? { add: ['CHOWN'] } : {}) });
        if (chown) expect({ at, command: c.command[0], uid: sc.runAsUser }).toEqual({ at, command: 'chown', uid: 0 });
        else expect({ at, runAsNonRoot: sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot, uid: sc.runAsUser ?? spec.securityContext?.runAsUser }).toEqual({ at, runAsNonRoot: true, uid: expect.any(Number) });
        if (!chown) expect(sc.runAsUser ?? spec.securityContext?.runAsUser).not.toBe(0);
        expect({ at, hostPorts: (c.ports ?? []).filter((p: any) => p.hostPort) }).toEqual({ at, hostPorts: [] });
      }
    }
    // The standalone profile deploys both; the operator profile neither (kube-prometheus-stack has its own node-exporter).
    expect([...seen].sort()).toEqual(folder === 'k8s' ? Object.keys(EXCEPTIONS).sort() : []);
  });

  it('the monitoring namespace enforces "restricted"', () => {
    const ns = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === config.namespace)!;
    expect(ns.metadata.labels!['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('every container has requests and limits, within the component budget unless documented', () => {
    for (const w of workloads(objects)) {
      const spec = podSpecOf(w);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const r = c.resources;
        const at = `${w.kind}/${w.metadata.name} ${c.name}`;
        expect({ at, requests: Object.keys(r.requests).sort(), limits: Object.keys(r.limits).sort() }).toEqual({ at, requests: ['cpu', 'memory'], limits: ['cpu', 'memory'] });
        expect(cpu(r.requests.cpu)).toBeLessThanOrEqual(cpu(r.limits.cpu));
        expect(mem(r.requests.memory)).toBeLessThanOrEqual(mem(r.limits.memory));
        if (!ABOVE_BUDGET.has(w.metadata.name)) {
          expect({ at, cpu: cpu(r.limits.cpu) <= 0.5, memory: mem(r.limits.memory) <= 512 }).toEqual({ at, cpu: true, memory: true });
        }
      }
    }
  });

  it('every long-running container has readiness and liveness probes on a port it declares', () => {
    for (const w of workloads(objects).filter((o) => o.kind !== 'CronJob')) {
      for (const c of podSpecOf(w).containers) {
        const at = `${w.kind}/${w.metadata.name} ${c.name}`;
        const ports = (c.ports ?? []).map((p: any) => p.name);
        for (const probe of ['readinessProbe', 'livenessProbe']) {
          const p = c[probe];
          expect({ at, probe, present: p !== undefined }).toEqual({ at, probe, present: true });
          const port = p.httpGet?.port ?? p.tcpSocket?.port;
          expect({ at, probe, port, declared: ports.includes(port) }).toEqual({ at, probe, port, declared: true });
        }
      }
    }
  });

  it('images come only from config.images, pinned', () => {
    const allowed = new Set(Object.values(config.images));
    for (const w of workloads(objects)) {
      const spec = podSpecOf(w);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        expect(allowed.has(c.image)).toBe(true);
        expect(c.image).not.toMatch(/:latest$/);
      }
    }
  });

  it('only Prometheus and Alloy mount an API token; RBAC is read-only, namespaced but for the kubelet scrape, and never touches Secrets', () => {
    for (const w of workloads(objects)) {
      const spec = podSpecOf(w);
      const expected = ['prometheus', 'alloy'].includes(w.metadata.name);
      expect({ w: w.metadata.name, automount: spec.automountServiceAccountToken }).toEqual({ w: w.metadata.name, automount: expected });
      expect(objects.some((o) => o.kind === 'ServiceAccount' && o.metadata.name === spec.serviceAccountName && o.metadata.namespace === w.metadata.namespace)).toBe(true);
    }
    // One ClusterRole, because nodes are cluster-scoped: node discovery (list, watch nodes) and the
    // kubelet's /metrics and /metrics/cadvisor (get nodes/metrics), bound to Prometheus only.
    const cluster = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding');
    if (folder === 'operator') expect(cluster).toEqual([]);
    else {
      expect(cluster.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([`ClusterRole/${KUBELET_SCRAPE_ROLE}`, `ClusterRoleBinding/${KUBELET_SCRAPE_ROLE}`]);
      expect(cluster[0].rules).toEqual([
        { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
        { apiGroups: [''], resources: ['nodes/metrics'], verbs: ['get'] },
      ]);
      expect(cluster[1]).toMatchObject({
        roleRef: { kind: 'ClusterRole', name: KUBELET_SCRAPE_ROLE },
        subjects: [{ kind: 'ServiceAccount', name: 'prometheus', namespace: config.namespace }],
      });
    }
    for (const role of objects.filter((o) => o.kind === 'Role')) {
      for (const rule of role.rules as { resources: string[]; verbs: string[] }[]) {
        expect(rule.resources).not.toContain('secrets');
        expect(rule.verbs.every((v) => ['get', 'list', 'watch'].includes(v))).toBe(true);
      }
    }
  });
});

describe('no secret value reaches dist/', () => {
  const SECRETS = {
    SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/slack-secret-canary',
    SMTP_PASSWORD: 'smtp-secret-canary',
    TWILIO_AUTH_TOKEN: 'twilio-secret-canary',
    DATABASE_URL: 'postgres://u:db-secret-canary@db/immigration',
    GF_SECURITY_ADMIN_PASSWORD: 'grafana-secret-canary',
  };

  it.each(ENVIRONMENT_NAMES)('%s: no canary from the environment appears in any generated file', (env) => {
    const config = loadConfig(env, SECRETS);
    const tree = synthesizeEnvironment(config);
    for (const [path, content] of tree.entries()) {
      for (const canary of ['slack-secret-canary', 'smtp-secret-canary', 'twilio-secret-canary', 'db-secret-canary', 'grafana-secret-canary']) {
        expect({ path, leaked: content.includes(canary) }).toEqual({ path, leaked: false });
      }
    }
  });

  it.each(ENVIRONMENT_NAMES)('%s: the only Secret object is the Alertmanager config, and it inlines no credential', (env) => {
    const secrets = objectsOf(env, 'k8s').filter((o) => o.kind === 'Secret');
    expect(secrets.map((s) => s.metadata.name)).toEqual(['alertmanager-config']);
    const text = Object.values(secrets[0].stringData as Record<string, string>).join('\n');
    expect(text).not.toMatch(/^\s*(smtp_auth_password|auth_password|api_url|slack_api_url|bearer_token|password):/m);
    for (const o of objectsOf(env, 'operator')) expect(o.kind).not.toBe('Secret');
  });
});
