/**
 * Reads one workload of the generated manifests and resolves it the way the kubelet would before
 * starting its pod: environment from `env` and `envFrom` (ConfigMaps and Secrets of the manifests,
 * plus the test's stand-ins for the Secrets an operator creates), `$(VAR)` expansion in env,
 * command and args, the downward API fields we use, every volume's files (items, modes, optional
 * sources), mounts, ports, probes, the merged pod and container security context and the limits.
 *
 * Pure: nothing runs here. A missing ConfigMap, Secret or key that the pod does not mark optional
 * is an error, as it keeps a real pod from starting (CreateContainerConfigError / ContainerCreating).
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { K8sObject } from '../helpers/manifests.js';

/** Values of the Secrets an operator creates (name -> key -> value); generated Secrets come from the manifests. */
export type TestSecrets = Record<string, Record<string, string>>;

export interface VolumeFile {
  /** Relative to the volume's root. */
  path: string;
  content: string;
  mode: number;
}

export type VolumeSource =
  /** ConfigMap, Secret or projected volume: files the kubelet writes and keeps current. */
  | { kind: 'files'; files: VolumeFile[]; sources: string[] }
  | { kind: 'emptyDir'; memory: boolean }
  /** A PersistentVolumeClaim or a StatefulSet's volumeClaimTemplate: a fresh, empty volume. */
  | { kind: 'persistent'; claim: string }
  | { kind: 'hostPath'; path: string };

export interface VolumePlan {
  name: string;
  source: VolumeSource;
}

export interface MountPlan {
  volume: string;
  mountPath: string;
  readOnly: boolean;
}

export interface PortPlan {
  name?: string;
  containerPort: number;
  protocol: string;
}

export interface UserPlan {
  /** undefined: the image's user. */
  uid?: number;
  gid?: number;
  runAsNonRoot: boolean;
  /** fsGroup and supplementalGroups, which every container of the pod gets. */
  groups: number[];
  fsGroup?: number;
}

export interface ContainerPlan {
  name: string;
  image: string;
  /** `command` replaces the image's entrypoint; undefined keeps it. */
  command?: string[];
  /** `args` replaces the image's default arguments; undefined keeps them. */
  args?: string[];
  /** In the order the kubelet builds it (envFrom first, then env). */
  env: [string, string][];
  mounts: MountPlan[];
  ports: PortPlan[];
  user: UserPlan;
  readOnlyRootFilesystem: boolean;
  allowPrivilegeEscalation: boolean;
  capabilities: { add: string[]; drop: string[] };
  limits: { cpu?: number; memoryBytes?: number };
  startupProbe?: IProbe;
  readinessProbe?: IProbe;
  livenessProbe?: IProbe;
}

export interface PodPlan {
  workload: { kind: string; name: string; namespace: string };
  name: string;
  namespace: string;
  labels: Record<string, string>;
  volumes: VolumePlan[];
  initContainers: ContainerPlan[];
  containers: ContainerPlan[];
  restartPolicy: string;
}

export interface PlanOptions {
  /** Pod name; default `<statefulset>-0`, or `<workload>-test` for other kinds. */
  podName?: string;
  podIp: string;
  nodeName?: string;
  secrets?: TestSecrets;
}

export class PlanError extends Error {}

function podTemplateOf(w: K8sObject): { metadata?: { labels?: Record<string, string> }; spec: IPodSpec } {
  const spec = w.spec as Record<string, any>;
  return w.kind === 'CronJob' ? spec.jobTemplate.spec.template : spec.template;
}

/** Key -> value of a ConfigMap or Secret in the manifests or the test's Secrets; undefined when it does not exist. */
function dataOf(objects: K8sObject[], secrets: TestSecrets, kind: 'ConfigMap' | 'Secret', name: string, namespace: string): Record<string, string> | undefined {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name && (x.metadata.namespace ?? namespace) === namespace);
  if (o) {
    if (kind === 'ConfigMap') return { ...((o.data as Record<string, string>) ?? {}) };
    const fromData = Object.fromEntries(Object.entries((o.data as Record<string, string>) ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    return { ...fromData, ...((o.stringData as Record<string, string>) ?? {}) };
  }
  return kind === 'Secret' && secrets[name] ? { ...secrets[name] } : undefined;
}

/** Kubernetes' `$(VAR)` expansion: defined names are replaced, `$$` is a literal `$`, anything else stays. */
export function expand(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name: string | undefined) => {
    if (name === undefined) return '$';
    const v = vars.get(name);
    return v === undefined ? whole : v;
  });
}

function fieldValue(path: string, pod: { name: string; namespace: string; labels: Record<string, string>; ip: string; nodeName: string; serviceAccount: string }): string {
  const label = /^metadata\.labels\['(.+)'\]$/.exec(path);
  if (label) return pod.labels[label[1]] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.name;
    case 'metadata.namespace':
      return pod.namespace;
    case 'status.podIP':
      return pod.ip;
    case 'status.hostIP':
      return pod.ip;
    case 'spec.nodeName':
      return pod.nodeName;
    case 'spec.serviceAccountName':
      return pod.serviceAccount;
    default:
      throw new PlanError(`fieldRef ${path} is not supported by the manifest runner`);
  }
}

