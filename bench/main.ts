/**
 * `npm run bench`: the performance claims of the instrumentation library and the exporter, measured
 * (never a timed unit test). Not part of `npm test`; on a shared machine run it alone
 * (`flock /tmp/heavy.lock npm run bench`), since other load shows up as noise in the A/A control.
 *  1. HTTP instrumentation cost (http-overhead.ts): CPU time per request and throughput of bare,
 *     a no-op layer, our middleware, our zero-layer mode, express-prom-bundle and a minimal
 *     prom-client middleware, on Express 4, Express 5, Fastify and node:http; server and load
 *     generator pinned to different CPUs; interleaved rounds; A/A control.
 *  2. The same variants' added cost in process, without the network (in-process-cost.ts): precise
 *     where the end-to-end noise floor is larger than the cost (a no-op Express layer).
 *  3. /metrics render time against prom-client's renderer at 4,000 label sets (metrics-render.ts).
 *  4. The exporter's resident memory after a burst of scrapes (exporter-memory.ts).
 * Writes the keys `instrumentation` and `exporter` of bench/results.json; other keys are kept.
 *
 * Environment: BENCH_ROUNDS (11), BENCH_SECONDS per run (1), BENCH_WARMUP_SECONDS (1),
 * BENCH_IN_PROCESS_BATCHES (300), BENCH_FRAMEWORKS (comma-separated subset; a partial run prints
 * its figures but writes nothing).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { choosePinning, pin } from './cpu-pinning.js';
import { exporterMemory } from './exporter-memory.js';
import { measureFramework, type FrameworkResult } from './http-overhead.js';
import { FRAMEWORKS, type Framework } from './http-targets.js';
import { hotPathNanos, metricsRender } from './metrics-render.js';
import { httpTable } from './markdown.js';
import { inProcessCost } from './in-process-cost.js';
import { round } from './stats.js';

const ROOT = join(__dirname, '..', '..');
const RESULTS = join(ROOT, 'bench', 'results.json');
const log = (line: string): void => {
  process.stdout.write(`bench: ${line}\n`);
};

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`bench: ${name} must be a positive number, got "${raw}"`);
  return n;
}

function chosenFrameworks(): Framework[] {
  const raw = process.env.BENCH_FRAMEWORKS;
  if (!raw) return [...FRAMEWORKS];
  const list = raw.split(',').map((s) => s.trim());
  const bad = list.filter((f) => !(FRAMEWORKS as readonly string[]).includes(f));
  if (bad.length) throw new Error(`bench: BENCH_FRAMEWORKS: unknown ${bad.join(', ')} (known: ${FRAMEWORKS.join(', ')})`);
  return list as Framework[];
}

type InProcess = Partial<Record<'express4' | 'express5' | 'node-http', Awaited<ReturnType<typeof inProcessCost>>>>;

/**
 * The targets, as ratios measured in this run. End to end, an added cost within the A/A noise floor
 * decides nothing: the verdict then says so instead of dividing noise by noise.
 */
function targets(http: Partial<Record<Framework, FrameworkResult>>, inProcess: InProcess, render: Awaited<ReturnType<typeof metricsRender>>) {
  const express = (f: 'express4' | 'express5') => {
    const r = http[f];
    const zero = r?.variants['zero-layer']?.addedCpuMicrosPerRequest;
    const noop = r?.variants['noop-layer']?.addedCpuMicrosPerRequest;
    const bare = r?.variants.bare?.cpuMicrosPerRequest;
    const ip = inProcess[f];
    const ipZero = ip?.['zero-layer']?.addedNanos;
    const ipNoop = ip?.['noop-layer']?.addedNanos;
    let endToEnd;
    if (r && zero !== undefined && noop !== undefined && bare !== undefined) {
      const noiseFloorMicros = round(r.noiseFloor.medianFraction * bare);
      const measurable = noop > noiseFloorMicros;
      const ratio = measurable ? round(zero / noop) : null;
      endToEnd = {
        zeroLayerAddedMicros: zero,
        noopLayerAddedMicros: noop,
        noiseFloorMicros,
        ratio,
        met: ratio === null ? null : ratio < 0.5,
        verdict: measurable ? undefined : 'not measurable: the no-op layer adds less than the A/A noise floor',
      };
    }
    const inProcessRatio = ipZero !== undefined && ipNoop !== undefined && ipNoop > 0 ? round(ipZero / ipNoop) : null;
    return {
      target: 'zero-layer added cost < 0.5 x a no-op layer',
      endToEnd,
      inProcess: { zeroLayerAddedNanos: ipZero, noopLayerAddedNanos: ipNoop, ratio: inProcessRatio, met: inProcessRatio === null ? null : inProcessRatio < 0.5 },
    };
  };
  const node = http['node-http'];
  const nodeZero = node?.variants['zero-layer']?.addedCpuFractionOfBare;
  const nodeBare = node?.variants.bare?.cpuMicrosPerRequest;
  const ipNode = inProcess['node-http']?.['zero-layer']?.addedNanos;
  const estimate = ipNode !== undefined && nodeBare !== undefined ? round(ipNode / 1000 / nodeBare, 4) : undefined;
  return {
    expressZeroLayerUnderHalfANoopLayer: { express4: express('express4'), express5: express('express5') },
    nodeHttpZeroLayerWithin3PercentOfBare: {
      target: 'zero-layer added CPU per request < 3% of bare',
      endToEnd: nodeZero === undefined ? undefined : { addedFractionOfBare: nodeZero, noiseFloorMedianFraction: node?.noiseFloor.medianFraction, met: nodeZero < 0.03 },
      inProcessEstimate:
        estimate === undefined
          ? undefined
          : { note: 'in-process added ns / end-to-end bare CPU per request', addedNanos: ipNode, bareMicros: nodeBare, fraction: estimate, met: estimate < 0.03 },
    },
    renderAtLeast4TimesFasterThanPromClient: { speedup: render.speedupOverPromClient, target: '>= 4', met: render.speedupOverPromClient >= 4 },
  };
}

