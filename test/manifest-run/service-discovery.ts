/**
 * Kubernetes service discovery for a Prometheus the manifest runner starts. Debian builds
 * Prometheus without Kubernetes service discovery, so each `kubernetes_sd_configs` block of the
 * generated prometheus.yml becomes the `static_configs` that `role: endpointslice` discovery would
 * return for the pods the runner has: one target per Service port and selected pod, carrying the
 * same `__meta_kubernetes_*` labels. The scrape and alerting `relabel_configs` then run as written,
 * so a wrong Service name, port name or selector still loses the target.
 *
 * The config reloader's image is not available either: `configReloaderInit` does the job of the
 * init container (expand `$(VAR)` from its environment, write the result to the shared folder),
 * applying the translation on the way.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse } from 'yaml';
import { toYaml } from '../../contract/serialize.js';
import type { K8sObject } from '../helpers/manifests.js';
import type { EmulationContext } from './cluster.js';
import { expand, type PodPlan } from './plan.js';
import { rewritePaths, pathMap } from './runtime-process.js';

export interface DiscoveredPod {
  plan: PodPlan;
  ip: string;
}

interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

const sanitize = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, '_');

/** What `role: endpointslice` discovery returns for these namespaces. */
export function endpointSliceTargets(objects: K8sObject[], pods: readonly DiscoveredPod[], namespaces: readonly string[]): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (const svc of objects.filter((o) => o.kind === 'Service' && namespaces.includes(o.metadata.namespace as string))) {
    const ns = svc.metadata.namespace as string;
    const spec = svc.spec as { selector?: Record<string, string>; ports: { name?: string; port: number; targetPort?: string | number; protocol?: string }[] };
    if (!spec.selector) continue;
    const selected = pods.filter((p) => p.plan.namespace === ns && Object.entries(spec.selector ?? {}).every(([k, v]) => p.plan.labels[k] === v));
    for (const port of spec.ports) {
      for (const pod of selected) {
        const target = port.targetPort ?? port.port;
        const container = pod.plan.containers.find((c) => c.ports.some((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target)));
        const cport = container?.ports.find((p) => (typeof target === 'number' ? p.containerPort === target : p.name === target));
        if (!container || !cport) continue;
        groups.push({
          targets: [`${pod.ip}:${cport.containerPort}`],
          labels: {
            __meta_kubernetes_namespace: ns,
            __meta_kubernetes_endpointslice_name: `${svc.metadata.name}-test`,
            __meta_kubernetes_endpointslice_port_name: port.name ?? '',
            __meta_kubernetes_endpointslice_port: String(cport.containerPort),
            __meta_kubernetes_endpointslice_port_protocol: port.protocol ?? 'TCP',
            __meta_kubernetes_endpointslice_endpoint_conditions_ready: 'true',
            __meta_kubernetes_service_name: svc.metadata.name,
            ...Object.fromEntries(Object.entries(svc.metadata.labels ?? {}).map(([k, v]) => [`__meta_kubernetes_service_label_${sanitize(k)}`, v])),
            ...Object.fromEntries(Object.entries(svc.metadata.annotations ?? {}).map(([k, v]) => [`__meta_kubernetes_service_annotation_${sanitize(k)}`, v])),
            __meta_kubernetes_pod_name: pod.plan.name,
            __meta_kubernetes_pod_ip: pod.ip,
            ...Object.fromEntries(Object.entries(pod.plan.labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${sanitize(k)}`, v])),
            __meta_kubernetes_pod_container_name: container.name,
            __meta_kubernetes_pod_container_port_name: cport.name ?? '',
            __meta_kubernetes_pod_container_port_number: String(cport.containerPort),
          },
        });
      }
    }
  }
  return groups;
}

/** prometheus.yml with every `kubernetes_sd_configs` replaced by the `static_configs` discovery would find. */
export function withStaticDiscovery(config: unknown, discover: (sd: { role: string; namespaces?: { names: string[] } }) => TargetGroup[]): unknown {
  if (Array.isArray(config)) return config.map((c) => withStaticDiscovery(c, discover));
  if (config === null || typeof config !== 'object') return config;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k !== 'kubernetes_sd_configs') {
      out[k] = withStaticDiscovery(v, discover);
      continue;
    }
    const groups = (v as { role: string; namespaces?: { names: string[] } }[]).flatMap((sd) => {
      // Node discovery (the kubelet jobs) finds no node here: no kubelet runs, so those jobs have no target.
      if (sd.role === 'node') return [];
      if (sd.role !== 'endpointslice') throw new Error(`service discovery role ${sd.role} is not emulated`);
      return discover(sd);
    });
    out.static_configs = groups;
  }
  return out;
}

/**
 * The prometheus-config-reloader init container (`--watch-interval=0`), done by the test: reads
 * `--config-file`, expands `$(VAR)` with the container's environment, replaces Kubernetes service
 * discovery by what it would find among `pods()`, and writes `--config-envsubst-file`.
 */
export function configReloaderInit(objects: K8sObject[], pods: () => readonly DiscoveredPod[]): (ctx: EmulationContext) => void {
  return (ctx) => {
    const arg = (name: string): string => {
      const a = (ctx.container.args ?? []).find((x) => x.startsWith(`--${name}=`));
      if (!a) throw new Error(`${ctx.container.name}: no --${name}`);
      return a.slice(name.length + 3);
    };
    const map = pathMap(ctx.container, ctx.dirs);
    const source = rewritePaths(arg('config-file'), map);
    const target = rewritePaths(arg('config-envsubst-file'), map);
    const vars = new Map(ctx.container.env);
    const expanded = expand(readFileSync(source, 'utf8'), vars);
    const translated = withStaticDiscovery(parse(expanded), (sd) => endpointSliceTargets(objects, pods(), sd.namespaces?.names ?? [ctx.pod.namespace]));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, toYaml(translated));
  };
}
