/**
 * Assembles a single-layer image from files of this host: binaries with the shared libraries `ldd`
 * lists for them, /etc/passwd and /etc/group, folders with their modes and owners, and image
 * settings (entrypoint, working directory, user, environment, labels), imported from a root
 * filesystem tarball with `<engine> import`. Used for the host-based Node.js images of the build
 * (stacks/image/host-base.ts) and, by the tests, for images of Debian's Prometheus and Alertmanager.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Engine, engineOk } from './engine.js';

export interface AssembledImage {
  /** Executables to copy (`from` on this host, `to` in the image; default the same path), with their libraries. */
  binaries: { from: string; to?: string }[];
  /** Other files to copy as they are (e.g. the CA bundle). */
  files?: { from: string; to?: string }[];
  /** Folders to create: path, mode, owner uid/gid. */
  dirs?: { path: string; mode: number; uid?: number; gid?: number }[];
  /** Symlinks: path in the image -> target. */
  links?: Record<string, string>;
  /** Users (name -> uid); each gets a group of the same id. root is always there. */
  users: Record<string, number>;
  entrypoint?: string[];
  cmd?: string[];
  workdir?: string;
  user?: string;
  env?: Record<string, string>;
  labels?: Record<string, string>;
  /** Called with the staging root before it is packed (to add more files). */
  extra?: (root: string) => void;
}

/** Absolute paths of the shared libraries (and the dynamic loader) a binary needs; none for a static binary. */
export function sharedLibraries(binary: string): string[] {
  let out: string;
  try {
    out = execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return []; // "not a dynamic executable"
  }
  const libs = new Set<string>();
  for (const line of out.split('\n')) {
    const m = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.add(m[1]);
  }
  return [...libs].sort();
}

function copyFile(root: string, from: string, to: string, mode?: number): void {
  const target = join(root, to);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(realpathSync(from), target);
  if (mode !== undefined) chmodSync(target, mode);
}

/** Builds the image under `ref` with `engine` (replacing an image of that name). */
export function assembleImage(engine: Engine, ref: string, spec: AssembledImage): void {
  const root = mkdtempSync(join(tmpdir(), 'assemble-'));
  // mkdtemp makes the folder 0700; it becomes the image's `/`, which every user must traverse.
  chmodSync(root, 0o755);
  const tarball = `${root}.tar`;
  try {
    for (const b of spec.binaries) {
      copyFile(root, b.from, b.to ?? b.from, 0o755);
      for (const lib of sharedLibraries(b.from)) copyFile(root, lib, lib, 0o755);
    }
    for (const f of spec.files ?? []) if (existsSync(f.from)) copyFile(root, f.from, f.to ?? f.from);
    const users = { root: 0, ...spec.users };
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(root, 'etc', 'passwd'), Object.entries(users).map(([n, id]) => `${n}:x:${id}:${id}::${id === 0 ? '/root' : '/nonexistent'}:/sbin/nologin\n`).join(''));
    writeFileSync(join(root, 'etc', 'group'), Object.entries(users).map(([n, id]) => `${n}:x:${id}:\n`).join(''));
    writeFileSync(join(root, 'etc', 'nsswitch.conf'), 'passwd: files\ngroup: files\nhosts: files dns\n');
    for (const d of [{ path: '/tmp', mode: 0o1777 }, ...(spec.dirs ?? [])]) {
      const p = join(root, d.path);
      mkdirSync(p, { recursive: true });
      chmodSync(p, d.mode);
    }
    for (const [path, target] of Object.entries(spec.links ?? {})) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      symlinkSync(target, join(root, path));
    }
    spec.extra?.(root);
    const owners = (spec.dirs ?? []).filter((d) => d.uid !== undefined).map((d) => ['--owner', String(d.uid), '--group', String(d.gid ?? d.uid)]);
    // Everything root-owned, except the folders that name an owner (added in a second pass).
    execFileSync('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tarball, ...(owners.length > 0 ? (spec.dirs ?? []).filter((d) => d.uid !== undefined).map((d) => `--exclude=.${d.path}`) : []), '.']);
    for (const d of (spec.dirs ?? []).filter((x) => x.uid !== undefined)) {
      execFileSync('tar', ['--numeric-owner', `--owner=${d.uid}`, `--group=${d.gid ?? d.uid}`, '--no-recursion', '-C', root, '-rf', tarball, `.${d.path}`]);
    }
    const changes: string[] = [];
    if (spec.entrypoint) changes.push(`ENTRYPOINT ${JSON.stringify(spec.entrypoint)}`);
    if (spec.cmd) changes.push(`CMD ${JSON.stringify(spec.cmd)}`);
    if (spec.workdir) changes.push(`WORKDIR ${spec.workdir}`);
    if (spec.user) changes.push(`USER ${spec.user}`);
    for (const [k, v] of Object.entries({ PATH: '/usr/local/bin:/usr/bin:/bin', ...(spec.env ?? {}) })) changes.push(`ENV ${k}=${v}`);
    for (const [k, v] of Object.entries(spec.labels ?? {})) changes.push(`LABEL ${k}=${v}`);
    engineOk(engine, ['import', ...changes.flatMap((c) => ['--change', c]), tarball, ref]);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(tarball, { force: true });
  }
}
