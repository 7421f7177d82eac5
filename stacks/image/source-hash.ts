/**
 * A fingerprint of everything the image is built from (the Containerfile, the lockfile, the
 * tsconfigs, contract/ and exporters/). `npm run image` stamps it on the image as a label, so a
 * test can tell a current image from one built before the last source change.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const SOURCE_HASH_LABEL = 'io.immigration-ai.source-hash';

/** Files and folders the Containerfile copies (or that decide how it builds). */
export const IMAGE_INPUTS = ['Containerfile', '.dockerignore', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.image.json', 'contract', 'exporters'];

function filesUnder(root: string, path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full).sort().flatMap((name) => filesUnder(root, join(path, name)));
}

export function sourceHash(root: string): string {
  const hash = createHash('sha256');
  for (const file of IMAGE_INPUTS.flatMap((p) => filesUnder(root, p))) {
    hash.update(relative(root, join(root, file)).split('\\').join('/'));
    hash.update('\0');
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}