const CPU = (q: string): number => (q.endsWith('m') ? Number(q.slice(0, -1)) / 1000 : Number(q));
const MEMORY_UNITS: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, K: 1e3, M: 1e6, G: 1e9, '': 1 };
function memoryBytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G|)$/.exec(q);
  if (!m) throw new PlanError(`unsupported memory quantity ${q}`);
  return Math.round(Number(m[1]) * MEMORY_UNITS[m[2]]);
}

function filesFrom(
  volume: IVolume,
  read: (kind: 'ConfigMap' | 'Secret', name: string) => Record<string, string> | undefined,
  where: string,
): { files: VolumeFile[]; sources: string[] } {
  const files: VolumeFile[] = [];
  const sources: string[] = [];
  const add = (kind: 'ConfigMap' | 'Secret', name: string, items: { key: string; path: string; mode?: number }[] | undefined, optional: boolean, defaultMode: number): void => {
    const data = read(kind, name);
    sources.push(`${kind}/${name}`);
    if (data === undefined) {
      if (optional) return;
      throw new PlanError(`${where}: ${kind} ${name} does not exist (and is not optional): the pod would not start`);
    }
    const chosen: { key: string; path: string; mode?: number }[] = items ?? Object.keys(data).sort().map((key) => ({ key, path: key }));
    for (const item of chosen) {
      if (!(item.key in data)) {
        if (optional) continue;
        throw new PlanError(`${where}: ${kind} ${name} has no key ${item.key}: the pod would not start`);
      }
      files.push({ path: item.path, content: data[item.key], mode: item.mode ?? defaultMode });
    }
  };
  if (volume.configMap) add('ConfigMap', volume.configMap.name as string, volume.configMap.items as never, volume.configMap.optional ?? false, volume.configMap.defaultMode ?? 0o644);
  if (volume.secret) add('Secret', volume.secret.secretName as string, volume.secret.items as never, volume.secret.optional ?? false, volume.secret.defaultMode ?? 0o644);
  if (volume.projected) {
    const mode = volume.projected.defaultMode ?? 0o644;
    for (const s of volume.projected.sources ?? []) {
      if (s.configMap) add('ConfigMap', s.configMap.name as string, s.configMap.items as never, s.configMap.optional ?? false, mode);
      else if (s.secret) add('Secret', s.secret.name as string, s.secret.items as never, s.secret.optional ?? false, mode);
      else throw new PlanError(`${where}: projected source ${Object.keys(s).join(',')} is not supported by the manifest runner`);
    }
  }
  return { files, sources };
}

function volumePlan(v: IVolume, read: (kind: 'ConfigMap' | 'Secret', name: string) => Record<string, string> | undefined, where: string): VolumePlan {
  if (v.configMap || v.secret || v.projected) return { name: v.name, source: { kind: 'files', ...filesFrom(v, read, `${where} volume ${v.name}`) } };
  if (v.emptyDir) return { name: v.name, source: { kind: 'emptyDir', memory: v.emptyDir.medium === 'Memory' } };
  if (v.persistentVolumeClaim) return { name: v.name, source: { kind: 'persistent', claim: v.persistentVolumeClaim.claimName } };
  if (v.hostPath) return { name: v.name, source: { kind: 'hostPath', path: v.hostPath.path } };
  throw new PlanError(`${where}: volume ${v.name} (${Object.keys(v).filter((k) => k !== 'name').join(',')}) is not supported by the manifest runner`);
}