async function main(): Promise<void> {
  const rounds = envNumber('BENCH_ROUNDS', 11);
  const seconds = envNumber('BENCH_SECONDS', 1);
  const warmupSeconds = envNumber('BENCH_WARMUP_SECONDS', 1);
  const inProcessBatches = envNumber('BENCH_IN_PROCESS_BATCHES', 300);
  const frameworks = chosenFrameworks();
  const { serverCpu, loadCpu } = choosePinning();
  pin(process.pid, loadCpu);
  const loadBefore = loadavg();
  const started = Date.now();
  log(`servers on CPU ${serverCpu}, load generator (this process) on CPU ${loadCpu}; ${rounds} rounds x ${seconds} s per variant; load average ${loadBefore.map((x) => round(x)).join(' ')}`);

  const http: Partial<Record<Framework, FrameworkResult>> = {};
  for (const f of frameworks) {
    http[f] = await measureFramework(f, { rounds, seconds, warmupSeconds, serverCpu, log });
    const summary = Object.entries(http[f]?.variants ?? {})
      .map(([v, r]) => `${v} ${r.cpuMicrosPerRequest} µs${r.addedCpuMicrosPerRequest === undefined ? '' : ` (+${r.addedCpuMicrosPerRequest})`}`)
      .join(', ');
    log(`${f}: ${summary}; A/A noise ${http[f]?.noiseFloor.medianFraction}`);
  }
  const inProcess: InProcess = {};
  for (const f of ['express4', 'express5', 'node-http'] as const) {
    if (!frameworks.includes(f)) continue;
    inProcess[f] = await inProcessCost(f, { batches: inProcessBatches });
    log(`${f} in process: ${JSON.stringify(inProcess[f])}`);
  }
  log('/metrics render...');
  const render = { ...(await metricsRender()), hotPathNanosPerRequest: hotPathNanos() };
  log(JSON.stringify(render));
  log('exporter memory...');
  const memory = await exporterMemory();
  log(JSON.stringify(memory));
  const loadAfter = loadavg();

  const measured = targets(http, inProcess, render);
  log(`targets: ${JSON.stringify(measured)}`);
  process.stdout.write(`\nCPU per request (bare: absolute; others: added, paired per round) and throughput change:\n\n${httpTable(http)}\n\n`);
  if (frameworks.length !== FRAMEWORKS.length) {
    log('partial run (BENCH_FRAMEWORKS): bench/results.json left as it was');
    return;
  }
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    pinning: `servers on CPU ${serverCpu}, load generator on CPU ${loadCpu} (taskset)`,
    loadAverageBefore: loadBefore.map((x) => round(x)),
    loadAverageAfter: loadAfter.map((x) => round(x)),
  };
  const results = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as Record<string, unknown>) : {};
  results.instrumentation = {
    measuredAt: new Date().toISOString(),
    machine,
    method:
      'one server process per framework x variant, GET /api/documents/:id with a trivial JSON body, autocannon with 50 connections; ' +
      `${rounds} interleaved rounds of ${seconds} s per variant after a ${warmupSeconds} s warm-up; CPU time per request from process.cpuUsage() of the server; ` +
      'medians over rounds, added cost paired per round against bare; the A/A control is a second bare process',
    totalSeconds: round((Date.now() - started) / 1000, 0),
    frameworks: http,
    inProcess: {
      method:
        'real IncomingMessage/ServerResponse objects through the framework in this process, no network; the zero-layer events published around it as Node does; ' +
        `${inProcessBatches} alternating batches of 200 requests per variant; median of paired batch differences (warm caches: compare variants, not absolute figures)`,
      ...inProcess,
    },
    targets: measured,
  };
  results.exporter = {
    measuredAt: new Date().toISOString(),
    machine,
    metricsRender: render,
    exporterMemory: memory,
    targetsMet: { renderUnder10Ms: render.appRegistry.medianMs < 10, renderAtLeast4TimesFasterThanPromClient: render.speedupOverPromClient >= 4, rssUnder100MiB: memory.rssMiB < 100 },
  };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${RESULTS} in ${round((Date.now() - started) / 1000, 0)} s`);
}

main().catch((e: Error) => {
  process.stderr.write(`bench: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
