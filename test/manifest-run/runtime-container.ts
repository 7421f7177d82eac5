/**
 * Pods as podman containers, as the manifests say: the pod's image, user and groups, read-only
 * root filesystem (without podman's extra tmpfs mounts, so only the manifest's own volumes are
 * writable), dropped capabilities, no privilege escalation, the CPU and memory limits, the
 * environment and the volumes at their mount paths.
 *
 * Each run gets its own podman network, so every pod has its own address and listens on the ports
 * the manifest declares (two runs on one machine never collide); this process reaches pods at
 * their addresses, as the kubelet does. A pod's first container owns the network namespace, the
 * others join it. Cluster DNS is a hosts file every container mounts, rewritten in place as pods
 * start (Service names, StatefulSet pod names, names of test stand-ins).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Engine, engineOk, engineRun } from '../../stacks/image/engine.js';
import type { ContainerPlan } from './plan.js';
import type { JobResult, PodRuntime, RunnableImage, RunningPod, StartRequest } from './runtime.js';

export const RUN_LABEL = 'io.immigration-ai.manifest-run';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

interface Network {
  name: string;
  gateway: string;
  prefix: string;
}

function parseNetwork(json: string, name: string): Network {
  const [net] = JSON.parse(json) as { subnets?: { subnet: string; gateway: string }[] }[];
  const subnet = net?.subnets?.[0];
  if (!subnet) throw new Error(`podman network ${name} has no subnet`);
  const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(subnet.subnet);
  if (!m) throw new Error(`podman network ${name}: expected a /24 subnet, got ${subnet.subnet}`);
  return { name, gateway: subnet.gateway, prefix: m[1] };
}

/** podman's arguments for one container of a pod. */
export function containerArgs(
  engine: Engine,
  c: ContainerPlan,
  opts: { name: string; runId: string; network: string; ip?: string; hostname?: string; hostsFile: string; dirs: Map<string, string>; image: RunnableImage },
): string[] {
  const args = ['--name', opts.name, '--label', `${RUN_LABEL}=${opts.runId}`, '--pull=never', ...engine.limits];
  args.push('--network', opts.network, ...(opts.ip ? ['--ip', opts.ip] : []), ...(opts.hostname ? ['--hostname', opts.hostname] : []));
  args.push('--no-hosts', '-v', `${opts.hostsFile}:/etc/hosts:ro`);
  if (c.user.uid !== undefined) args.push('--user', `${c.user.uid}:${c.user.gid ?? c.user.uid}`);
  for (const g of c.user.groups) args.push('--group-add', String(g));
  if (c.readOnlyRootFilesystem) args.push('--read-only', '--read-only-tmpfs=false');
  if (c.capabilities.drop.includes('ALL')) args.push('--cap-drop', 'ALL');
  else for (const cap of c.capabilities.drop) args.push('--cap-drop', cap);
  for (const cap of c.capabilities.add) args.push('--cap-add', cap);
  if (!c.allowPrivilegeEscalation) args.push('--security-opt', 'no-new-privileges');
  if (c.limits.memoryBytes !== undefined) args.push('--memory', String(c.limits.memoryBytes));
  if (c.limits.cpu !== undefined) args.push('--cpus', String(c.limits.cpu));
  for (const [k, v] of c.env) args.push('-e', `${k}=${v}`);
  for (const m of c.mounts) {
    const dir = opts.dirs.get(m.volume);
    if (!dir) throw new Error(`container ${c.name}: no folder for volume ${m.volume}`);
    args.push('-v', `${dir}:${m.mountPath}${m.readOnly ? ':ro' : ''}`);
  }
  // Kubernetes: `command` replaces the entrypoint and drops the image's CMD; `args` replaces CMD.
  if (c.command) args.push('--entrypoint', JSON.stringify(c.command));
  args.push(opts.image.local);
  if (c.args) args.push(...c.args);
  return args;
}

