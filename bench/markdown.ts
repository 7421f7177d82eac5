/**
 * The benchmark's figures as the Markdown tables of docs/contributing.md (printed at the end of
 * `npm run bench`, so the docs are updated from a run, not retyped).
 */
import type { FrameworkResult } from './http-overhead.js';
import { VARIANTS, type Framework, type Variant } from './http-targets.js';

const NAMES: Record<Framework, string> = { express4: 'Express', express5: 'Express', fastify: 'Fastify', 'node-http': 'node:http' };
const percent = (f: number | undefined): string => (f === undefined ? '' : `${f >= 0 ? '+' : ''}${(100 * f).toFixed(1)}%`);
const micros = (m: number | undefined): string => (m === undefined ? '' : `${m >= 0 ? '+' : ''}${m.toFixed(1)}`);

export function httpTable(http: Partial<Record<Framework, FrameworkResult>>): string {
  const frameworks = Object.keys(http) as Framework[];
  const head = `| variant | ${frameworks.map((f) => `${NAMES[f]} ${http[f]?.version ?? ''}`).join(' | ')} |`;
  const rule = `| --- |${frameworks.map(() => ' --- |').join('')}`;
  const rows = (Object.keys(VARIANTS) as Variant[]).map((v) => {
    const cells = frameworks.map((f) => {
      const r = http[f]?.variants[v];
      if (!r) return 'n/a';
      if (v === 'bare') return `${r.cpuMicrosPerRequest.toFixed(1)} µs, ${r.requestsPerSecond} req/s`;
      return `${micros(r.addedCpuMicrosPerRequest)} µs (${percent(r.addedCpuFractionOfBare)}), ${percent(r.throughputChangeFraction)} req/s`;
    });
    return `| ${v} | ${cells.join(' | ')} |`;
  });
  const noise = `| A/A noise floor (median, largest round) | ${frameworks.map((f) => `${percent(http[f]?.noiseFloor.medianFraction)}, ${percent(http[f]?.noiseFloor.maxFraction)}`).join(' | ')} |`;
  return [head, rule, ...rows, noise].join('\n');
}
