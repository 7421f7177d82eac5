/**
 * A pod's volumes as folders on this host, laid out as the kubelet lays them out:
 * - ConfigMap, Secret and projected volumes through the kubelet's atomic writer: the files live in
 *   a timestamped folder, `..data` points at it and each top-level entry is a symlink through
 *   `..data`, so an update swaps one symlink and a reader never sees half a change (programs that
 *   watch their config, like Prometheus' and Alertmanager's reloaders, see what they would see in
 *   a cluster);
 * - emptyDir world-writable (mode 0777), as the kubelet creates it;
 * - persistent volumes empty, group-owned by the pod's fsGroup (setgid, group-writable), as
 *   `fsGroup` with `fsGroupChangePolicy: OnRootMismatch` leaves a new volume;
 * - with an fsGroup, ConfigMap and Secret files belong to that group and are group-readable.
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PodPlan, VolumeFile, VolumePlan } from './plan.js';

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

let generation = 0;

function writeGeneration(dir: string, files: VolumeFile[], fsGroup: number | undefined): void {
  mkdirSync(dir, { recursive: true });
  const stamp = `..${new Date().toISOString().replace(/[-:]/g, '_').replace(/\..*$/, '')}.${process.pid}${++generation}`;
  const gen = join(dir, stamp);
  mkdirSync(gen, { mode: 0o755 });
  for (const f of files) {
    const target = join(gen, f.path);
    mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
    writeFileSync(target, f.content);
    chmodSync(target, fsGroup !== undefined ? f.mode | 0o040 : f.mode);
    if (fsGroup !== undefined && isRoot()) chownSync(target, 0, fsGroup);
  }
  // Swap `..data` atomically, then make sure every top-level entry goes through it.
  const tmpLink = join(dir, '..data_tmp');
  rmSync(tmpLink, { force: true });
  symlinkSync(stamp, tmpLink);
  renameSync(tmpLink, join(dir, '..data'));
  const top = new Set(files.map((f) => f.path.split('/')[0]));
  for (const name of top) {
    const link = join(dir, name);
    let exists = false;
    try {
      lstatSync(link);
      exists = true;
    } catch {
      // not there yet
    }
    if (!exists) symlinkSync(join('..data', name), link);
  }
  // Entries of older generations that the new one no longer has, then the old folders.
  for (const entry of readdirSync(dir)) {
    if (entry === '..data' || entry === stamp) continue;
    if (entry.startsWith('..')) rmSync(join(dir, entry), { recursive: true, force: true });
    else if (!top.has(entry)) rmSync(join(dir, entry), { force: true });
  }
}

/** Host folder of each volume of a pod (volume name -> path). */
export type VolumeDirs = Map<string, string>;

/** Creates the pod's volumes under `root`; hostPath volumes map to the folders in `hostPaths` (never the real host path). */
export function materializeVolumes(pod: PodPlan, root: string, hostPaths: Record<string, string> = {}): VolumeDirs {
  const dirs: VolumeDirs = new Map();
  const fsGroup = pod.containers[0]?.user.fsGroup;
  for (const v of pod.volumes) {
    const dir = join(root, v.name);
    switch (v.source.kind) {
      case 'files':
        writeGeneration(dir, v.source.files, fsGroup);
        chmodSync(dir, 0o1777);
        break;
      case 'emptyDir':
        mkdirSync(dir, { recursive: true });
        chmodSync(dir, 0o777);
        break;
      case 'persistent':
        mkdirSync(dir, { recursive: true });
        if (fsGroup !== undefined && isRoot()) {
          chownSync(dir, 0, fsGroup);
          chmodSync(dir, 0o2775);
        } else chmodSync(dir, 0o777);
        break;
      case 'hostPath': {
        const mapped = hostPaths[v.source.path];
        if (!mapped) throw new Error(`volume ${v.name} is a hostPath (${v.source.path}); give the runner a folder that stands in for it`);
        dirs.set(v.name, mapped);
        continue;
      }
    }
    dirs.set(v.name, dir);
  }
  return dirs;
}

/** Rewrites a ConfigMap or Secret volume's files as the kubelet does after the object changed. */
export function updateVolume(dirs: VolumeDirs, volume: VolumePlan, files: VolumeFile[], fsGroup?: number): void {
  const dir = dirs.get(volume.name);
  if (!dir) throw new Error(`no volume ${volume.name}`);
  writeGeneration(dir, files, fsGroup);
}
