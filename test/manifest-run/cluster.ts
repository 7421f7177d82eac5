/**
 * Runs workloads of the generated manifests as the manifests say (plan.ts resolves them), in
 * containers (podman) or, where no container runtime is available, as processes: a small stand-in
 * for a cluster that tests start pods in, probe, and run CronJobs in.
 *
 * - Cluster DNS: every Service of the manifests resolves to the first running pod it selects
 *   (`svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local`), and a StatefulSet's pods to their own
 *   address under its headless Service (`pod.svc.ns.svc`); tests add names for their stand-ins.
 * - Containers whose image cannot run here must be named by the test: `skip` (with the reason) or
 *   `emulate` (the test does their job, e.g. the config reloader's first expansion).
 * - `overlay` adds environment variables a test needs beyond the manifest (only for what a test
 *   cannot reach otherwise, such as the base URL of a SaaS API); every use says why.
 * - `updateConfigMap` rewrites the files of every running pod that mounts it, as the kubelet does.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { K8sObject } from '../helpers/manifests.js';
import { containerEngine } from '../helpers/container-engine.js';
import { type ContainerPlan, findWorkload, planPod, type PodPlan, portNumber, type TestSecrets, type VolumeFile } from './plan.js';
import { probeOnce, type ProbeTarget, waitProbe } from './probes.js';
import { ContainerRuntime } from './runtime-container.js';
import { pathMap, ProcessRuntime, translateFiles } from './runtime-process.js';
import type { JobResult, PodRuntime, RunnableImage, RunningPod } from './runtime.js';
import { materializeVolumes, updateVolume } from './volumes.js';

export interface ClusterOptions {
  objects: K8sObject[];
  /** Values of the Secrets an operator would create. */
  secrets?: TestSecrets;
  workDir: string;
  /** Manifest image reference -> how to run it here. */
  images: Record<string, RunnableImage>;
  /** Default: containers when an engine answers, else processes (MANIFEST_RUNTIME=process forces them). */
  runtime?: PodRuntime;
  log?: (m: string) => void;
}

export interface EmulationContext {
  pod: PodPlan;
  container: ContainerPlan;
  /** Volume name -> host folder. */
  dirs: Map<string, string>;
  cluster: ManifestCluster;
}

export interface PodOptions {
  podName?: string;
  /** Container name -> why it does not run here. */
  skip?: Record<string, string>;
  /** Container name -> what the test does in its place (before the pod's containers start). */
  emulate?: Record<string, (ctx: EmulationContext) => void>;
  /** Container name -> environment variables and folders added for the test (each documented where it is used). */
  overlay?: Record<string, Overlay>;
  /** hostPath -> folder standing in for it. */
  hostPaths?: Record<string, string>;
}

/** What a test adds to a container beyond its manifest. */
export interface Overlay {
  env?: Record<string, string>;
  /** A folder of this host mounted into the container. */
  mounts?: { hostDir: string; mountPath: string; readOnly: boolean }[];
}

/** A pod whose address and names are known before it starts (so its peers can find it). */
export interface ReservedPod {
  plan: PodPlan;
  ip: string;
  opts: PodOptions;
}

export interface ProbeReport {
  container: string;
  probe: 'startupProbe' | 'readinessProbe' | 'livenessProbe';
  ok: boolean;
  detail: string;
}

let runs = 0;

/** The runtime the environment allows: podman when it answers, else processes. */
export function defaultRuntime(workDir: string, runId: string): PodRuntime {
  const engine = containerEngine();
  return engine ? ContainerRuntime.create(engine, workDir, runId) : new ProcessRuntime(workDir);
}

export class ManifestCluster {
  readonly runtime: PodRuntime;
  readonly pods: RunningPod[] = [];
  private readonly reserved: ReservedPod[] = [];
  private readonly extraHosts = new Map<string, string>();
  private readonly forwarders: Server[] = [];
  private readonly objects: K8sObject[];
  private readonly log: (m: string) => void;

