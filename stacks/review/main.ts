/**
 * `npm run diff`: what a change does to alerting, access and dashboards, per environment.
 * Synthesizes the working tree and reads the base ref's committed dist/ (or builds it), both in
 * temporary folders, and compares the generated artifacts as a reviewer reads them.
 * See docs/reviewing-changes.md.
 */
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../../contract/config/index.js';
import { readEnvironment } from './artifacts.js';
import { backtest } from './backtest.js';
import { compareTrees } from './compare.js';
import { changeCount, type Report, risksOf } from './findings.js';
import { type Options, parseOptions, USAGE, UsageError } from './options.js';
import { PrometheusError, prometheusApi } from './prometheus-api.js';
import { render } from './render.js';
import { committedDist, defaultBaseRef, folder, repositoryRoot, type Side, SourceError, synthesizedRef, workingTree } from './sources.js';
import { subtree } from './tree.js';

export const EXIT = { ok: 0, failOn: 1, usage: 2, failed: 3 } as const;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

const defaultIo: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() };

async function sides(o: Options, io: Io): Promise<{ base: Side; head: Side }> {
  const repo = o.baseDir !== undefined ? undefined : await repositoryRoot(io.cwd);
  let base: Promise<Side>;
  if (o.baseDir !== undefined) base = Promise.resolve(folder(o.baseDir, '--base-dir'));
  else {
    const ref = o.base ?? (await defaultBaseRef(repo as string));
    base = o.baseFrom === 'source' ? synthesizedRef(repo as string, ref, o.environments) : committedDist(repo as string, ref, o.environments);
  }
  // A source build runs as child processes; the working tree is synthesized here meanwhile.
  base.catch(() => undefined);
  let head: Side;
  try {
    head = o.headDir !== undefined ? folder(o.headDir, '--head-dir') : workingTree(o.environments);
  } catch (err) {
    await base.then((b) => b.cleanup(), () => undefined);
    throw err;
  }
  try {
    return { base: await base, head };
  } catch (err) {
    head.cleanup();
    throw err;
  }
}

export async function review(o: Options, io: Io): Promise<Report> {
  const { base, head } = await sides(o, io);
  try {
    const report = compareTrees(base.tree, head.tree, base.info, head.info, o.environments, !o.envGiven);
    if (o.prometheus !== undefined) {
      const env = o.environments[0];
      const target = report.environments.find((e) => e.environment === env);
      if (target && target.presence === 'both') {
        target.backtest = await backtest(prometheusApi(o.prometheus), readEnvironment(env, subtree(base.tree, env)), readEnvironment(env, subtree(head.tree, env)), {
          days: o.days,
          stepSeconds: o.stepSeconds,
        });
      } else report.notes.push(`${env}: not on both sides, nothing to backtest`);
    }
    return report;
  } finally {
    base.cleanup();
    head.cleanup();
  }
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let o: Options;
  try {
    o = parseOptions(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`diff: ${err.message} (npm run diff -- --help)\n`);
    return EXIT.usage;
  }
  if (o.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT.ok;
  }
  const started = process.hrtime.bigint();
  let report: Report;
  try {
    report = await review(o, io);
  } catch (err) {
    if (err instanceof SourceError || err instanceof PrometheusError || err instanceof ConfigError) {
      io.stderr(`diff: ${err.message}\n`);
      return EXIT.failed;
    }
    throw err;
  }
  const text = render(report, o.format);
  if (o.output !== undefined) writeFileSync(o.output, text);
  else io.stdout(text);
  const risks = risksOf(report).length;
  const changes = changeCount(report);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  io.stderr(`diff: ${report.environments.length} environment(s), ${changes} change(s), ${risks} risk(s) in ${(ms / 1000).toFixed(1)} s; base: ${report.base.how}\n`);
  if (o.failOn === 'risk' && risks > 0) return EXIT.failOn;
  if (o.failOn === 'change' && changes > 0) return EXIT.failOn;
  return EXIT.ok;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`diff: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
