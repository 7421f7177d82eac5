import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FileTree } from './file-tree.js';

/**
 * Writes `tree` to `outDir` all or nothing: files go to a sibling temporary folder first, and only
 * when every file is written does the temporary folder replace `outDir`. A failure leaves `outDir`
 * as it was. Files that are no longer generated disappear, so a stale file can never linger.
 */
export function writeTreeAtomically(outDir: string, tree: FileTree): void {
  const target = resolve(outDir);
  const tmp = `${target}.tmp-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const [path, content] of tree.entries()) {
      const file = join(tmp, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    mkdirSync(tmp, { recursive: true });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  mkdirSync(dirname(target), { recursive: true });
  const hadTarget = existsSync(target);
  if (hadTarget) renameSync(target, old);
  try {
    renameSync(tmp, target);
  } catch (err) {
    if (hadTarget) renameSync(old, target);
    throw err;
  }
  if (hadTarget) rmSync(old, { recursive: true, force: true });
}
