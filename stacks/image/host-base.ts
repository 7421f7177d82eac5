/**
 * Base images assembled from this machine's Node.js, for hosts that cannot pull the official
 * `node` image (no registry reachable). Two single-layer images (stacks/image/assemble.ts):
 *
 * - runtime (`host-node:<version>`): the node binary and the shared libraries `ldd` lists for it,
 *   CA certificates, /etc/passwd and /etc/group with the image user (IMAGE_UID, like the official
 *   image's `node` user) and a world-writable /tmp. No shell, no package manager.
 * - build (`host-node-build:<version>`): the same plus npm (where the official image keeps it),
 *   /bin/sh and /usr/bin/env, which the Containerfile's build stage runs, with node trusting the
 *   copied CA bundle (NODE_EXTRA_CA_CERTS) as this host's npm does (a TLS-inspecting proxy's CA is
 *   in it).
 *
 * Each is rebuilt only when this machine's node binary changed (a label holds its sha256).
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IMAGE_UID } from '../../contract/image.js';
import { assembleImage } from './assemble.js';
import { type Engine, imageExists, imageLabel } from './engine.js';

export const HOST_BASE_REPOSITORY = 'localhost/immigration-ai-observability';
const NODE_HASH_LABEL = 'io.immigration-ai.node-sha256';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export interface HostBases {
  build: string;
  runtime: string;
}

function npmDirectory(node: string): string {
  const candidates = [join(dirname(node), '..', 'lib', 'node_modules', 'npm'), '/usr/lib/node_modules/npm', '/usr/local/lib/node_modules/npm'];
  const found = candidates.find((d) => existsSync(join(d, 'bin', 'npm-cli.js')));
  if (found === undefined) throw new Error(`npm not found in ${candidates.join(', ')}`);
  return found;
}

/** The host-assembled base images, (re)built when missing or made from another node binary. */
export function ensureHostBases(engine: Engine, log: (m: string) => void = () => undefined): HostBases {
  const node = realpathSync(process.execPath);
  const nodeHash = createHash('sha256').update(readFileSync(node)).digest('hex');
  const version = process.version.replace(/^v/, '');
  const bases: HostBases = { runtime: `${HOST_BASE_REPOSITORY}/host-node:${version}`, build: `${HOST_BASE_REPOSITORY}/host-node-build:${version}` };
  for (const [kind, ref] of Object.entries(bases) as [keyof HostBases, string][]) {
    if (imageExists(engine, ref) && imageLabel(engine, ref, NODE_HASH_LABEL) === nodeHash) continue;
    log(`assembling ${ref} from ${node} (node ${version})`);
    const build = kind === 'build';
    assembleImage(engine, ref, {
      binaries: [{ from: node }, ...(build ? [{ from: realpathSync('/bin/sh'), to: '/bin/sh' }, { from: realpathSync('/usr/bin/env'), to: '/usr/bin/env' }] : [])],
      files: [{ from: CA_BUNDLE }],
      users: { node: IMAGE_UID, nobody: 65534 },
      dirs: [{ path: '/root', mode: 0o700 }, { path: '/home/node', mode: 0o755, uid: IMAGE_UID }],
      links: {
        // The official image's paths; PATH finds either.
        ...(node !== '/usr/local/bin/node' ? { '/usr/local/bin/node': node } : {}),
        ...(build ? { '/usr/local/bin/npm': '../lib/node_modules/npm/bin/npm-cli.js', '/usr/local/bin/npx': '../lib/node_modules/npm/bin/npx-cli.js' } : {}),
      },
      extra: build ? (root) => cpSync(npmDirectory(node), join(root, 'usr', 'local', 'lib', 'node_modules', 'npm'), { recursive: true, dereference: true }) : undefined,
      env: build ? { NODE_EXTRA_CA_CERTS: CA_BUNDLE } : {},
      labels: { [NODE_HASH_LABEL]: nodeHash },
    });
  }
  return bases;
}
