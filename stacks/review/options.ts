/** The command line of `npm run diff`, validated into options; a usage problem is one line and exit code 2. */
import { parseArgs } from 'node:util';
import { ALL_ENVIRONMENT_NAMES, ENVIRONMENT_NAMES } from '../../contract/config/index.js';
import { durationSeconds } from './duration.js';
import { FORMATS, type Format } from './render.js';

export const USAGE = `usage: npm run diff -- [--base <git ref>] [--base-from dist|source] [--base-dir DIR] [--head-dir DIR]
                     [--env dev,staging,production] [--format text|markdown|json] [--output FILE]
                     [--fail-on risk|change] [--prometheus URL [--days 7] [--step 30s]]

  --base REF          the ref to compare with (default: origin/main if this clone has it, else HEAD)
  --base-from dist    read the ref's committed dist/ (default: fast; CI keeps it fresh on main)
  --base-from source  build the ref's sources and synthesize them (when its dist/ may be stale)
  --base-dir DIR      compare with a dist-like folder instead of a git ref
  --head-dir DIR      compare a dist-like folder instead of synthesizing the working tree
  --env LIST          environments to compare (default: ${ENVIRONMENT_NAMES.join(',')})
  --format FORMAT     text (default), markdown (a pull-request comment) or json
  --output FILE       write the report to FILE instead of standard output
  --fail-on risk      exit 1 when the change has a risk (a critical alert stops paging, posture weakens)
  --fail-on change    exit 1 when anything changed
  --prometheus URL    backtest changed alerts over this Prometheus' history (needs one --env)
  --days N            backtest window in days (default 7)
  --step DURATION     backtest query step (default: each rule's evaluation interval)

exit codes: 0 reviewed, 1 --fail-on matched, 2 usage error, 3 the review could not be made`;

/** The flags, by name (the CI example is checked against these). */
export const OPTIONS = {
  base: { type: 'string' },
  'base-from': { type: 'string' },
  'base-dir': { type: 'string' },
  'head-dir': { type: 'string' },
  env: { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string' },
  'fail-on': { type: 'string' },
  prometheus: { type: 'string' },
  days: { type: 'string' },
  step: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface Options {
  base?: string;
  baseFrom: 'dist' | 'source';
  baseDir?: string;
  headDir?: string;
  environments: string[];
  /** Whether --env was given (the shared runbooks are compared only without it). */
  envGiven: boolean;
  format: Format;
  output?: string;
  failOn?: 'risk' | 'change';
  prometheus?: string;
  days: number;
  stepSeconds?: number;
  help: boolean;
}

export class UsageError extends Error {}

export function parseOptions(argv: string[]): Options {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  const s = (k: string): string | undefined => values[k] as string | undefined;
  const format = s('format') ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${format}: use one of ${FORMATS.join(', ')}`);
  const baseFrom = s('base-from') ?? 'dist';
  if (baseFrom !== 'dist' && baseFrom !== 'source') throw new UsageError(`--base-from ${baseFrom}: use dist or source`);
  if (s('base-dir') !== undefined && (s('base') !== undefined || s('base-from') !== undefined)) throw new UsageError('--base-dir replaces --base and --base-from: give one or the other');
  const environments = (s('env') ?? ENVIRONMENT_NAMES.join(','))
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  const unknown = environments.filter((e) => !(ALL_ENVIRONMENT_NAMES as readonly string[]).includes(e));
  if (environments.length === 0 || unknown.length > 0) throw new UsageError(`--env ${s('env') ?? ''}: unknown environment ${unknown.join(', ') || '(none given)'}; allowed: ${ALL_ENVIRONMENT_NAMES.join(', ')}`);
  if (environments.includes('local') && s('base-dir') === undefined && baseFrom === 'dist') {
    throw new UsageError('--env local: the local environment is never committed to dist/; add --base-from source or --base-dir');
  }
  const failOn = s('fail-on');
  if (failOn !== undefined && failOn !== 'risk' && failOn !== 'change') throw new UsageError(`--fail-on ${failOn}: use risk or change`);
  const daysText = s('days') ?? '7';
  const days = Number(daysText);
  if (!(days > 0) || days > 400) throw new UsageError(`--days ${daysText}: use a number of days above 0 (at most 400)`);
  const stepText = s('step');
  const stepSeconds = stepText === undefined ? undefined : durationSeconds(stepText);
  if (stepText !== undefined && !(stepSeconds !== undefined && stepSeconds >= 1)) throw new UsageError(`--step ${stepText}: use a duration of at least 1s, e.g. 30s or 1m`);
  const prometheus = s('prometheus');
  if (prometheus === undefined && (s('days') !== undefined || stepText !== undefined)) throw new UsageError('--days and --step belong to a backtest: add --prometheus URL');
  if (prometheus !== undefined) {
    if (!/^https?:\/\/[^\s]+$/.test(prometheus)) throw new UsageError(`--prometheus ${prometheus}: use the server's base URL, e.g. http://prometheus:9090`);
    if (environments.length !== 1) throw new UsageError('--prometheus holds one environment\'s history: add --env with exactly one environment');
  }
  return {
    base: s('base'),
    baseFrom,
    baseDir: s('base-dir'),
    headDir: s('head-dir'),
    environments,
    envGiven: s('env') !== undefined,
    format: format as Format,
    output: s('output'),
    failOn,
    prometheus,
    days,
    stepSeconds,
    help: values.help === true,
  };
}