function containerPlan(
  c: IContainer,
  spec: IPodSpec,
  read: (kind: 'ConfigMap' | 'Secret', name: string) => Record<string, string> | undefined,
  field: (path: string) => string,
  where: string,
): ContainerPlan {
  const at = `${where} container ${c.name}`;
  const vars = new Map<string, string>();
  const env: [string, string][] = [];
  const set = (name: string, value: string): void => {
    if (vars.has(name)) {
      const i = env.findIndex(([n]) => n === name);
      env.splice(i, 1);
    }
    vars.set(name, value);
    env.push([name, value]);
  };
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ? { kind: 'ConfigMap' as const, name: from.configMapRef.name as string, optional: from.configMapRef.optional ?? false } : from.secretRef ? { kind: 'Secret' as const, name: from.secretRef.name as string, optional: from.secretRef.optional ?? false } : undefined;
    if (!ref) continue;
    const data = read(ref.kind, ref.name);
    if (data === undefined) {
      if (ref.optional) continue;
      throw new PlanError(`${at}: envFrom ${ref.kind} ${ref.name} does not exist (and is not optional): the container would not start`);
    }
    for (const [k, v] of Object.entries(data).sort(([a], [b]) => a.localeCompare(b))) set(`${from.prefix ?? ''}${k}`, v);
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) set(e.name, expand(e.value, vars));
    else if (e.valueFrom?.fieldRef) set(e.name, field(e.valueFrom.fieldRef.fieldPath));
    else if (e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef) {
      const r = e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef!;
      const kind = e.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const value = read(kind, r.name as string)?.[r.key];
      if (value === undefined) {
        if (r.optional) continue;
        throw new PlanError(`${at}: env ${e.name} reads ${kind} ${r.name} key ${r.key}, which does not exist: the container would not start`);
      }
      set(e.name, value);
    } else if (e.valueFrom) throw new PlanError(`${at}: env ${e.name} uses ${Object.keys(e.valueFrom).join(',')}, not supported by the manifest runner`);
    else set(e.name, '');
  }
  const pod = spec.securityContext ?? {};
  const sc = c.securityContext ?? {};
  const groups = [...new Set([...(pod.fsGroup !== undefined ? [pod.fsGroup] : []), ...(pod.supplementalGroups ?? [])])];
  const mounts = (c.volumeMounts ?? []).map((m) => {
    if (m.subPath) throw new PlanError(`${at}: subPath mounts are not supported by the manifest runner`);
    return { volume: m.name, mountPath: m.mountPath, readOnly: m.readOnly ?? false };
  });
  return {
    name: c.name,
    image: c.image as string,
    command: c.command?.map((x) => expand(x, vars)),
    args: c.args?.map((x) => expand(x, vars)),
    env,
    mounts,
    ports: (c.ports ?? []).map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })),
    user: {
      uid: sc.runAsUser ?? pod.runAsUser,
      gid: sc.runAsGroup ?? pod.runAsGroup,
      runAsNonRoot: sc.runAsNonRoot ?? pod.runAsNonRoot ?? false,
      groups,
      fsGroup: pod.fsGroup,
    },
    readOnlyRootFilesystem: sc.readOnlyRootFilesystem ?? false,
    allowPrivilegeEscalation: sc.allowPrivilegeEscalation ?? true,
    capabilities: { add: [...(sc.capabilities?.add ?? [])], drop: [...(sc.capabilities?.drop ?? [])] },
    limits: {
      cpu: c.resources?.limits?.cpu !== undefined ? CPU(String(c.resources.limits.cpu)) : undefined,
      memoryBytes: c.resources?.limits?.memory !== undefined ? memoryBytes(String(c.resources.limits.memory)) : undefined,
    },
    startupProbe: c.startupProbe,
    readinessProbe: c.readinessProbe,
    livenessProbe: c.livenessProbe,
  };
}

/** The workload `kind/name` (in `namespace` when given) of the objects. */
export function findWorkload(objects: K8sObject[], kind: string, name: string, namespace?: string): K8sObject {
  const w = objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (!w) throw new PlanError(`no ${kind} ${name} in the manifests`);
  return w;
}

/** Resolves one pod of a workload. */
export function planPod(objects: K8sObject[], workload: K8sObject, opts: PlanOptions): PodPlan {
  const namespace = workload.metadata.namespace ?? 'default';
  const template = podTemplateOf(workload);
  const spec = template.spec;
  const labels = template.metadata?.labels ?? {};
  const name = opts.podName ?? (workload.kind === 'StatefulSet' ? `${workload.metadata.name}-0` : `${workload.metadata.name}-test`);
  const where = `${workload.kind}/${workload.metadata.name}`;
  const read = (kind: 'ConfigMap' | 'Secret', n: string): Record<string, string> | undefined => dataOf(objects, opts.secrets ?? {}, kind, n, namespace);
  const podInfo = { name, namespace, labels, ip: opts.podIp, nodeName: opts.nodeName ?? 'test-node', serviceAccount: spec.serviceAccountName ?? 'default' };
  const field = (path: string): string => fieldValue(path, podInfo);
  const volumes = (spec.volumes ?? []).map((v) => volumePlan(v, read, where));
  if (workload.kind === 'StatefulSet') {
    for (const t of ((workload.spec as Record<string, any>).volumeClaimTemplates ?? []) as { metadata: { name: string } }[]) {
      volumes.push({ name: t.metadata.name, source: { kind: 'persistent', claim: `${t.metadata.name}-${name}` } });
    }
  }
  const all = [...(spec.initContainers ?? []), ...spec.containers];
  for (const c of all) {
    for (const m of c.volumeMounts ?? []) {
      if (!volumes.some((v) => v.name === m.name)) throw new PlanError(`${where} container ${c.name} mounts volume ${m.name}, which the pod does not define`);
    }
  }
  return {
    workload: { kind: workload.kind, name: workload.metadata.name, namespace },
    name,
    namespace,
    labels,
    volumes,
    initContainers: (spec.initContainers ?? []).map((c) => containerPlan(c, spec, read, field, where)),
    containers: spec.containers.map((c) => containerPlan(c, spec, read, field, where)),
    restartPolicy: spec.restartPolicy ?? 'Always',
  };
}

/** The container port a probe or Service names (a port name or a number). */
export function portNumber(c: ContainerPlan, port: string | number): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = c.ports.find((x) => x.name === port);
  if (!p) throw new PlanError(`container ${c.name} declares no port named ${port}`);
  return p.containerPort;
}
