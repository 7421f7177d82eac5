/**
 * The layer rule of the repository, as data, and a checker over the import statements of the
 * sources. Layers only point down:
 *
 *   contract/ (names, types, config)  <-  alert-rules/, dashboards/ (generators)  <-  charts/  <-  stacks/ (synth root)
 *   contract/  <-  exporters/ (the runtime services and the app library)
 *
 * Generators never import each other; charts take generated objects as arguments instead of
 * importing their generators; no layer imports test/ or bench/ (which may import anything).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  contract: ['contract'],
  'alert-rules': ['alert-rules', 'contract'],
  dashboards: ['dashboards', 'contract'],
  charts: ['charts', 'contract'],
  stacks: ['stacks', 'charts', 'alert-rules', 'dashboards', 'contract'],
  exporters: ['exporters', 'contract'],
};

export interface ImportEdge {
  file: string;
  target: string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;

/** Relative imports of one source text, resolved to repository paths. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    edges.push({ file, target: join(dirname(file), spec).split('\\').join('/') });
  }
  return edges;
}

const topOf = (path: string): string => path.split('/')[0];

/** Every import that breaks the layer rule, as `file -> target`. */
export function backEdges(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((e) => {
      const allowed = LAYERS[topOf(e.file)];
      return allowed !== undefined && !allowed.includes(topOf(e.target));
    })
    .map((e) => `${e.file} -> ${e.target}`);
}

/** The import edges of every TypeScript source in the layered folders of `root`. */
export function repositoryImports(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) edges.push(...importsOf(relative(root, path).split('\\').join('/'), readFileSync(path, 'utf8')));
    }
  };
  for (const top of Object.keys(LAYERS)) walk(resolve(root, top));
  return edges;
}
