/**
 * Building blocks shared by the component charts: the restricted Pod Security Standard, resource
 * budgets, probes, spreading, and one typed way to emit Kubernetes objects.
 *
 * Every object is a plain object typed with kubernetes-models' interfaces and emitted through a
 * cdk8s `ApiObject`: the security fields, probes and volume layouts must be exact, and the types
 * (plus the strict schema test) check every field, so the manifests say precisely what is written
 * here. cdk8s renders them; no construct adds defaults behind our back.
 */
import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { IAlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IDeploymentStrategy } from 'kubernetes-models/apps/v1/DeploymentStrategy';
import type { IStatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import type { IStatefulSetUpdateStrategy } from 'kubernetes-models/apps/v1/StatefulSetUpdateStrategy';
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import type { IClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import type { IRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IKeyToPath } from 'kubernetes-models/v1/KeyToPath';
import type { INamespace } from 'kubernetes-models/v1/Namespace';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IServicePort } from 'kubernetes-models/v1/ServicePort';
import { type ChartContext, componentLabels, selectorLabels } from './labels.js';

/** Every kind of object the charts emit. */
export type KubeObject =
  | IConfigMap | ISecret | INamespace | IServiceAccount | IService | IPersistentVolumeClaim
  | IDeployment | IStatefulSet | IDaemonSet | ICronJob | IJob | IPodDisruptionBudget
  | IRole | IRoleBinding | IClusterRole | IClusterRoleBinding | INetworkPolicy | IIngress
  | IPrometheusRule | IServiceMonitor | IAlertmanagerConfig;

export type ObjectMeta = NonNullable<IConfigMap['metadata']>;
export type { IContainer, IEnvVar, IPodSpec, IPodTemplateSpec, IProbe, IServicePort };

/** Emits one object; `id` only needs to be unique within the chart. */
export function emit(scope: Construct, id: string, object: KubeObject): ApiObject {
  return new ApiObject(scope, id, object as KubeObject & { metadata: ObjectMeta });
}

export function meta(
  ctx: ChartContext,
  component: string,
  name: string,
  namespace: string | undefined = ctx.namespace,
  extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
): ObjectMeta {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { ...componentLabels(ctx, component), ...(extra.labels ?? {}) },
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
  };
}

/** Pod-level part of the "restricted" Pod Security Standard. */
export function restrictedPodSecurity(uid: number): IPodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level part of the "restricted" Pod Security Standard, with a read-only root filesystem. */
export function restrictedContainerSecurity(): ISecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface Resources extends IResourceRequirements {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** The monitoring component budget of the product spec: request 0.1 CPU / 128 MiB, limit 0.5 CPU / 512 MiB. */
export const COMPONENT_BUDGET: Resources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '512Mi' },
};

/** Small helpers (config reloader): a tenth of the budget is plenty. */
export const SIDECAR_BUDGET: Resources = {
  requests: { cpu: '10m', memory: '32Mi' },
  limits: { cpu: '100m', memory: '64Mi' },
};

export function httpProbe(path: string, port: string, opts: { period?: number; failures?: number; timeout?: number; initialDelay?: number } = {}): IProbe {
  return {
    httpGet: { path, port },
    periodSeconds: opts.period ?? 10,
    timeoutSeconds: opts.timeout ?? 5,
    failureThreshold: opts.failures ?? 3,
    ...(opts.initialDelay ? { initialDelaySeconds: opts.initialDelay } : {}),
  };
}

export function tcpProbe(port: string, opts: { period?: number; failures?: number } = {}): IProbe {
  return { tcpSocket: { port }, periodSeconds: opts.period ?? 10, timeoutSeconds: 5, failureThreshold: opts.failures ?? 3 };
}

/**
 * Spreads replicas over nodes (and zones when the cluster has them). Preferred rather than required,
 * so a small cluster still schedules every replica; the PodDisruptionBudget keeps drains safe.
 */
export function spread(component: string): Pick<IPodSpec, 'affinity' | 'topologySpreadConstraints'> {
  const selector = { matchLabels: selectorLabels(component) };
  return {
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: selector, topologyKey: 'kubernetes.io/hostname' } },
        ],
      },
    },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
    ],
  };
}

