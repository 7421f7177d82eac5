/**
 * Everything else, summarised per object (kind/name: added, removed, which fields changed) and per
 * file, never as a line diff. Embedded documents (a prometheus.yml in a ConfigMap, a dashboard in a
 * ConfigMap) are followed into, so the paths say what changed inside them.
 */
import { coveredBySections, type EnvironmentArtifacts, objectKey, objectName, type PlacedObject, PROFILE_TITLES } from './artifacts.js';
import { code, type Finding, finding, list } from './findings.js';
import { canonical, isObject, jsonDocument, yamlDocument } from './tree.js';

const MAX_PATHS = 6;

const segment = (key: string): string => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

/** A multi-line string that holds a YAML or JSON document (a config file in a ConfigMap). */
function embedded(s: string): unknown {
  if (!s.includes('\n') || s.length > 2_000_000) return undefined;
  try {
    const trimmed = s.trimStart();
    const doc = trimmed.startsWith('{') ? jsonDocument(s, 'embedded document') : yamlDocument(s, 'embedded document');
    return isObject(doc) || Array.isArray(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

const keyOf = (v: unknown): string | undefined => {
  if (!isObject(v)) return undefined;
  for (const k of ['name', 'alert', 'record', 'uid', 'refId', 'job_name']) if (typeof v[k] === 'string') return `${k === 'name' ? '' : `${k}=`}${v[k] as string}`;
  return undefined;
};

/** Paths at which `a` and `b` differ; lists of named elements are matched by name. */
export function changedPaths(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  if (a === b) return out;
  if (typeof a === 'string' && typeof b === 'string') {
    const da = embedded(a);
    const db = embedded(b);
    if (da !== undefined && db !== undefined) return changedPaths(da, db, path, out);
    out.push(a.includes('\n') || b.includes('\n') ? `${path || '(value)'} (${lineChange(a, b)})` : path || '(value)');
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const ka = a.map(keyOf);
    const kb = b.map(keyOf);
    const keyed = [...ka, ...kb].every((k) => k !== undefined) && new Set(ka).size === ka.length && new Set(kb).size === kb.length;
    if (keyed) {
      for (const k of kb) if (!ka.includes(k)) out.push(`${path}[${k}] (added)`);
      for (const k of ka) if (!kb.includes(k)) out.push(`${path}[${k}] (removed)`);
      for (let i = 0; i < kb.length; i++) {
        const j = ka.indexOf(kb[i]);
        if (j >= 0) changedPaths(a[j], b[i], `${path}[${kb[i]}]`, out);
      }
      return out;
    }
    alignLists(a, b, path, out);
    return out;
  }
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!(k in a)) out.push(`${path}${segment(k)} (added)`);
      else if (!(k in b)) out.push(`${path}${segment(k)} (removed)`);
      else if (canonical(a[k]) !== canonical(b[k])) changedPaths(a[k], b[k], `${path}${segment(k)}`, out);
    }
    return out;
  }
  if (canonical(a) !== canonical(b)) out.push(path || '(value)');
  return out;
}

const isPlain = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/**
 * An unkeyed list: elements equal on both sides anchor the alignment (longest common
 * subsequence); between anchors, elements are paired in order and compared, and the rest are
 * added or removed. Plain values that come and go are named.
 */
