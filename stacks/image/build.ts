/**
 * `npm run image`: builds the project's container image from the Containerfile and tags it with
 * the reference the manifests use (`images.exporter` of the images table, contract/config/defaults.ts).
 *
 *   npm run image                      base: the official node image, pinned by digest in the Containerfile
 *   npm run image -- --base host       base: assembled from this machine's Node.js (no registry needed)
 *   npm run image -- --base <ref>      base: any image with node and npm (a mirror of the official one)
 *   npm run image -- --tag <ref>       another tag (e.g. your registry's), in addition to the manifests' reference
 *
 * Prints the image's size and the build time. Exit codes: 0 built, 1 build failed, 64 usage.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG } from '../../contract/config/index.js';
import { type Engine, engineOk, requireEngine } from './engine.js';
import { ensureHostBases } from './host-base.js';
import { sourceHash } from './source-hash.js';

const USAGE = 'usage: npm run image -- [--base official|host|<image>] [--runtime <image>] [--tag <ref>]...';

/** The repository root (this file is stacks/image/build.ts, compiled to build/stacks/image/build.js). */
export function repositoryRoot(): string {
  const here = resolve(__dirname);
  return here.includes('/build/') ? resolve(here, '..', '..', '..') : resolve(here, '..', '..');
}

/** The reference the manifests run: one images table, one tag. */
export const IMAGE_REFERENCE = DEFAULT_CONFIG.images.exporter;

export interface BuildOptions {
  /** `official` (the Containerfile's pinned default), `host`, or an image reference with node and npm. */
  base: string;
  /** The final stage's base when it differs from `base` (an image reference). */
  runtime?: string;
  /** Extra tags. */
  tags?: string[];
  log?: (m: string) => void;
}

export interface BuildResult {
  reference: string;
  id: string;
  sizeBytes: number;
  seconds: number;
  sourceHash: string;
}

export function buildImage(engine: Engine, opts: BuildOptions): BuildResult {
  const log = opts.log ?? (() => undefined);
  const root = repositoryRoot();
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const hash = sourceHash(root);
  const args: string[] = [];
  if (opts.base === 'host') {
    const bases = ensureHostBases(engine, log);
    args.push('--build-arg', `NODE_IMAGE=${bases.build}`, '--build-arg', `RUNTIME_IMAGE=${bases.runtime}`);
  } else if (opts.base !== 'official') {
    args.push('--build-arg', `NODE_IMAGE=${opts.base}`, '--build-arg', `RUNTIME_IMAGE=${opts.runtime ?? opts.base}`);
  }
  if (opts.runtime && opts.base === 'official') args.push('--build-arg', `RUNTIME_IMAGE=${opts.runtime}`);
  const tags = [IMAGE_REFERENCE, ...(opts.tags ?? [])];
  const started = Date.now();
  log(`building ${tags.join(', ')} with ${engine.name}`);
  engineOk(engine, [
    'build',
    ...engine.limits,
    // The build stage's `npm ci` needs the npm registry; the host's network is the one known to reach it.
    '--network', 'host',
    '--file', join(root, 'Containerfile'),
    '--build-arg', `VERSION=${version}`,
    '--build-arg', `SOURCE_HASH=${hash}`,
    ...args,
    ...tags.flatMap((t) => ['--tag', t]),
    root,
  ], { inherit: true, timeoutMs: 30 * 60_000 });
  const seconds = (Date.now() - started) / 1000;
  const [id, size] = engineOk(engine, ['image', 'inspect', '--format', '{{.Id}} {{.Size}}', IMAGE_REFERENCE]).trim().split(' ');
  return { reference: IMAGE_REFERENCE, id, sizeBytes: Number(size), seconds, sourceHash: hash };
}

function main(argv: string[]): number {
  let values: { base?: string; runtime?: string; tag?: string[]; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { base: { type: 'string' }, runtime: { type: 'string' }, tag: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    console.error(`image: ${(err as Error).message}\n${USAGE}`);
    return 64;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  let engine: Engine;
  try {
    engine = requireEngine();
  } catch (err) {
    console.error(`image: ${(err as Error).message}`);
    return 1;
  }
  try {
    const r = buildImage(engine, { base: values.base ?? 'official', runtime: values.runtime, tags: values.tag, log: (m) => console.log(`image: ${m}`) });
    console.log(`image: built ${r.reference} (${r.id.slice(0, 12)}) in ${r.seconds.toFixed(1)} s, ${(r.sizeBytes / 1024 / 1024).toFixed(1)} MiB`);
    return 0;
  } catch (err) {
    console.error(`image: ${(err as Error).message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
