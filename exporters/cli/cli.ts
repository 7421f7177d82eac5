/** Tiny argv helpers shared by the commands (no dependency for four flags). */
import { readFileSync } from 'node:fs';

export const EXIT_USAGE = 64;

export class UsageError extends Error {}

export function flag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i !== -1) {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    return v;
  }
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

export const has = (argv: string[], name: string): boolean => argv.includes(`--${name}`);

/** A secret from `NAME` or the file named by `NAME_FILE`. */
export function secret(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const file = env[`${name}_FILE`];
  if (file) return readFileSync(file, 'utf8').trim();
  const v = env[name]?.trim();
  return v ? v : undefined;
}

export function seconds(argv: string[], name: string, fallback: number): number {
  const raw = flag(argv, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number of seconds (got "${raw}")`);
  return n;
}
