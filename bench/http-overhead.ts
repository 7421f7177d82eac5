/**
 * What HTTP instrumentation costs per request, per framework: every variant of a framework runs in
 * its own server process pinned to one CPU, autocannon (in this process) on another; the variants
 * take turns in interleaved rounds (each once per round, the order rotating), so a change in
 * machine load hits all of them alike. Per variant: CPU time of the server process per request
 * (from process.cpuUsage() deltas inside it) and throughput, medians over the rounds; the added
 * cost is the median over rounds of (variant - bare), paired per round. A second bare process (the
 * A/A control) shows the noise floor.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_PATH, NOT_APPLICABLE, VARIANTS, type Framework, type Variant } from './http-targets.js';
import { pin } from './cpu-pinning.js';
import { median, pairedMedian, round } from './stats.js';

// autocannon ships no types; the part we use:
interface AutocannonResult {
  requests: { total: number };
  duration: number;
  errors: number;
  non2xx: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (o: { url: string; connections: number; duration: number; pipelining: number }) => Promise<AutocannonResult>;

const CONNECTIONS = 50;

interface Target {
  variant: Variant;
  proc: ChildProcess;
  port: number;
  ask<T>(message: string): Promise<T>;
  /** Requests completed against it, warm-up included (for the recording check). */
  sent: number;
}

