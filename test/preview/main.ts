/**
 * `npm run preview`: every dashboard of an environment as a PNG, drawn from a running Prometheus.
 *
 *   npm run preview                                      start the local stack, let its traffic run, render, stop
 *   npm run preview -- --prometheus http://host:9090     render from that Prometheus (the local config's dashboards)
 *   npm run preview -- --env production --prometheus …   another environment's dashboards
 *   options: --out <dir> (default .local-stack/preview), --range <seconds> (default 3600, or the
 *   local stack's age), --warmup <seconds> (default 240), --dashboard <uid> (repeatable)
 *
 * It is a preview for reviewers who cannot run Grafana, not Grafana: every picture says so.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type EnvironmentName, loadConfig } from '../../contract/config/index.js';
import { LocalStack } from '../local-stack/stack.js';
import { repoRoot } from '../local-stack/topology.js';
import { renderPreviews } from './render.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      env: { type: 'string' },
      prometheus: { type: 'string' },
      out: { type: 'string', default: join(repoRoot(), '.local-stack', 'preview') },
      range: { type: 'string' },
      warmup: { type: 'string', default: '240' },
      dashboard: { type: 'string', multiple: true },
    },
  });
  const uids = values.dashboard;
  if (values.prometheus) {
    const config = loadConfig((values.env ?? 'local') as EnvironmentName, {});
    const r = await renderPreviews({ config, prometheusUrl: values.prometheus, outDir: values.out, rangeSeconds: Number(values.range ?? 3600), ...(uids ? { uids } : {}) });
    report(r.files, r.empty);
    return;
  }
  if (values.env && values.env !== 'local') throw new Error(`--env ${values.env} needs --prometheus: only the local environment has a stack to start here`);
  const stack = await LocalStack.start({ dir: join(repoRoot(), '.local-stack', 'preview-stack'), log: (m) => process.stdout.write(`[stack] ${m}\n`) });
  const started = Date.now();
  try {
    const warmup = Number(values.warmup) * 1000;
    process.stdout.write(`preview: letting the local stack's traffic run for ${values.warmup} s\n`);
    await new Promise((r) => setTimeout(r, warmup));
    const rangeSeconds = Number(values.range ?? Math.floor((Date.now() - started) / 1000));
    const r = await renderPreviews({ config: stack.config, prometheusUrl: stack.prometheusUrls[0], outDir: values.out, rangeSeconds, ...(uids ? { uids } : {}) });
    report(r.files, r.empty);
  } finally {
    await stack.stop();
  }
}

function report(files: Record<string, { png: string }>, empty: string[]): void {
  for (const [uid, f] of Object.entries(files)) process.stdout.write(`${uid}: ${f.png}\n`);
  if (empty.length > 0) process.stdout.write(`panels that show nothing (${empty.length}):\n${empty.map((e) => `  ${e}`).join('\n')}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`preview: ${err.message}\n`);
  process.exit(1);
});
