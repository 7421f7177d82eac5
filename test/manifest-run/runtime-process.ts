/**
 * The fallback where no container runtime exists: each container's command as a process of this
 * host, under the manifest's user and groups (setpriv, with no new privileges and no capabilities),
 * with the manifest's environment and the image's, from the image's working directory.
 *
 * What a process cannot do like a container, and how this runtime stands in:
 * - mounts: the volumes are folders here, so every absolute path under a mount path is rewritten
 *   to the folder (in the environment, the arguments and the mounted files themselves), and a
 *   volume mounted at /tmp becomes TMPDIR;
 * - network: pods share this host's network, so the ports are the manifest's own (two pods with the
 *   same port cannot run at once) and Service names are rewritten to 127.0.0.1;
 * - the read-only root filesystem is not enforced.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { ContainerPlan, PodPlan, VolumeFile } from './plan.js';
import type { JobResult, PodRuntime, RunnableImage, RunningPod, StartRequest } from './runtime.js';

/** Mount path -> host folder, longest first, for rewriting paths. */
export type PathMap = [string, string][];

export function pathMap(c: ContainerPlan, dirs: Map<string, string>): PathMap {
  return c.mounts.map((m) => [m.mountPath.replace(/\/$/, ''), dirs.get(m.volume) as string] as [string, string]).sort((a, b) => b[0].length - a[0].length);
}

