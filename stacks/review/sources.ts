/**
 * Where the two trees of a review come from, always in temporary folders (never dist/):
 * - head: the working tree, synthesized in this process (the code `npm run diff` just built);
 * - base: a git ref's committed dist/ (fast, and CI keeps it fresh on main), or the ref's sources
 *   built and synthesized (`--base-from source`, for a ref whose dist/ may be stale);
 * - either: a folder holding a dist-like tree (`--base-dir`, `--head-dir`).
 * The synth ignores the configuration's environment variables (SMTP_SERVER, ...): the committed
 * dist/ is made without them, and a review compares what CI would commit.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ENV_VARS } from '../../contract/config/index.js';
import { synthesize } from '../synth.js';
import type { SideInfo } from './findings.js';
import { readTree, type Tree } from './tree.js';

const run = promisify(execFile);

export class SourceError extends Error {}

export interface Side {
  tree: Tree;
  info: SideInfo;
  cleanup(): void;
}

/** The process environment without the variables that change the configuration. */
export function synthEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const names = new Set<string>(ENV_VARS);
  return Object.fromEntries(Object.entries(env).filter(([k]) => !names.has(k)));
}

const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));
const removeLater = (dir: string): (() => void) => () => rmSync(dir, { recursive: true, force: true });

async function git(repo: string, args: string[], encoding: 'utf8' | 'buffer' = 'utf8'): Promise<string | Buffer> {
  try {
    const { stdout } = await run('git', ['-C', repo, ...args], { encoding, maxBuffer: 1 << 30 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string | Buffer; message: string };
    throw new SourceError(`git ${args.join(' ')}: ${String(e.stderr ?? e.message).trim().split('\n')[0]}`);
  }
}

/** The repository's top folder. */
export async function repositoryRoot(cwd: string): Promise<string> {
  return String(await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
}

/** The commit a ref names, or undefined. */
export async function resolveCommit(repo: string, ref: string): Promise<string | undefined> {
  try {
    return String(await git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `origin/main` when the clone has it (a pull request's base), else `HEAD` (the last commit). */
export async function defaultBaseRef(repo: string): Promise<string> {
  return (await resolveCommit(repo, 'origin/main')) ? 'origin/main' : 'HEAD';
}

/**
 * Extracts `paths` of a commit into `dir`. git writes the archive to a file rather than a pipe, so
 * it runs to completion while this process synthesizes the other side.
 */
async function extract(repo: string, commit: string, dir: string, paths: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const archive = join(dir, '.review-archive.tar');
  await git(repo, ['archive', '--format=tar', `--output=${archive}`, commit, ...paths]);
  try {
    await run('tar', ['-xf', archive, '-C', dir]);
  } catch (err) {
    throw new SourceError(`tar -x: ${String((err as { stderr?: string }).stderr ?? (err as Error).message).trim()}`);
  } finally {
    rmSync(archive, { force: true });
  }
}

/** The ref's committed dist/, for the requested environments and the shared runbooks. */
export async function committedDist(repo: string, ref: string, environments: readonly string[]): Promise<Side> {
  const commit = await resolveCommit(repo, ref);
  if (!commit) throw new SourceError(`--base ${ref}: no such commit in ${repo} (fetch it first, e.g. git fetch origin main)`);
  const listed = String(await git(repo, ['ls-tree', '--name-only', commit, 'dist/'])).split('\n').map((l) => l.replace(/^dist\//, '')).filter(Boolean);
  if (listed.length === 0) throw new SourceError(`--base ${ref}: the commit has no dist/ folder; use --base-from source to build it`);
  const wanted = listed.filter((p) => environments.includes(p) || p === 'runbooks');
  const dir = tempDir('review-base-');
  try {
    if (wanted.length > 0) await extract(repo, commit, dir, wanted.map((p) => `dist/${p}`));
    mkdirSync(join(dir, 'dist'), { recursive: true });
    return { tree: readTree(join(dir, 'dist')), info: { label: ref, commit, how: `committed dist/ of ${ref} (${commit.slice(0, 10)})` }, cleanup: removeLater(dir) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Runs a command; rejects with its output's last lines. */
async function runTool(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, what: string): Promise<void> {
  try {
    await run(file, args, { cwd, env, maxBuffer: 1 << 26 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const out = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
    throw new SourceError(`${what} failed:\n${out || e.message}`);
  }
}

/**
 * The ref's sources built and synthesized: git archive into a temporary folder, this clone's
 * node_modules linked in (the ref's dependencies are assumed to be installed, as for any build
 * of an older commit), `tsc` on the synth entry point only, then its `stacks/main.js`.
 */
export async function synthesizedRef(repo: string, ref: string, environments: readonly string[]): Promise<Side> {
  const commit = await resolveCommit(repo, ref);
  if (!commit) throw new SourceError(`--base ${ref}: no such commit in ${repo} (fetch it first, e.g. git fetch origin main)`);
  const dir = tempDir('review-base-src-');
  try {
    const src = join(dir, 'src');
    await extract(repo, commit, src, []);
    symlinkSync(join(repo, 'node_modules'), join(src, 'node_modules'), 'dir');
    // Only what synth needs: the entry point and its imports (not the tests and benchmarks).
    writeFileSync(join(src, 'tsconfig.review.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { incremental: false, noEmitOnError: true }, include: [], files: ['stacks/main.ts'] }));
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    await runTool(process.execPath, [tsc, '-p', 'tsconfig.review.json'], src, process.env, `building ${ref} (tsc)`);
    const out = join(dir, 'out');
    await runTool(process.execPath, [join('build', 'stacks', 'main.js'), '--env', environments.join(','), '--out', out], src, synthEnvironment(), `synthesizing ${ref}`);
    return { tree: readTree(out), info: { label: ref, commit, how: `synthesized from the sources of ${ref} (${commit.slice(0, 10)})` }, cleanup: removeLater(dir) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The working tree, synthesized by this process into a temporary folder. */
export function workingTree(environments: readonly string[]): Side {
  const dir = tempDir('review-head-');
  try {
    const tree = synthesize(environments, synthEnvironment());
    for (const [path, content] of tree.entries()) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    return { tree: readTree(dir), info: { label: 'working tree', how: 'synthesized from the working tree' }, cleanup: removeLater(dir) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** A dist-like folder given on the command line (read, never written). */
export function folder(dir: string, flag: string): Side {
  const root = resolve(dir);
  try {
    return { tree: readTree(root), info: { label: root, how: `the folder ${root}` }, cleanup: () => undefined };
  } catch (err) {
    throw new SourceError(`${flag} ${dir}: ${(err as Error).message}`);
  }
}
