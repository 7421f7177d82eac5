/**
 * The images the manifest runner can run, by the reference the manifests use:
 * - the project's image (`images.exporter`), built from this checkout with `npm run image`'s code
 *   when missing or older than the sources (its source-hash label), on the host-assembled base
 *   unless IMAGE_BASE names another (`official`, or an image with node and npm);
 * - Prometheus and Alertmanager: no registry is reachable, so images are assembled from Debian's
 *   binaries (Prometheus 2.42, Alertmanager 0.25) with the official images' layout: entrypoint
 *   /bin/prometheus or /bin/alertmanager, working directory /prometheus or /alertmanager, user nobody.
 * Grafana, Loki, Alloy and the config reloader have no Debian package: their containers cannot run
 * here, and a test must say which containers it skips or emulates.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { assembleImage } from '../../stacks/image/assemble.js';
import { buildImage, IMAGE_REFERENCE, repositoryRoot } from '../../stacks/image/build.js';
import { type Engine, imageExists, imageLabel } from '../../stacks/image/engine.js';
import { HOST_BASE_REPOSITORY } from '../../stacks/image/host-base.js';
import { SOURCE_HASH_LABEL, sourceHash } from '../../stacks/image/source-hash.js';
import { IMAGE_COMMANDS, IMAGE_UID } from '../../contract/image.js';
import { requireTool } from '../helpers/tools.js';
import type { RunnableImage } from './runtime.js';

const NOBODY = 65534;
const BINARY_HASH_LABEL = 'io.immigration-ai.binary-sha256';

/** The project's image, current with this checkout (built when missing or stale). */
export function ensureProjectImage(engine: Engine, log: (m: string) => void = () => undefined): { reference: string; built: boolean; seconds: number } {
  const hash = sourceHash(repositoryRoot());
  if (imageExists(engine, IMAGE_REFERENCE) && imageLabel(engine, IMAGE_REFERENCE, SOURCE_HASH_LABEL) === hash) return { reference: IMAGE_REFERENCE, built: false, seconds: 0 };
  log(`building ${IMAGE_REFERENCE} (missing or older than the sources)`);
  const r = buildImage(engine, { base: process.env.IMAGE_BASE ?? 'host', log });
  return { reference: r.reference, built: true, seconds: r.seconds };
}

/** The project's image for the runner (the engine: container runtime; undefined: processes). */
export function projectImage(engine: Engine | undefined): RunnableImage {
  if (engine) ensureProjectImage(engine);
  const root = repositoryRoot();
  return {
    local: IMAGE_REFERENCE,
    process: {
      cmd: [...IMAGE_COMMANDS.exporter],
      // The image's /app is this checkout: build/, node_modules/ and package.json at the same places.
      workdir: { image: '/app', host: root },
      env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, NODE_ENV: 'production' },
      user: { uid: IMAGE_UID, gid: IMAGE_UID },
      programs: { node: process.execPath },
    },
    note: engine ? undefined : `processes from ${root} in place of ${IMAGE_REFERENCE}`,
  };
}

function toolVersion(binary: string): string {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return /version (\d+\.\d+\.\d+)/.exec(`${out.stdout}${out.stderr}`)?.[1] ?? '0.0.0';
}

/** Files Debian's builds read at run time: Alertmanager's default notification templates (a Debian path). */
const DEBIAN_DATA: Record<'prometheus' | 'alertmanager', string[]> = {
  prometheus: [],
  alertmanager: ['/usr/share/prometheus/alertmanager/default.tmpl', '/usr/share/prometheus/alertmanager/email.tmpl'],
};

function debianImage(engine: Engine | undefined, tool: 'prometheus' | 'alertmanager', manifestImage: string, workDir: string): RunnableImage {
  const binary = requireTool(tool);
  const version = toolVersion(binary);
  const ref = `${HOST_BASE_REPOSITORY}/debian-${tool}:${version}`;
  const inImage = `/bin/${tool}`;
  const data = `/${tool}`;
  if (engine) {
    const hash = createHash('sha256').update(readFileSync(binary)).update(JSON.stringify(DEBIAN_DATA[tool])).digest('hex');
    if (!imageExists(engine, ref) || imageLabel(engine, ref, BINARY_HASH_LABEL) !== hash) {
      assembleImage(engine, ref, {
        binaries: [{ from: binary, to: inImage }],
        files: DEBIAN_DATA[tool].map((from) => ({ from })),
        users: { nobody: NOBODY },
        dirs: [{ path: data, mode: 0o755, uid: NOBODY, gid: NOBODY }],
        entrypoint: [inImage],
        workdir: data,
        user: 'nobody',
        labels: { [BINARY_HASH_LABEL]: hash },
      });
    }
  }
  const host = join(workDir, `${tool}-workdir`);
  mkdirSync(host, { recursive: true });
  return {
    local: ref,
    note: `Debian's ${tool} ${version} in place of ${manifestImage}`,
    process: {
      entrypoint: [inImage],
      workdir: { image: data, host },
      env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
      user: { uid: NOBODY, gid: NOBODY },
      programs: { [inImage]: binary },
    },
  };
}

export const debianPrometheus = (engine: Engine | undefined, manifestImage: string, workDir: string): RunnableImage => debianImage(engine, 'prometheus', manifestImage, workDir);
export const debianAlertmanager = (engine: Engine | undefined, manifestImage: string, workDir: string): RunnableImage => debianImage(engine, 'alertmanager', manifestImage, workDir);
