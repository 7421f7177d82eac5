import { stringify } from 'yaml';

/** Recursively sorts object keys so output does not depend on construction order. Arrays keep their order. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out as T;
  }
  return value;
}

const YAML_OPTIONS = { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false } as const;

/** One YAML document, keys in the order given (for configs whose key order reads best as written). */
export function toYaml(value: unknown): string {
  return stringify(value, YAML_OPTIONS);
}

/** A multi-document YAML stream with sorted keys (Kubernetes manifests). */
export function toYamlStream(docs: readonly unknown[]): string {
  return docs.map((d) => stringify(sortKeys(d), YAML_OPTIONS)).join('---\n');
}

/** Pretty JSON with a trailing newline (dashboards). */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** A generated text file, by its path relative to the folder it belongs in. */
export interface TextFile {
  name: string;
  text: string;
}
