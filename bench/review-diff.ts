/**
 * `npm run bench:diff`: how long `npm run diff` takes for the three environments (target: < 5 s),
 * against `npm run synth` of the same environments in the same run as the baseline.
 *
 * Every variant is a fresh `node` process (module loading included, as a user runs it), pinned to
 * one CPU with taskset when available so runs compare on a shared machine; rounds are interleaved
 * and medians reported, wall time next to the process's CPU time.
 *   synth          node build/stacks/main.js --out <tmp>                       (the baseline)
 *   diff-dir       diff --base-dir <changed tree>: working tree synthesized, compared with a tree
 *                  made from a changed configuration (thresholds, routes, channels, LDAP egress,
 *                  images) in all three environments: real findings in every section
 *   diff-git       diff --base HEAD: the default path, HEAD's committed dist/ read with git archive
 *   diff-source    diff --base HEAD --base-from source: the base built with tsc and synthesized
 *                  (base synthesis included; fewer rounds)
 * Writes the numbers under the "reviewDiff" key of bench/results.json (other keys are kept).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildRunbooks } from '../alert-rules/index.js';
import { ENVIRONMENT_NAMES, loadConfig } from '../contract/config/index.js';
import { synthesizeEnvironment } from '../stacks/synth.js';

const ROOT = join(__dirname, '..', '..');
const RESULTS = join(ROOT, 'bench', 'results.json');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d;

/** A child reports its own CPU time (user + system) on exit, so the measure excludes other processes. */
const CPU_REPORTER = `process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\nBENCH_CPU_MS ' + (u.user + u.system) / 1000 + '\\n'); });`;

interface Sample {
  wallMs: number;
  cpuMs: number;
  code: number;
}

function measure(args: string[], reporter: string): Sample {
  const pin = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).status === 0 ? ['taskset', '-c', '1'] : [];
  const cmd = [...pin, process.execPath, '--require', reporter, ...args];
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = /BENCH_CPU_MS ([\d.]+)/.exec(r.stderr ?? '');
  if (!cpu || (r.status !== 0 && r.status !== 1)) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { wallMs, cpuMs: Number(cpu[1]), code: r.status ?? -1 };
}

/** Three environments synthesized from a changed configuration: the "base" of a change that touches every section. */
function changedTree(dir: string): void {
  const configs = ENVIRONMENT_NAMES.map((env) => {
    const c = loadConfig(env, {});
    return loadConfig(env, {}, {
      alerting: { thresholds: { critical: { cpuUsageRatio: 0.85 } }, criticalForSeconds: c.alerting.criticalForSeconds * 2 },
      suppression: { cooldownMinutes: c.suppression.cooldownMinutes * 2, suppressedAlertTypes: ['ImmigrationAiHighMemoryUsage'] },
      channels: { sms: { enabled: !c.channels.sms.enabled } },
      security: { ldap: { enabled: true } },
      images: { exporter: c.images.exporter.replace(/:[^:]+$/, ':0.0.9') },
    });
  });
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (const c of configs) for (const [p, text] of synthesizeEnvironment(c).entries()) write(`${c.environment}/${p}`, text);
  for (const page of buildRunbooks(configs)) write(`runbooks/${page.name}`, page.text);
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'bench-diff-'));
  const reporter = join(work, 'cpu-reporter.js');
  writeFileSync(reporter, CPU_REPORTER);
  const changed = join(work, 'changed');
  changedTree(changed);
  const synthOut = join(work, 'synth-out');
  const diff = join('build', 'stacks', 'review', 'main.js');
  const variants: Record<string, string[]> = {
    synth: [join('build', 'stacks', 'main.js'), '--out', synthOut],
    'diff-dir': [diff, '--base-dir', changed, '--format', 'markdown'],
    'diff-git': [diff, '--base', 'HEAD', '--format', 'markdown'],
  };
  const samples: Record<string, Sample[]> = { synth: [], 'diff-dir': [], 'diff-git': [], 'diff-source': [] };
  try {
    for (const args of Object.values(variants)) measure(args, reporter); // warm the file cache
    for (let i = 0; i < ROUNDS; i++) {
      // Rotate the order so drift in machine load hits every variant alike.
      const names = Object.keys(variants);
      const order = [...names.slice(i % names.length), ...names.slice(0, i % names.length)];
      for (const n of order) samples[n].push(measure(variants[n], reporter));
    }
    for (let i = 0; i < Math.min(2, ROUNDS); i++) samples['diff-source'].push(measure([diff, '--base', 'HEAD', '--base-from', 'source', '--format', 'markdown'], reporter));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const summary = (xs: Sample[]) => ({ wallMsMedian: round(median(xs.map((x) => x.wallMs)), 0), cpuMsMedian: round(median(xs.map((x) => x.cpuMs)), 0), wallMs: xs.map((x) => round(x.wallMs, 0)) });
  const synth = median(samples.synth.map((x) => x.wallMs));
  const result = {
    date: new Date().toISOString().slice(0, 10),
    method: `each variant a fresh node process${spawnSync('sh', ['-c', 'command -v taskset']).status === 0 ? ' pinned to CPU 1 (taskset)' : ''}, ${ROUNDS} interleaved rounds after a warm-up, medians; three environments (${ENVIRONMENT_NAMES.join(', ')})`,
    targetMs: 5000,
    synth: summary(samples.synth),
    diffDir: { ...summary(samples['diff-dir']), ratioToSynth: round(median(samples['diff-dir'].map((x) => x.wallMs)) / synth), exitCode: samples['diff-dir'][0].code },
    diffGit: { ...summary(samples['diff-git']), ratioToSynth: round(median(samples['diff-git'].map((x) => x.wallMs)) / synth) },
    diffSource: { ...summary(samples['diff-source']), ratioToSynth: round(median(samples['diff-source'].map((x) => x.wallMs)) / synth), baseSynthesisIncluded: true },
  };
  const all = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  all.reviewDiff = result;
  writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

main();