  constructor(private readonly opts: ClusterOptions) {
    rmSync(join(opts.workDir, 'pods'), { recursive: true, force: true });
    mkdirSync(opts.workDir, { recursive: true });
    this.objects = opts.objects;
    this.log = opts.log ?? (() => undefined);
    this.runtime = opts.runtime ?? defaultRuntime(opts.workDir, `${process.pid}-${++runs}-${Date.now().toString(36)}`);
    if (this.runtime.kind === 'process') this.log('no container runtime: running the manifests\' commands as processes (runtime-process.ts)');
    for (const [ref, image] of Object.entries(opts.images)) if (image.note && this.runtime.kind === 'container') this.log(`${ref}: ${image.note}`);
  }

  /** Sets the values of a Secret an operator would create (before the pods that read it start). */
  setSecret(name: string, data: Record<string, string>): void {
    this.opts.secrets = { ...(this.opts.secrets ?? {}), [name]: data };
  }

  /** Where pods reach this process' stand-ins for external services. */
  get hostAddress(): string {
    return this.runtime.hostAddress;
  }

  /** A name pods can resolve (e.g. a stand-in for an external service, at hostAddress). */
  addHost(name: string, ip: string): void {
    this.extraHosts.set(name, ip);
    this.refreshHosts();
  }

  private image(ref: string): RunnableImage {
    const image = this.opts.images[ref];
    if (!image) throw new Error(`manifest runner: no runnable image for ${ref}; skip or emulate the container that uses it`);
    return image;
  }

  private refreshHosts(): void {
    const hosts = new Map(this.extraHosts);
    for (const svc of this.objects.filter((o) => o.kind === 'Service')) {
      const ns = svc.metadata.namespace as string;
      const spec = svc.spec as { selector?: Record<string, string>; clusterIP?: string };
      const selected = this.known().filter((p) => p.plan.namespace === ns && Object.entries(spec.selector ?? {}).every(([k, v]) => p.plan.labels[k] === v));
      if (selected.length === 0) continue;
      for (const name of [svc.metadata.name, `${svc.metadata.name}.${ns}`, `${svc.metadata.name}.${ns}.svc`, `${svc.metadata.name}.${ns}.svc.cluster.local`]) {
        if (!hosts.has(name)) hosts.set(name, selected[0].ip);
      }
      if (spec.clusterIP === 'None') {
        for (const p of selected) for (const suffix of ['svc', 'svc.cluster.local']) hosts.set(`${p.plan.name}.${svc.metadata.name}.${ns}.${suffix}`, p.ip);
      }
    }
    this.runtime.setHosts(hosts);
  }

