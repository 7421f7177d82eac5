/**
 * Scratch trees for the review tool's tests: one or more environments synthesized from a config
 * with overrides into a temporary dist-like folder (which a test may then edit like a developer
 * would), and an in-process run of `npm run diff` on two such folders.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type DeepPartial, loadConfig, type MonitoringConfig } from '../../contract/config/index.js';
import { main } from '../../stacks/review/main.js';
import { synthesizeEnvironment } from '../../stacks/synth.js';

export interface ScratchTree {
  dir: string;
  /** Path of a file of an environment. */
  path(env: string, rel: string): string;
  read(env: string, rel: string): string;
  write(env: string, rel: string, text: string): void;
  edit(env: string, rel: string, change: (text: string) => string): void;
  remove(env: string, rel: string): void;
  cleanup(): void;
}

/** Synthesizes `environments` (each with its overrides) into a fresh temporary folder. */
export function scratchTree(environments: Record<string, DeepPartial<MonitoringConfig>>, prefix = 'review-'): ScratchTree {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = (env: string, rel: string): string => join(dir, env, rel);
  const write = (env: string, rel: string, text: string): void => {
    mkdirSync(dirname(path(env, rel)), { recursive: true });
    writeFileSync(path(env, rel), text);
  };
  for (const [env, extra] of Object.entries(environments)) {
    for (const [rel, text] of synthesizeEnvironment(loadConfig(env, {}, extra)).entries()) write(env, rel, text);
  }
  return {
    dir,
    path,
    read: (env, rel) => readFileSync(path(env, rel), 'utf8'),
    write,
    edit: (env, rel, change) => write(env, rel, change(readFileSync(path(env, rel), 'utf8'))),
    remove: (env, rel) => rmSync(path(env, rel)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface DiffRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run diff -- <args>`, in this process. */
export async function runDiff(args: string[], cwd = process.cwd()): Promise<DiffRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd });
  return { code, stdout, stderr };
}