/** Rewrites absolute paths under a mount path (as a path prefix) to the host folder, in one pass. */
export function rewritePaths(text: string, map: PathMap): string {
  if (map.length === 0) return text;
  const escaped = map.map(([mount]) => mount.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const dirs = new Map(map);
  const re = new RegExp(`(^|[^A-Za-z0-9_.-])(${escaped.join('|')})(?=/|$|[^A-Za-z0-9_.-])`, 'g');
  return text.replace(re, (_, before: string, mount: string) => `${before}${dirs.get(mount)}`);
}

/** `<service>.<namespace>.svc[.cluster.local]` names the cluster knows -> 127.0.0.1. */
export function rewriteHosts(text: string, names: ReadonlySet<string>): string {
  return text.replace(/\b[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\.svc(\.cluster\.local)?\b/g, (name) => (names.has(name) ? '127.0.0.1' : name));
}

/** The translated copy of a pod's file volumes for one set of path and host rewrites. */
export function translateFiles(files: VolumeFile[], map: PathMap, names: ReadonlySet<string>): VolumeFile[] {
  return files.map((f) => ({ ...f, content: rewriteHosts(rewritePaths(f.content, map), names) }));
}

function which(program: string, path: string): string {
  if (isAbsolute(program)) return program;
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, program);
    if (spawnSync('test', ['-x', candidate]).status === 0) return candidate;
  }
  return program;
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

interface Started {
  name: string;
  child: ChildProcess;
  logFile: string;
  exit?: string;
}

export class ProcessRuntime implements PodRuntime {
  readonly kind = 'process' as const;
  readonly hostAddress = '127.0.0.1';
  private names = new Set<string>();
  private readonly started: Started[] = [];

  constructor(private readonly workDir: string) {}

  allocateIp(): string {
    return '127.0.0.1';
  }

  setHosts(entries: Map<string, string>): void {
    this.names = new Set(entries.keys());
  }

  /** The command line, environment and working directory of one container, translated for this host. */
  commandOf(c: ContainerPlan, image: RunnableImage, dirs: Map<string, string>): { argv: string[]; env: NodeJS.ProcessEnv; cwd: string } {
    const map = pathMap(c, dirs);
    const tr = (s: string): string => rewriteHosts(rewritePaths(s, map), this.names);
    const p = image.process;
    const argv = [...(c.command ?? p.entrypoint ?? []), ...(c.args ?? (c.command ? [] : p.cmd ?? []))].map(tr);
    if (argv.length === 0) throw new Error(`container ${c.name}: no command`);
    const env: NodeJS.ProcessEnv = { ...p.env };
    for (const [k, v] of c.env) env[k] = tr(v);
    const tmp = c.mounts.find((m) => m.mountPath === '/tmp');
    if (tmp) env.TMPDIR = dirs.get(tmp.volume);
    argv[0] = which(p.programs[argv[0]] ?? argv[0], env.PATH ?? '');
    const cwd = rewritePaths(p.workdir.image, map) === p.workdir.image ? p.workdir.host : rewritePaths(p.workdir.image, map);
    return { argv, env, cwd };
  }

  private spawnContainer(pod: PodPlan, c: ContainerPlan, image: RunnableImage, dirs: Map<string, string>): Started {
    const { argv, env, cwd } = this.commandOf(c, image, dirs);
    const uid = c.user.uid ?? image.process.user.uid;
    const gid = c.user.gid ?? (c.user.uid !== undefined ? c.user.uid : image.process.user.gid);
    if (c.user.runAsNonRoot && uid === 0) throw new Error(`container ${c.name}: runAsNonRoot but it would run as root: the kubelet refuses to start it`);
    const logDir = join(this.workDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    mkdirSync(cwd, { recursive: true });
    const logFile = join(logDir, `${pod.name}-${c.name}.log`);
    const fd = openSync(logFile, 'a');
    const groups = c.user.groups.length > 0 ? [`--groups=${c.user.groups.join(',')}`] : ['--clear-groups'];
    const wrapped = isRoot()
      ? ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, ...groups, ...(c.allowPrivilegeEscalation ? [] : ['--no-new-privs']), '--inh-caps=-all', '--bounding-set=-all', '--', ...argv]
      : argv;
    try {
      const child = spawn(wrapped[0], wrapped.slice(1), { cwd, env, stdio: ['ignore', fd, fd], detached: true });
      const s: Started = { name: c.name, child, logFile };
      child.once('exit', (code, signal) => (s.exit = signal ?? `exit ${code}`));
      child.once('error', (err) => (s.exit = `spawn error: ${err.message}`));
      this.started.push(s);
      return s;
    } finally {
      closeSync(fd);
    }
  }

  async start(req: StartRequest): Promise<RunningPod> {
    const procs = req.containers.map((c) => this.spawnContainer(req.pod, c, req.images(c.image), req.dirs));
    return {
      plan: req.pod,
      containers: req.containers.map((c) => c.name),
      ip: '127.0.0.1',
      dirs: req.dirs,
      dead: () => {
        const gone = procs.filter((p) => p.exit !== undefined);
        return gone.length > 0 ? `process stopped: ${gone.map((p) => `${p.name} ${p.exit}`).join('; ')}` : undefined;
      },
      logs: (container?: string) =>
        procs.filter((p) => container === undefined || p.name === container).map((p) => `--- ${p.name}\n${readFileSync(p.logFile, 'utf8').split('\n').slice(-200).join('\n')}`).join('\n'),
      stop: async () => {
        await Promise.all(procs.map((p) => stopProcess(p)));
      },
    };
  }

  async runToCompletion(req: StartRequest, timeoutMs: number): Promise<JobResult> {
    if (req.containers.length !== 1) throw new Error('manifest runner: a job pod runs exactly one container here');
    const started = Date.now();
    const p = this.spawnContainer(req.pod, req.containers[0], req.images(req.containers[0].image), req.dirs);
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => signalGroup(p, 'SIGKILL'), timeoutMs);
      p.child.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    return { exitCode: code, logs: readFileSync(p.logFile, 'utf8'), seconds: (Date.now() - started) / 1000 };
  }

  async close(): Promise<void> {
    await Promise.all(this.started.map((p) => stopProcess(p)));
  }
}

function signalGroup(p: Started, signal: NodeJS.Signals): void {
  if (p.child.pid === undefined || p.exit !== undefined) return;
  try {
    process.kill(-p.child.pid, signal);
  } catch {
    // gone
  }
}

async function stopProcess(p: Started): Promise<void> {
  if (p.exit !== undefined || p.child.pid === undefined) return;
  signalGroup(p, 'SIGTERM');
  const exited = await Promise.race([
    new Promise<boolean>((r) => p.child.once('exit', () => r(true))),
    new Promise<boolean>((r) => setTimeout(() => r(false), 5000).unref()),
  ]);
  if (!exited) signalGroup(p, 'SIGKILL');
}

