import { backEdges, importsOf, LAYERS, repositoryImports } from './helpers/import-graph.js';
import { REPO_ROOT } from './helpers/dist.js';

describe('layers only point down', () => {
  const edges = repositoryImports(REPO_ROOT);

  it('reads the imports of every layer', () => {
    const tops = new Set(edges.map((e) => e.file.split('/')[0]));
    for (const layer of Object.keys(LAYERS)) expect(tops).toContain(layer);
  });

  it('no source imports a layer above it or a sibling generator', () => {
    expect(backEdges(edges)).toEqual([]);
  });

  it('catches a back-edge, a generator importing a generator, and a chart importing the synth root', () => {
    const fake = [
      ...importsOf('contract/metric-catalog.ts', "import { x } from '../charts/workload.js';"),
      ...importsOf('dashboards/main.ts', "import type { RuleGroup } from '../alert-rules/index.js';"),
      ...importsOf('charts/grafana.ts', "export { y } from '../stacks/synth.js';"),
      ...importsOf('exporters/cli/report.ts', "const m = await import('../../test/local-stack/main.js');"),
      ...importsOf('charts/alloy.ts', "import { METRICS } from '../contract/metric-catalog.js';"),
    ];
    expect(backEdges(fake)).toEqual([
      'contract/metric-catalog.ts -> charts/workload.js',
      'dashboards/main.ts -> alert-rules/index.js',
      'charts/grafana.ts -> stacks/synth.js',
      'exporters/cli/report.ts -> test/local-stack/main.js',
    ]);
  });
});