function alignLists(a: unknown[], b: unknown[], path: string, out: string[]): void {
  if (a.length * b.length > 250_000) {
    out.push(`${path} (${a.length} -> ${b.length} items)`);
    return;
  }
  const ca = a.map(canonical);
  const cb = b.map(canonical);
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = ca[i] === cb[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  let i = 0;
  let j = 0;
  const gapA: number[] = [];
  const gapB: number[] = [];
  const flush = (): void => {
    const n = Math.min(gapA.length, gapB.length);
    for (let k = 0; k < n; k++) {
      if (isPlain(a[gapA[k]]) && isPlain(b[gapB[k]])) out.push(`${path}[${gapB[k]}] (${JSON.stringify(a[gapA[k]])} -> ${JSON.stringify(b[gapB[k]])})`);
      else changedPaths(a[gapA[k]], b[gapB[k]], `${path}[${gapB[k]}]`, out);
    }
    for (const k of gapB.slice(n)) out.push(`${path}[${k}] (added${isPlain(b[k]) ? `: ${JSON.stringify(b[k])}` : ''})`);
    for (const k of gapA.slice(n)) out.push(`${path}[${k}] (removed${isPlain(a[k]) ? `: ${JSON.stringify(a[k])}` : ''})`);
    gapA.length = 0;
    gapB.length = 0;
  };
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && ca[i] === cb[j]) {
      flush();
      i++;
      j++;
    } else if (j >= b.length || (i < a.length && lcs[i + 1][j] >= lcs[i][j + 1])) gapA.push(i++);
    else gapB.push(j++);
  }
  flush();
}

export const pathsText = (paths: readonly string[]): string => list(paths.map((p) => code(p.replace(/^\./, ''))), MAX_PATHS);

export function compareObjects(base: EnvironmentArtifacts, head: EnvironmentArtifacts): Finding[] {
  const out: Finding[] = [];
  const index = (items: PlacedObject[]): Map<string, PlacedObject> => new Map(items.map((p) => [objectKey(p), p]));
  const b = index(base.objects);
  const h = index(head.objects);
  const profiles = new Set([...base.objects, ...head.objects].map((p) => p.profile));
  const where = (p: PlacedObject): string => (profiles.size > 1 ? ` (${PROFILE_TITLES[p.profile] ?? p.profile})` : '');
  const keys = [...new Set([...b.keys(), ...h.keys()])].sort();
  for (const k of keys) {
    const x = b.get(k);
    const y = h.get(k);
    if (!x && y) out.push(finding('other', 'Objects', 'info', `${code(objectName(y.object))}${where(y)} added (${y.file}).`));
    else if (x && !y) out.push(finding('other', 'Objects', 'info', `${code(objectName(x.object))}${where(x)} removed (was in ${x.file}).`));
    else if (x && y && canonical(x.object) !== canonical(y.object)) {
      out.push(finding('other', 'Objects', 'info', `${code(objectName(y.object))}${where(y)} changed: ${pathsText(changedPaths(x.object, y.object))}.`));
    }
  }
  // Files that are not object streams and not covered by a section (plain configs, templates, kustomizations).
  const objectFile = (p: string): boolean => /^(k8s|operator)\/.*\.ya?ml$/.test(p) && !p.endsWith('kustomization.yaml');
  for (const p of [...new Set([...base.files.keys(), ...head.files.keys()])].sort()) {
    if (objectFile(p) || coveredBySections(p)) continue;
    const before = base.files.get(p);
    const after = head.files.get(p);
    if (before === after) continue;
    if (before === undefined) out.push(finding('other', 'Files', 'info', `${code(p)} added.`));
    else if (after === undefined) out.push(finding('other', 'Files', 'info', `${code(p)} removed.`));
    else out.push(finding('other', 'Files', 'info', `${code(p)} changed: ${fileChange(p, before, after)}.`));
  }
  return out;
}

/** Field paths for YAML/JSON files, line counts for text. */
export function fileChange(path: string, before: string, after: string): string {
  if (/\.(ya?ml|json)$/.test(path)) {
    try {
      const a = path.endsWith('.json') ? JSON.parse(before) : yamlDocument(before, path);
      const b = path.endsWith('.json') ? JSON.parse(after) : yamlDocument(after, path);
      const paths = changedPaths(a, b);
      if (paths.length > 0) return pathsText(paths);
    } catch {
      // not a single document: fall through to lines
    }
  }
  return lineChange(before, after);
}

/** `3 lines added, 1 removed` (lines as a set: moved lines do not count). */
function lineChange(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const setA = new Set(a);
  const setB = new Set(b);
  const added = b.filter((l) => !setA.has(l)).length;
  const removed = a.filter((l) => !setB.has(l)).length;
  return `${added} line${added === 1 ? '' : 's'} added, ${removed} removed`;
}
