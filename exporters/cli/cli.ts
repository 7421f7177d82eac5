/** Shared pieces of the command-line tools: usage errors, secrets from files, positive durations. */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const EXIT_USAGE = 64;

export class UsageError extends Error {}

/**
 * `node:util` parseArgs in strict mode (unknown flags and missing values are usage errors), as
 * stacks/main.ts and the local stack parse theirs.
 */
export function parseFlags<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A required URL from a flag (or its environment variable), with a usage error that names both. */
export function requireUrl(flag: string, value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`--${flag} <${what}> is required`);
  try {
    new URL(value);
  } catch {
    throw new UsageError(`--${flag} is not a valid URL (got "${value}")`);
  }
  return value;
}

/** A secret from `NAME` or the file named by `NAME_FILE`. */
export function secret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) return readFileSync(file, 'utf8').trim();
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/** A positive number of seconds from a flag's value, or the fallback when the flag is absent. */
export function seconds(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number of seconds (got "${raw}")`);
  return n;
}