async function startTarget(framework: Framework, variant: Variant, cpu: number): Promise<Target> {
  const proc = fork(join(__dirname, 'http-targets.js'), [framework, variant], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  if (proc.pid === undefined) throw new Error(`bench: could not start the ${framework} ${variant} server`);
  pin(proc.pid, cpu);
  const next = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench: the ${framework} ${variant} server exited (${code})`));
      proc.once('exit', onExit);
      proc.once('message', (m) => {
        proc.off('exit', onExit);
        resolve(m as T);
      });
    });
  const { port } = await next<{ port: number }>();
  return {
    variant,
    proc,
    port,
    sent: 0,
    ask<T>(message: string) {
      const reply = next<T>();
      proc.send(message);
      return reply;
    },
  };
}

interface RunResult {
  cpuMicrosPerRequest: number;
  requestsPerSecond: number;
}

/**
 * One measurement. The other servers of the framework are stopped (SIGSTOP) meanwhile: idle Node
 * processes still wake up (timers, the event-loop-delay monitor of the default metrics) on the
 * server CPU and would disturb the one being measured.
 */
async function run(t: Target, seconds: number): Promise<RunResult> {
  t.proc.kill('SIGCONT');
  const before = (await t.ask<{ cpuMicros: number }>('cpu')).cpuMicros;
  const r = await autocannon({ url: `http://127.0.0.1:${t.port}${BENCH_PATH}`, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
  const cpu = (await t.ask<{ cpuMicros: number }>('cpu')).cpuMicros - before;
  if (r.errors > 0 || r.non2xx > 0 || r.requests.total === 0) throw new Error(`bench: ${t.variant}: ${r.errors} errors, ${r.non2xx} non-2xx of ${r.requests.total}`);
  t.sent += r.requests.total;
  t.proc.kill('SIGSTOP');
  return { cpuMicrosPerRequest: cpu / r.requests.total, requestsPerSecond: r.requests.total / r.duration };
}

export interface VariantResult {
  description: string;
  /** Median over rounds. */
  cpuMicrosPerRequest: number;
  requestsPerSecond: number;
  /** Median over rounds of (variant - bare) and (variant / bare - 1), paired per round. */
  addedCpuMicrosPerRequest?: number;
  addedCpuFractionOfBare?: number;
  throughputChangeFraction?: number;
  /** Requests the variant recorded under the route template, of those sent (a sanity check). */
  recordedOfSent?: string;
  rounds: { cpuMicrosPerRequest: number[]; requestsPerSecond: number[] };
}

export interface FrameworkResult {
  version: string;
  variants: Partial<Record<Variant, VariantResult>>;
  notApplicable: Partial<Record<Variant, string>>;
  /** A/A control: |control / bare - 1| per round, median and largest. */
  noiseFloor: { medianFraction: number; maxFraction: number };
}

const ROOT = join(__dirname, '..', '..');
const packageVersion = (name: string): string => (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const FRAMEWORK_PACKAGES: Record<Framework, string | undefined> = { express4: 'express', express5: 'express5', fastify: 'fastify', 'node-http': undefined };

/** Variants that record requests (the check after the rounds expects them to have). */
const RECORDING: readonly Variant[] = ['middleware', 'zero-layer', 'express-prom-bundle', 'prom-client'];

export async function measureFramework(
  framework: Framework,
  options: { rounds: number; seconds: number; warmupSeconds: number; serverCpu: number; log: (line: string) => void },
): Promise<FrameworkResult> {
  const skipped = NOT_APPLICABLE[framework] ?? {};
  const variants = (Object.keys(VARIANTS) as Variant[]).filter((v) => skipped[v] === undefined);
  const targets: Target[] = [];
  try {
    for (const v of variants) {
      const t = await startTarget(framework, v, options.serverCpu);
      t.proc.kill('SIGSTOP');
      targets.push(t);
    }
    for (const t of targets) await run(t, options.warmupSeconds); // JIT warm-up, not counted
    const results = new Map<Variant, RunResult[]>(variants.map((v) => [v, []]));
    for (let i = 0; i < options.rounds; i++) {
      const order = targets.map((_, k) => targets[(k + i) % targets.length]);
      for (const t of order) results.get(t.variant)?.push(await run(t, options.seconds));
      options.log(`${framework} round ${i + 1}/${options.rounds}: ${order.map((t) => `${t.variant} ${round(results.get(t.variant)?.[i]?.cpuMicrosPerRequest ?? NaN)} µs`).join(', ')}`);
    }
    const recorded = new Map<Variant, string>();
    for (const t of targets) {
      t.proc.kill('SIGCONT');
      if (!RECORDING.includes(t.variant)) continue;
      const n = (await t.ask<{ recorded: number }>('check')).recorded;
      // At the end of a run autocannon drops its open requests: recorded as 499 by ours, not at all
      // by 'finish' listeners. Everything completed must be there.
      if (n < t.sent * 0.99) throw new Error(`bench: ${framework} ${t.variant} recorded ${n} of ${t.sent} requests under the route template`);
      recorded.set(t.variant, `${n} of ${t.sent}`);
    }

    const bare = results.get('bare') ?? [];
    const cpu = (rs: RunResult[]) => rs.map((r) => r.cpuMicrosPerRequest);
    const rps = (rs: RunResult[]) => rs.map((r) => r.requestsPerSecond);
    const out: Partial<Record<Variant, VariantResult>> = {};
    for (const v of variants) {
      const rs = results.get(v) ?? [];
      const base: VariantResult = {
        description: VARIANTS[v],
        cpuMicrosPerRequest: round(median(cpu(rs))),
        requestsPerSecond: round(median(rps(rs)), 0),
        rounds: { cpuMicrosPerRequest: cpu(rs).map((x) => round(x)), requestsPerSecond: rps(rs).map((x) => round(x, 0)) },
      };
      if (v !== 'bare') {
        base.addedCpuMicrosPerRequest = round(pairedMedian(cpu(rs), cpu(bare), (a, b) => a - b));
        base.addedCpuFractionOfBare = round(pairedMedian(cpu(rs), cpu(bare), (a, b) => a / b - 1), 4);
        base.throughputChangeFraction = round(pairedMedian(rps(rs), rps(bare), (a, b) => a / b - 1), 4);
      }
      if (recorded.has(v)) base.recordedOfSent = recorded.get(v);
      out[v] = base;
    }
    const aa = cpu(results.get('control') ?? []).map((c, i) => Math.abs(c / cpu(bare)[i] - 1));
    const pkg = FRAMEWORK_PACKAGES[framework];
    return {
      version: pkg ? packageVersion(pkg) : process.version,
      variants: out,
      notApplicable: skipped,
      noiseFloor: { medianFraction: round(median(aa), 4), maxFraction: round(Math.max(...aa), 4) },
    };
  } finally {
    for (const t of targets) {
      t.proc.kill('SIGCONT');
      t.proc.kill('SIGTERM');
    }
  }
}
