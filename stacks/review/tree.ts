/**
 * A generated tree as a reviewer reads it: a dist-like folder (`<env>/k8s/`, `<env>/prometheus/`,
 * ..., `runbooks/`) loaded into memory, and parsers for its YAML and JSON. Identical text on both
 * sides of a review is parsed once (most files do not change in a pull request).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_SCHEMA, loadAll } from 'js-yaml';

export interface Tree {
  root: string;
  /** Path relative to `root` (POSIX separators) -> text. */
  files: Map<string, string>;
}

export function readTree(root: string): Tree {
  const files = new Map<string, string>();
  const walk = (dir: string, prefix: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
      if (e.isDirectory()) walk(join(dir, e.name), rel);
      else if (e.isFile()) files.set(rel, readFileSync(join(dir, e.name), 'utf8'));
    }
  };
  walk(root, '');
  return { root, files };
}

/** Top-level folders that hold an environment (everything but the shared `runbooks/`). */
export function environmentsOf(tree: Tree): string[] {
  const envs = new Set<string>();
  for (const p of tree.files.keys()) {
    const [top, ...rest] = p.split('/');
    if (rest.length > 0 && top !== 'runbooks') envs.add(top);
  }
  return [...envs].sort();
}

/** The files under `prefix/`, with paths relative to it. */
export function subtree(tree: Tree, prefix: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [p, text] of tree.files) if (p.startsWith(`${prefix}/`)) out.set(p.slice(prefix.length + 1), text);
  return out;
}

const yamlCache = new Map<string, unknown[]>();
const jsonCache = new Map<string, unknown>();

/** Forgets parsed documents (one review's worth is kept: both sides share it). */
export function clearParseCache(): void {
  yamlCache.clear();
  jsonCache.clear();
}

/**
 * Every document of a YAML stream (empty documents dropped). js-yaml rather than the `yaml` package
 * synth writes with: reading is five times faster, which keeps a three-environment review within
 * its time budget. The core schema matches what `yaml` writes (no implicit timestamps).
 */
export function yamlDocuments(text: string, where: string): unknown[] {
  const hit = yamlCache.get(text);
  if (hit) return hit;
  let docs: unknown[];
  try {
    docs = loadAll(text, undefined, { schema: CORE_SCHEMA, filename: where }).filter((d) => d !== null && d !== undefined);
  } catch (err) {
    throw new Error(`${where}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  yamlCache.set(text, docs);
  return docs;
}

export function yamlDocument(text: string, where: string): unknown {
  const docs = yamlDocuments(text, where);
  if (docs.length > 1) throw new Error(`${where}: expected one YAML document, found ${docs.length}`);
  return docs[0];
}

export function jsonDocument(text: string, where: string): unknown {
  if (jsonCache.has(text)) return jsonCache.get(text);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not valid JSON: ${(err as Error).message}`);
  }
  jsonCache.set(text, doc);
  return doc;
}

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
export const obj = (v: unknown): Json => (isObject(v) ? v : {});
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const objs = (v: unknown): Json[] => arr(v).filter(isObject);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
export const strs = (v: unknown): string[] => arr(v).map(str).filter((s): s is string => s !== undefined);

/** Canonical JSON with sorted keys, for equality and identity of parsed values. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}
