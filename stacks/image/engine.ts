/**
 * The container engine the image build and the manifest runner use: podman (or docker) found on
 * PATH, with the flags this host needs.
 *
 * - `CONTAINER_ENGINE` picks the program (`podman` or `docker`); otherwise the first found.
 * - `CONTAINER_ENGINE_FLAGS` adds global flags, e.g. on hosts without overlayfs or systemd:
 *   `--storage-driver vfs --runtime runc --cgroup-manager cgroupfs` (what .ci/run sets).
 * - Every `build` and `run` gets explicit `--ulimit nofile=N:N --ulimit nproc=N:N` with this
 *   process' hard limits (nproc at most the kernel's pid_max): rootful podman otherwise asks for
 *   limits above them, which a sandboxed host refuses ("error setting rlimits").
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface Engine {
  /** `podman` or `docker`. */
  name: string;
  /** Path of the program. */
  bin: string;
  /** Global flags, before the subcommand. */
  global: string[];
  /** Flags every `build` and `run` needs on this host. */
  limits: string[];
}

function onPath(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path !== '' ? path : undefined;
}

/** This process' hard limit of one resource (from /proc/self/limits; undefined elsewhere or when unlimited). */
function hardLimit(resource: 'Max open files' | 'Max processes'): number | undefined {
  if (!existsSync('/proc/self/limits')) return undefined;
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(resource));
  const hard = line?.slice(resource.length).trim().split(/\s+/)[1];
  return hard !== undefined && /^\d+$/.test(hard) ? Number(hard) : undefined;
}

/** The configured engine, or undefined when neither podman nor docker is installed. */
export function findEngine(env: NodeJS.ProcessEnv = process.env): Engine | undefined {
  const wanted = env.CONTAINER_ENGINE?.trim();
  const names = wanted ? [wanted] : ['podman', 'docker'];
  for (const name of names) {
    const bin = onPath(name);
    if (!bin) continue;
    const global = (env.CONTAINER_ENGINE_FLAGS ?? '').split(/\s+/).filter((s) => s !== '');
    const nofile = hardLimit('Max open files');
    // Some sandboxes refuse an nproc limit above the kernel's pid_max, whatever the hard limit says.
    const pidMax = existsSync('/proc/sys/kernel/pid_max') ? Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim()) : undefined;
    const hardProcs = hardLimit('Max processes');
    const nproc = hardProcs !== undefined && pidMax ? Math.min(hardProcs, pidMax) : hardProcs;
    const limits = [
      ...(nofile ? ['--ulimit', `nofile=${nofile}:${nofile}`] : []),
      ...(nproc ? ['--ulimit', `nproc=${nproc}:${nproc}`] : []),
    ];
    return { name: name.includes('docker') ? 'docker' : 'podman', bin, global, limits };
  }
  return undefined;
}

export function requireEngine(env: NodeJS.ProcessEnv = process.env): Engine {
  const engine = findEngine(env);
  if (!engine) {
    throw new Error(
      'no container engine found: install podman (Debian: apt-get install -y --no-install-recommends podman buildah runc) or docker, or set CONTAINER_ENGINE',
    );
  }
  return engine;
}

export interface EngineResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `<engine> <global flags> <args>` and returns its output (never throws on a non-zero exit). */
export function engineRun(engine: Engine, args: string[], opts: { input?: string; timeoutMs?: number; inherit?: boolean } = {}): EngineResult {
  const r = spawnSync(engine.bin, [...engine.global, ...args], {
    encoding: 'utf8',
    input: opts.input,
    timeout: opts.timeoutMs ?? 600_000,
    stdio: opts.inherit ? ['ignore', 'inherit', 'inherit'] : ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? (r.error ? r.error.message : '') };
}

/** Like engineRun, but throws with the command's output when it fails. */
export function engineOk(engine: Engine, args: string[], opts: { input?: string; timeoutMs?: number; inherit?: boolean } = {}): string {
  const r = engineRun(engine, args, opts);
  if (r.status !== 0) throw new Error(`${engine.name} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

/** Whether the engine has the image locally. */
export function imageExists(engine: Engine, ref: string): boolean {
  return engineRun(engine, ['image', 'inspect', '--format', '{{.Id}}', ref]).status === 0;
}

/** One label of a local image ('' when absent). */
export function imageLabel(engine: Engine, ref: string, label: string): string {
  const r = engineRun(engine, ['image', 'inspect', '--format', `{{index .Config.Labels "${label}"}}`, ref]);
  const v = r.stdout.trim();
  return r.status === 0 && v !== '<no value>' ? v : '';
}