  /**
   * Makes a Service of the manifests reach a server that runs outside the cluster on this host
   * (e.g. a Prometheus of the local stack): the Service's names resolve to hostAddress, where a TCP
   * forwarder listens on the Service's port. Returns the names.
   */
  async exposeService(service: string, namespace: string, port: number, target: { host: string; port: number }): Promise<string[]> {
    const names = [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`, `${service}.${namespace}`];
    if (this.extraHosts.has(names[0])) return names;
    const server = createServer((socket) => {
      const upstream = connect(target.port, target.host);
      socket.pipe(upstream).pipe(socket);
      const close = (): void => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', close);
      upstream.on('error', close);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.hostAddress, () => resolve());
    });
    this.forwarders.push(server);
    for (const n of names) this.extraHosts.set(n, this.hostAddress);
    this.refreshHosts();
    return names;
  }

  /** Every Service name this cluster resolves now. */
  serviceNames(): Set<string> {
    const names = new Set<string>([...this.extraHosts.keys()].filter((n) => n.includes('.svc')));
    for (const svc of this.objects.filter((o) => o.kind === 'Service')) {
      const ns = svc.metadata.namespace as string;
      names.add(`${svc.metadata.name}.${ns}.svc`);
      names.add(`${svc.metadata.name}.${ns}.svc.cluster.local`);
    }
    return names;
  }

  private plan(kind: string, name: string, opts: PodOptions, ip: string): PodPlan {
    const workload = findWorkload(this.objects, kind, name);
    const pod = planPod(this.objects, workload, { podName: opts.podName, podIp: ip, secrets: this.opts.secrets });
    for (const [container, overlay] of Object.entries(opts.overlay ?? {})) {
      const c = pod.containers.find((x) => x.name === container);
      if (!c) throw new Error(`overlay for unknown container ${container}`);
      for (const [k, v] of Object.entries(overlay.env ?? {})) c.env = [...c.env.filter(([n]) => n !== k), [k, v]];
      for (const [i, m] of (overlay.mounts ?? []).entries()) {
        const volume = `overlay-${container}-${i}`;
        pod.volumes.push({ name: volume, source: { kind: 'hostPath', path: m.hostDir } });
        c.mounts.push({ volume, mountPath: m.mountPath, readOnly: m.readOnly });
      }
    }
    return pod;
  }

  /** Materializes the pod's volumes (translated for the process runtime) and runs the emulated containers. */
  private prepare(pod: PodPlan, opts: PodOptions): { dirs: Map<string, string>; run: ContainerPlan[] } {
    const root = join(this.opts.workDir, 'pods', pod.name, 'volumes');
    const all = [...pod.initContainers, ...pod.containers];
    let plan = pod;
    if (this.runtime.kind === 'process') {
      // Folders are known before they exist: translate the files' paths and Service names first.
      const future = new Map(pod.volumes.map((v) => [v.name, v.source.kind === 'hostPath' ? (opts.hostPaths?.[v.source.path] ?? v.source.path) : join(root, v.name)]));
      const map = all.flatMap((c) => pathMap(c, future)).sort((a, b) => b[0].length - a[0].length);
      const names = this.serviceNames();
      plan = { ...pod, volumes: pod.volumes.map((v) => (v.source.kind === 'files' ? { ...v, source: { ...v.source, files: translateFiles(v.source.files, map, names) } } : v)) };
    }
    const overlayDirs = Object.fromEntries(Object.values(opts.overlay ?? {}).flatMap((o) => (o.mounts ?? []).map((m) => [m.hostDir, m.hostDir])));
    const dirs = materializeVolumes(plan, root, { ...overlayDirs, ...(opts.hostPaths ?? {}) });
    for (const c of all) {
      const emulate = opts.emulate?.[c.name];
      if (emulate) emulate({ pod, container: c, dirs, cluster: this });
    }
    const handled = new Set([...Object.keys(opts.skip ?? {}), ...Object.keys(opts.emulate ?? {})]);
    for (const c of all.filter((x) => !handled.has(x.name))) this.image(c.image);
    const unknown = [...handled].filter((n) => !all.some((c) => c.name === n));
    if (unknown.length > 0) throw new Error(`${pod.workload.kind}/${pod.workload.name} has no container ${unknown.join(', ')}`);
    if (pod.initContainers.some((c) => !handled.has(c.name))) throw new Error(`${pod.workload.kind}/${pod.workload.name}: init containers must be emulated or skipped here`);
    return { dirs, run: pod.containers.filter((c) => !handled.has(c.name)) };
  }

  /** Running and reserved pods: what DNS and service discovery see. */
  known(): { plan: PodPlan; ip: string }[] {
    return [...this.pods, ...this.reserved];
  }

  /** Gives a pod of a workload its address and names now; start it with startReserved. */
  reserve(kind: string, name: string, opts: PodOptions = {}): ReservedPod {
    const ip = this.runtime.allocateIp();
    const r = { plan: this.plan(kind, name, opts, ip), ip, opts };
    this.reserved.push(r);
    this.refreshHosts();
    return r;
  }

  async startReserved(r: ReservedPod): Promise<RunningPod> {
    const { dirs, run } = this.prepare(r.plan, r.opts);
    for (const [c, why] of Object.entries(r.opts.skip ?? {})) this.log(`${r.plan.name}: container ${c} not run: ${why}`);
    const running = await this.runtime.start({ pod: r.plan, containers: run, images: (ref) => this.image(ref), dirs, ip: r.ip });
    this.reserved.splice(this.reserved.indexOf(r), 1);
    this.pods.push(running);
    this.refreshHosts();
    return running;
  }

  /** Starts one pod of a Deployment, StatefulSet or DaemonSet. */
  async startPod(kind: string, name: string, opts: PodOptions = {}): Promise<RunningPod> {
    return this.startReserved(this.reserve(kind, name, opts));
  }

  /** Runs one pod of a CronJob (or Job) to completion. */
  async runJob(kind: string, name: string, opts: PodOptions & { timeoutMs?: number } = {}): Promise<JobResult> {
    const ip = this.runtime.allocateIp();
    const pod = this.plan(kind, name, opts, ip);
    const { dirs, run } = this.prepare(pod, opts);
    return this.runtime.runToCompletion({ pod, containers: run, images: (r) => this.image(r), dirs, ip }, opts.timeoutMs ?? 120_000);
  }

  /** How this process reaches a container port of a pod. */
  target(pod: RunningPod, container: ContainerPlan): ProbeTarget {
    return { host: pod.ip, port: (p) => p, resolve: (p) => portNumber(container, p) };
  }

  /** `http://<pod address>:<port>` of a named or numbered container port. */
  url(pod: RunningPod, port: string | number, container?: string): string {
    const c = container ? pod.plan.containers.find((x) => x.name === container)! : pod.plan.containers[0];
    return `http://${pod.ip}:${portNumber(c, port)}`;
  }

  /**
   * The kubelet's view of a started pod: its startup probes pass, then its readiness and liveness
   * probes, each within the time the kubelet would give it (polled faster). Returns every result;
   * `waitReady` throws on the first failure with the pod's logs.
   */
  async probe(pod: RunningPod, opts: { capMs?: number; containers?: string[] } = {}): Promise<ProbeReport[]> {
    const reports: ProbeReport[] = [];
    const alive = (): string | undefined => pod.dead();
    for (const c of pod.plan.containers.filter((x) => pod.containers.includes(x.name) && (opts.containers === undefined || opts.containers.includes(x.name)))) {
      const t = this.target(pod, c);
      for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
        const p = c[kind];
        if (!p) continue;
        const r = await waitProbe(p, t, { capMs: opts.capMs, alive });
        reports.push({ container: c.name, probe: kind, ok: r.ok, detail: r.detail });
        if (!r.ok) return reports;
      }
    }
    return reports;
  }

  async waitReady(pod: RunningPod, opts: { capMs?: number; containers?: string[] } = {}): Promise<ProbeReport[]> {
    const reports = await this.probe(pod, opts);
    const failed = reports.find((r) => !r.ok);
    if (failed) throw new Error(`${pod.plan.name}: ${failed.container} ${failed.probe} failed: ${failed.detail}\n${pod.logs()}`);
    return reports;
  }

  /** One round of every probe of a running pod (a kubelet period): liveness must hold after start too. */
  async probeNow(pod: RunningPod): Promise<ProbeReport[]> {
    const out: ProbeReport[] = [];
    for (const c of pod.plan.containers.filter((x) => pod.containers.includes(x.name))) {
      for (const kind of ['readinessProbe', 'livenessProbe'] as const) {
        const p = c[kind];
        if (p) out.push({ container: c.name, probe: kind, ...(await probeOnce(p, this.target(pod, c))) });
      }
    }
    return out;
  }

  /** Changes a ConfigMap and rewrites it in every running pod that mounts it (the kubelet's sync). */
  updateConfigMap(name: string, data: Record<string, string>): void {
    const cm = this.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
    if (!cm) throw new Error(`no ConfigMap ${name}`);
    cm.data = { ...data };
    for (const pod of this.pods) {
      const workload = findWorkload(this.objects, pod.plan.workload.kind, pod.plan.workload.name, pod.plan.workload.namespace);
      const fresh = planPod(this.objects, workload, { podName: pod.plan.name, podIp: pod.ip, secrets: this.opts.secrets });
      for (const v of fresh.volumes) {
        if (v.source.kind !== 'files' || !v.source.sources.includes(`ConfigMap/${name}`)) continue;
        let files: VolumeFile[] = v.source.files;
        if (this.runtime.kind === 'process') {
          const map = [...fresh.initContainers, ...fresh.containers].flatMap((c) => pathMap(c, pod.dirs)).sort((a, b) => b[0].length - a[0].length);
          files = translateFiles(files, map, this.serviceNames());
        }
        updateVolume(pod.dirs, v, files, fresh.containers[0]?.user.fsGroup);
      }
    }
  }

  /** Stops every pod and the runtime. */
  async stop(): Promise<void> {
    await Promise.all(this.pods.map((p) => p.stop()));
    await this.runtime.close();
    await Promise.all(this.forwarders.map((f) => new Promise<void>((r) => f.close(() => r()))));
  }
}
