/**
 * The preview's page, without a browser or a Prometheus: panels land where Grafana's grid puts
 * them, collapsed rows stay shut, every page says it is a preview, and the emptiness check tells a
 * panel that shows nothing from one that legitimately cannot (Loki, kubelet-only, day-long bars).
 * The end-to-end suite renders the real pictures from the busy local stack.
 */
import { dirname } from 'node:path';
import { loadConfig } from '../contract/config/index.js';
import { DASHBOARD_UIDS } from '../contract/dashboards.js';
import { buildDashboards } from '../dashboards/index.js';
import { emptyPanels, type PreviewDashboard, type PreviewPanel } from './preview/data.js';
import { GRID, pageHeight, previewHtml } from './preview/html.js';

type Json = Record<string, any>;

const config = loadConfig('production', {});
const uplotDir = dirname(require.resolve('uplot'));

/** A dashboard's top level as the preview sees it, with no data yet. */
function withoutData(uid: string): PreviewDashboard {
  const d = buildDashboards(config).find((x) => x.uid === uid);
  if (!d) throw new Error(uid);
  const panels: PreviewPanel[] = ((d.model.panels ?? []) as Json[]).map((p) => ({
    id: p.id,
    type: p.type,
    title: p.title,
    gridPos: p.gridPos,
    ...(p.type === 'row' && p.collapsed ? { hidden: p.panels.length } : {}),
    fieldConfig: p.fieldConfig ?? {},
    options: p.options ?? {},
    series: [],
    errors: [],
  }));
  return { uid: d.uid, title: d.title, rangeSeconds: 3600, end: 1_700_000_000, variables: { route: '.*' }, panels };
}

describe('preview page', () => {
  it('places every panel on the 24-column grid at 30 px rows, and says it is not Grafana', () => {
    const p = withoutData(DASHBOARD_UIDS.main);
    const html = previewHtml(p, uplotDir);
    expect(html).toContain('Preview, not Grafana');
    const column = GRID.width / GRID.columns;
    for (const x of p.panels.filter((q) => q.type !== 'row')) {
      const style = new RegExp(`id="p${x.id}" style="left:(\\d+(?:\\.\\d+)?)px;top:(\\d+)px;width:(\\d+(?:\\.\\d+)?)px;height:(\\d+)px"`).exec(html);
      expect(style).not.toBeNull();
      expect(style?.slice(1).map(Number)).toEqual([x.gridPos.x * column, x.gridPos.y * GRID.rowHeight, x.gridPos.w * column, x.gridPos.h * GRID.rowHeight]);
    }
    expect(pageHeight(p)).toBe(44 + Math.max(...p.panels.map((x) => x.gridPos.y + x.gridPos.h)) * GRID.rowHeight + 8);
  });

  it('shows collapsed rows shut, with how many panels they hold, as Grafana opens the dashboard', () => {
    const html = previewHtml(withoutData(DASHBOARD_UIDS.performance), uplotDir);
    expect(html).toMatch(/▸ Database details <span class="hidden">\(collapsed: 3 panels\)<\/span>/);
    expect(html).not.toContain('Exporter query duration');
  });

  it('the emptiness check: a panel with no series fails it, unless it cannot have any here', () => {
    const p = withoutData(DASHBOARD_UIDS.main);
    const [a, b, c, d] = p.panels.filter((x) => x.type !== 'row');
    a.series = [{ name: 'x', labels: {}, points: [[1, 1]] }];
    b.note = 'Loki panel: not drawn by the preview';
    c.kubeletOnly = true;
    d.barsLongerThanRange = true;
    const empty = emptyPanels(p);
    for (const x of [a, b, c, d]) expect(empty).not.toContain(`${p.uid} "${x.title}"`);
    expect(empty.length).toBe(p.panels.filter((x) => x.type !== 'row').length - 4);
    expect(emptyPanels(p, { kubelet: true })).toContain(`${p.uid} "${c.title}"`);
    a.series = [{ name: 'x', labels: {}, points: [[1, Number.NaN]] }];
    expect(emptyPanels(p)).toContain(`${p.uid} "${a.title}"`);
  });
});