export interface ContainerSpec extends Omit<IContainer, 'securityContext' | 'resources'> {
  image: string;
  resources: Resources;
  /** Only for the log collector's documented exception. */
  securityContext?: ISecurityContext;
}

/** A container with the restricted security context unless the spec documents an exception. */
export function container(c: ContainerSpec): IContainer {
  return {
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePolicy: 'FallbackToLogsOnError',
    ...c,
    securityContext: c.securityContext ?? restrictedContainerSecurity(),
  };
}

/** The pod's own name, for per-replica settings (replica label, cluster advertise address). */
export const POD_NAME_ENV: IEnvVar = { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } };
export const POD_IP_ENV: IEnvVar = { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } };

export interface PodSpecInput {
  component: string;
  serviceAccountName: string;
  /** Only Prometheus (service discovery) and Alloy (pod discovery) talk to the Kubernetes API. */
  automountToken?: boolean;
  uid: number;
  containers: IContainer[];
  initContainers?: IContainer[];
  volumes?: IPodSpec['volumes'];
  replicated?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: IPodSecurityContext;
  /** Pod labels beyond the component's own. */
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  restartPolicy?: IPodSpec['restartPolicy'];
  tolerations?: IPodSpec['tolerations'];
  nodeSelector?: IPodSpec['nodeSelector'];
}

export function podTemplate(ctx: ChartContext, p: PodSpecInput): IPodTemplateSpec {
  return {
    metadata: { labels: { ...componentLabels(ctx, p.component), ...(p.labels ?? {}) }, ...(p.annotations ? { annotations: p.annotations } : {}) },
    spec: {
      serviceAccountName: p.serviceAccountName,
      automountServiceAccountToken: p.automountToken ?? false,
      securityContext: p.securityContext ?? restrictedPodSecurity(p.uid),
      ...(p.initContainers ? { initContainers: p.initContainers } : {}),
      containers: p.containers,
      ...(p.volumes ? { volumes: p.volumes } : {}),
      ...(p.replicated ? spread(p.component) : {}),
      ...(p.terminationGracePeriodSeconds ? { terminationGracePeriodSeconds: p.terminationGracePeriodSeconds } : {}),
      ...(p.restartPolicy ? { restartPolicy: p.restartPolicy } : {}),
      ...(p.tolerations ? { tolerations: p.tolerations } : {}),
      ...(p.nodeSelector ? { nodeSelector: p.nodeSelector } : {}),
    },
  };
}

/** A ServiceAccount; the token is mounted only where the pod asks for it. */
export function serviceAccount(scope: Construct, ctx: ChartContext, component: string, name: string, automount = false, namespace = ctx.namespace): void {
  emit(scope, `${name}-sa`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(ctx, component, name, namespace),
    automountServiceAccountToken: automount,
  });
}

/** maxUnavailable 1: a node drain takes one replica at a time. Only for replicated workloads. */
export function podDisruptionBudget(scope: Construct, ctx: ChartContext, component: string, replicas: number, namespace = ctx.namespace): void {
  if (replicas < 2) return;
  emit(scope, `${component}-pdb`, {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(ctx, component, component, namespace),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(component) } },
  });
}

/** A TCP Service port that targets the container port of the same name. */
export const namedPort = (name: string, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): IServicePort => ({ name, port, targetPort: name, protocol });

export function service(
  scope: Construct,
  ctx: ChartContext,
  component: string,
  name: string,
  ports: IServicePort[],
  opts: { headless?: boolean; publishNotReady?: boolean; namespace?: string; annotations?: Record<string, string>; clientAffinity?: boolean } = {},
): void {
  emit(scope, `${name}-svc`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(ctx, component, name, opts.namespace ?? ctx.namespace, { annotations: opts.annotations }),
    spec: {
      selector: selectorLabels(component),
      ports,
      ...(opts.headless ? { clusterIP: 'None' } : { type: 'ClusterIP' }),
      ...(opts.publishNotReady ? { publishNotReadyAddresses: true } : {}),
      ...(opts.clientAffinity ? { sessionAffinity: 'ClientIP' } : {}),
    },
  });
}

