/**
 * The container engine for tests that run images: podman or docker found on PATH, or, as root with
 * apt, Debian's podman (with buildah and runc) installed on the spot, as test/helpers/tools.ts does
 * for Prometheus. Undefined when none can be had: the manifest runner then falls back to processes
 * and says so.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { type Engine, engineRun, findEngine } from '../../stacks/image/engine.js';

let cached: Engine | null | undefined;

function installPodman(): void {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'update'], { stdio: 'ignore', env, timeout: 300_000 });
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '--no-install-recommends', 'podman', 'buildah', 'runc'], { stdio: 'ignore', env, timeout: 600_000 });
  } catch {
    // No engine then: the caller falls back.
  }
}

/** The engine, after checking that it answers (`<engine> info`); undefined when there is none. */
export function containerEngine(): Engine | undefined {
  if (cached !== undefined) return cached ?? undefined;
  if (process.env.MANIFEST_RUNTIME === 'process') {
    cached = null;
    return undefined;
  }
  let engine = findEngine();
  if (!engine && process.env.CONTAINER_ENGINE === undefined) {
    installPodman();
    engine = findEngine();
  }
  cached = engine && engineRun(engine, ['info', '--format', '{{.Host.Arch}}'], { timeoutMs: 60_000 }).status === 0 ? engine : null;
  if (!cached && engine && engine.name === 'docker') cached = engineRun(engine, ['info'], { timeoutMs: 60_000 }).status === 0 ? engine : null;
  return cached ?? undefined;
}