function runAsync(engine: Engine, args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(engine.bin, [...engine.global, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

export class ContainerRuntime implements PodRuntime {
  readonly kind = 'container' as const;
  private nextHost = 2;
  private readonly hostsFile: string;
  private closed = false;
  private readonly exitCleanup = (): void => this.cleanupSync();
  /** Killed by a signal, node runs no 'exit' handlers: remove the containers and network, then die of it. */
  private readonly signalCleanup = (sig: NodeJS.Signals): void => {
    this.cleanupSync();
    process.kill(process.pid, sig);
  };

  private constructor(
    private readonly engine: Engine,
    private readonly network: Network,
    private readonly runId: string,
    workDir: string,
  ) {
    mkdirSync(workDir, { recursive: true });
    this.hostsFile = join(workDir, 'hosts');
    this.setHosts(new Map());
    process.once('exit', this.exitCleanup);
    for (const sig of SIGNALS) process.once(sig, this.signalCleanup);
  }

  /** A runtime with its own podman network. */
  static create(engine: Engine, workDir: string, runId: string): ContainerRuntime {
    const name = `manifest-run-${runId}`;
    engineOk(engine, ['network', 'create', '--label', `${RUN_LABEL}=${runId}`, name]);
    const network = parseNetwork(engineOk(engine, ['network', 'inspect', name]), name);
    return new ContainerRuntime(engine, network, runId, workDir);
  }

  get hostAddress(): string {
    return this.network.gateway;
  }

  allocateIp(): string {
    if (this.nextHost > 254) throw new Error('manifest runner: no addresses left in the run network');
    return `${this.network.prefix}.${this.nextHost++}`;
  }

  setHosts(entries: Map<string, string>): void {
    const lines = ['127.0.0.1 localhost', '::1 localhost', ...[...entries.entries()].map(([name, ip]) => `${ip} ${name}`)];
    // Rewritten in place: every container bind-mounts this very file.
    writeFileSync(this.hostsFile, `${lines.join('\n')}\n`);
  }

  private containerName(pod: string, c: string): string {
    return `mr-${this.runId}-${pod}-${c}`.slice(0, 120);
  }

  private checkUser(c: ContainerPlan, image: RunnableImage): void {
    if (!c.user.runAsNonRoot || c.user.uid !== undefined) {
      if (c.user.runAsNonRoot && c.user.uid === 0) throw new Error(`container ${c.name}: runAsNonRoot with runAsUser 0: the kubelet refuses to start it`);
      return;
    }
    const user = engineOk(this.engine, ['image', 'inspect', '--format', '{{.Config.User}}', image.local]).trim();
    const uid = user.split(':')[0];
    if (!/^\d+$/.test(uid) || uid === '0') throw new Error(`container ${c.name}: runAsNonRoot, but image ${image.local} runs as "${user || 'root'}": the kubelet refuses to start it`);
  }

  async start(req: StartRequest): Promise<RunningPod> {
    const names: string[] = [];
    let first: string | undefined;
    for (const c of req.containers) {
      const image = req.images(c.image);
      this.checkUser(c, image);
      const name = this.containerName(req.pod.name, c.name);
      const args = containerArgs(this.engine, c, {
        name,
        runId: this.runId,
        network: first ? `container:${first}` : this.network.name,
        ip: first ? undefined : req.ip,
        hostname: first ? undefined : req.pod.name,
        hostsFile: this.hostsFile,
        dirs: req.dirs,
        image,
      });
      engineOk(this.engine, ['run', '-d', ...args]);
      names.push(name);
      first = first ?? name;
    }
    const engine = this.engine;
    return {
      plan: req.pod,
      containers: req.containers.map((c) => c.name),
      ip: req.ip,
      dirs: req.dirs,
      dead(): string | undefined {
        if (names.length === 0) return undefined;
        const r = engineRun(engine, ['inspect', '--format', '{{.Name}} {{.State.Status}} {{.State.ExitCode}}', ...names]);
        if (r.status !== 0) return `podman inspect failed: ${r.stderr.trim()}`;
        const stopped = r.stdout.trim().split('\n').filter((l) => !/ running /.test(l));
        return stopped.length > 0 ? `container stopped: ${stopped.join('; ')}` : undefined;
      },
      logs(container?: string): string {
        return names
          .filter((n) => container === undefined || n.endsWith(`-${container}`))
          .map((n) => `--- ${n}\n${engineRun(engine, ['logs', '--tail', '200', n]).stdout}${engineRun(engine, ['logs', '--tail', '200', n]).stderr}`)
          .join('\n');
      },
      async stop(): Promise<void> {
        if (names.length === 0) return;
        await runAsync(engine, ['stop', '-t', '5', ...names.slice().reverse()], 30_000);
        await runAsync(engine, ['rm', '-f', ...names], 30_000);
      },
    };
  }

  async runToCompletion(req: StartRequest, timeoutMs: number): Promise<JobResult> {
    if (req.containers.length !== 1) throw new Error('manifest runner: a job pod runs exactly one container here');
    const c = req.containers[0];
    const image = req.images(c.image);
    this.checkUser(c, image);
    const name = this.containerName(req.pod.name, c.name);
    const args = containerArgs(this.engine, c, { name, runId: this.runId, network: this.network.name, ip: req.ip, hostname: req.pod.name, hostsFile: this.hostsFile, dirs: req.dirs, image });
    const started = Date.now();
    const r = await runAsync(this.engine, ['run', ...args], timeoutMs);
    const exit = engineRun(this.engine, ['inspect', '--format', '{{.State.ExitCode}}', name]).stdout.trim();
    engineRun(this.engine, ['rm', '-f', name]);
    return { exitCode: /^\d+$/.test(exit) ? Number(exit) : r.code, logs: r.out, seconds: (Date.now() - started) / 1000 };
  }

  private cleanupSync(): void {
    if (this.closed) return;
    this.closed = true;
    const ids = spawnSync(this.engine.bin, [...this.engine.global, 'ps', '-aq', '--filter', `label=${RUN_LABEL}=${this.runId}`], { encoding: 'utf8' }).stdout.trim();
    if (ids) spawnSync(this.engine.bin, [...this.engine.global, 'rm', '-f', '-t', '2', ...ids.split('\n')], { stdio: 'ignore' });
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = spawnSync(this.engine.bin, [...this.engine.global, 'network', 'rm', '-f', this.network.name], { encoding: 'utf8' });
      if (r.status === 0 || /no such network|not found/i.test(r.stderr)) return;
      spawnSync('sleep', ['1']);
      if (attempt === 2) process.stderr.write(`manifest runner: could not remove podman network ${this.network.name}: ${r.stderr}\n`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const ids = engineRun(this.engine, ['ps', '-aq', '--filter', `label=${RUN_LABEL}=${this.runId}`]).stdout.trim();
    if (ids) await runAsync(this.engine, ['rm', '-f', '-t', '5', ...ids.split('\n')], 60_000);
    this.cleanupSync();
    process.removeListener('exit', this.exitCleanup);
    for (const sig of SIGNALS) process.removeListener(sig, this.signalCleanup);
  }
}
