/**
 * Building blocks shared by the component charts: the restricted Pod Security Standard, the seed's
 * resource budget, probes, anti-affinity, and a thin typed way to emit plain Kubernetes objects.
 *
 * Charts emit plain objects through cdk8s `ApiObject` rather than cdk8s-plus constructs: the
 * security fields, probes and volume layouts here must be exact, and a strict schema test checks
 * every field, so the manifests say precisely what is written here and nothing else.
 */
import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { MonitoringConfig } from '../contract/config/index.js';
import { componentLabels, selectorLabels } from './labels.js';

export type Obj = Record<string, unknown>;

/** Emits one object; `id` only needs to be unique within the chart. */
export function emit(scope: Construct, id: string, object: { apiVersion: string; kind: string; metadata: Obj } & Obj): ApiObject {
  return new ApiObject(scope, id, object);
}

export function meta(config: MonitoringConfig, component: string, name: string, namespace: string | undefined = config.namespace, extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): Obj {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { ...componentLabels(config, component), ...(extra.labels ?? {}) },
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
  };
}

/** Pod-level part of the "restricted" Pod Security Standard. */
export function restrictedPodSecurity(uid: number): Obj {
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
export function restrictedContainerSecurity(): Obj {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** The seed's monitoring component budget: request 0.1 CPU / 128 MiB, limit 0.5 CPU / 512 MiB. */
export const SEED_BUDGET: Resources = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '500m', memory: '512Mi' },
};

/** Small helpers (config reloader): a tenth of the budget is plenty. */
export const SIDECAR_BUDGET: Resources = {
  requests: { cpu: '10m', memory: '32Mi' },
  limits: { cpu: '100m', memory: '64Mi' },
};

export function httpProbe(path: string, port: string, opts: { period?: number; failures?: number; timeout?: number; initialDelay?: number } = {}): Obj {
  return {
    httpGet: { path, port },
    periodSeconds: opts.period ?? 10,
    timeoutSeconds: opts.timeout ?? 5,
    failureThreshold: opts.failures ?? 3,
    ...(opts.initialDelay ? { initialDelaySeconds: opts.initialDelay } : {}),
  };
}

export function tcpProbe(port: string, opts: { period?: number; failures?: number } = {}): Obj {
  return { tcpSocket: { port }, periodSeconds: opts.period ?? 10, timeoutSeconds: 5, failureThreshold: opts.failures ?? 3 };
}

/**
 * Spreads replicas over nodes (and zones when the cluster has them). Preferred rather than required,
 * so a small cluster still schedules every replica; the PodDisruptionBudget keeps drains safe.
 */
export function spread(component: string): { affinity: Obj; topologySpreadConstraints: Obj[] } {
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

export interface ContainerSpec {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  env?: Obj[];
  envFrom?: Obj[];
  ports?: { name: string; containerPort: number; protocol?: string }[];
  volumeMounts?: Obj[];
  resources: Resources;
  readinessProbe?: Obj;
  livenessProbe?: Obj;
  startupProbe?: Obj;
  /** Only for the log collector's documented exception. */
  securityContext?: Obj;
}

export function container(c: ContainerSpec): Obj {
  return {
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePolicy: 'FallbackToLogsOnError',
    ...c,
    securityContext: c.securityContext ?? restrictedContainerSecurity(),
  };
}

/** The pod's own name, for per-replica settings (replica label, cluster advertise address). */
export const POD_NAME_ENV: Obj = { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } };
export const POD_IP_ENV: Obj = { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } };

export interface PodSpecInput {
  component: string;
  serviceAccountName: string;
  /** Only Prometheus (service discovery) and Alloy (pod discovery) talk to the Kubernetes API. */
  automountToken?: boolean;
  uid: number;
  containers: Obj[];
  initContainers?: Obj[];
  volumes?: Obj[];
  replicated?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: Obj;
  annotations?: Record<string, string>;
}

export function podTemplate(config: MonitoringConfig, p: PodSpecInput): Obj {
  return {
    metadata: { labels: componentLabels(config, p.component), ...(p.annotations ? { annotations: p.annotations } : {}) },
    spec: {
      serviceAccountName: p.serviceAccountName,
      automountServiceAccountToken: p.automountToken ?? false,
      securityContext: p.securityContext ?? restrictedPodSecurity(p.uid),
      ...(p.initContainers ? { initContainers: p.initContainers } : {}),
      containers: p.containers,
      ...(p.volumes ? { volumes: p.volumes } : {}),
      ...(p.replicated ? spread(p.component) : {}),
      ...(p.terminationGracePeriodSeconds ? { terminationGracePeriodSeconds: p.terminationGracePeriodSeconds } : {}),
    },
  };
}

/** A ServiceAccount; the token is mounted only where the pod asks for it. */
export function serviceAccount(scope: Construct, config: MonitoringConfig, component: string, name: string, automount = false, namespace = config.namespace): void {
  emit(scope, `${name}-sa`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: meta(config, component, name, namespace),
    automountServiceAccountToken: automount,
  });
}

/** maxUnavailable 1: a node drain takes one replica at a time. Only for replicated workloads. */
export function podDisruptionBudget(scope: Construct, config: MonitoringConfig, component: string, replicas: number, namespace = config.namespace): void {
  if (replicas < 2) return;
  emit(scope, `${component}-pdb`, {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: meta(config, component, component, namespace),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(component) } },
  });
}

export function service(scope: Construct, config: MonitoringConfig, component: string, name: string, ports: Obj[], opts: { headless?: boolean; publishNotReady?: boolean; namespace?: string; annotations?: Record<string, string> } = {}): void {
  emit(scope, `${name}-svc`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(config, component, name, opts.namespace ?? config.namespace, { annotations: opts.annotations }),
    spec: {
      selector: selectorLabels(component),
      ports,
      ...(opts.headless ? { clusterIP: 'None' } : { type: 'ClusterIP' }),
      ...(opts.publishNotReady ? { publishNotReadyAddresses: true } : {}),
    },
  });
}

/** ConfigMap keys cannot hold '/': `templates/a.tmpl` becomes key `templates_a.tmpl`, mounted back at its path. */
export function keyOf(path: string): string {
  return path.split('/').join('_');
}

/** Volume `items` that mount each key back at its relative path. */
export function itemsFor(paths: string[]): Obj[] {
  return paths.map((p) => ({ key: keyOf(p), path: p }));
}

export function uniqueKeys(paths: string[]): void {
  const keys = new Set<string>();
  for (const p of paths) {
    const k = keyOf(p);
    if (keys.has(k)) throw new Error(`two files map to the same ConfigMap key ${k}`);
    keys.add(k);
  }
}

/**
 * A StatefulSet whose replicas each get a `data` volume (ReadWriteOnce, `storageGi`). Pods start
 * in parallel: our replicas are peers (Prometheus HA pair, Alertmanager cluster), not a chain.
 */
export function statefulSet(
  scope: Construct,
  config: MonitoringConfig,
  component: string,
  s: { replicas: number; serviceName: string; template: Obj; storageGi: number; updateStrategy?: Obj },
): void {
  emit(scope, 'statefulset', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(config, component, component),
    spec: {
      replicas: s.replicas,
      serviceName: s.serviceName,
      podManagementPolicy: 'Parallel',
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