/**
 * Rollouts on configuration changes. A pod reads its ConfigMaps' environment (`envFrom`) and most
 * config files only at start, and Kubernetes does not restart it when they change. So a pod
 * template carries one annotation per generated ConfigMap it reads at start, `checksum/<name>`,
 * the sha256 of that ConfigMap's data: a changed value changes exactly the templates of the pods
 * that read it, and their controllers roll them. Configuration a program reloads by itself
 * (Prometheus rules and config, Alertmanager config: their reloader sidecars; dashboards: Grafana
 * rescans them) is left out, so changing it restarts nothing.
 */
export function configChecksums(configs: Record<string, Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(configs)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, data]) => {
        const canonical = JSON.stringify(Object.keys(data).sort().map((k) => [k, data[k]]));
        return [`checksum/${name}`, createHash('sha256').update(canonical).digest('hex')];
      }),
  );
}

/** A ConfigMap of text files (the key is the file name). */
export function configMap(scope: Construct, ctx: ChartContext, component: string, name: string, data: Record<string, string>, namespace = ctx.namespace): void {
  emit(scope, `${name}-cm`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(ctx, component, name, namespace), data });
}

/** ConfigMap keys cannot hold '/': `templates/a.tmpl` becomes key `templates_a.tmpl`, mounted back at its path. */
export function keyOf(path: string): string {
  return path.split('/').join('_');
}

/** Volume `items` that mount each key back at its relative path; two paths on one key are an error. */
export function itemsFor(paths: string[]): IKeyToPath[] {
  const keys = new Set<string>();
  for (const p of paths) {
    const k = keyOf(p);
    if (keys.has(k)) throw new Error(`two files map to the same ConfigMap key ${k}`);
    keys.add(k);
  }
  return paths.map((p) => ({ key: keyOf(p), path: p }));
}

/**
 * A Deployment of one component. Rolling updates surge one pod before removing one, so a single
 * replica is replaced without a gap; `Recreate` is for pods that hold a ReadWriteOnce volume or
 * a per-process state that must not run twice.
 */
export function deployment(
  scope: Construct,
  ctx: ChartContext,
  component: string,
  d: { replicas: number; template: IPodTemplateSpec; strategy?: 'RollingUpdate' | 'Recreate' },
): void {
  const strategy: IDeploymentStrategy =
    (d.strategy ?? 'RollingUpdate') === 'Recreate' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } };
  emit(scope, 'deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(ctx, component, component),
    spec: { replicas: d.replicas, selector: { matchLabels: selectorLabels(component) }, strategy, template: d.template },
  });
}

/**
 * A DaemonSet: one pod per node, replaced `maxUnavailable` at a time (a count, or a share of the
 * nodes) so a rollout never blinds every node at once.
 */
export function daemonSet(
  scope: Construct,
  ctx: ChartContext,
  component: string,
  d: { namespace: string; template: IPodTemplateSpec; maxUnavailable: number | string; labels?: Record<string, string> },
): void {
  emit(scope, 'daemonset', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta(ctx, component, component, d.namespace, { labels: d.labels }),
    spec: {
      selector: { matchLabels: selectorLabels(component) },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: d.maxUnavailable } },
      template: d.template,
    },
  });
}

/**
 * A StatefulSet whose replicas each get a `data` volume (ReadWriteOnce, `storageGi`). Pods start
 * in parallel: our replicas are peers (Prometheus HA pair, Alertmanager cluster), not a chain.
 */
export function statefulSet(
  scope: Construct,
  ctx: ChartContext,
  component: string,
  s: { replicas: number; serviceName: string; template: IPodTemplateSpec; storageGi: number; updateStrategy?: IStatefulSetUpdateStrategy; parallel?: boolean },
): void {
  emit(scope, 'statefulset', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(ctx, component, component),
    spec: {
      replicas: s.replicas,
      serviceName: s.serviceName,
      ...((s.parallel ?? true) ? { podManagementPolicy: 'Parallel' } : {}),
      ...(s.updateStrategy ? { updateStrategy: s.updateStrategy } : {}),
      selector: { matchLabels: selectorLabels(component) },
      template: s.template,
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: `${s.storageGi}Gi` } } },
        },
      ],
    },
  });
}
