import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES, loadConfig, type MonitoringConfig } from '../contract/config/index.js';
import { ALERT_NAMES } from '../contract/alerts.js';
import { buildDashboards } from '../dashboards/index.js';
import { COMMON_TAG, DATASOURCE_VARIABLES } from '../dashboards/constants.js';
import { type DashboardArtifact as GrafanaDashboard, DASHBOARD_UIDS, DATASOURCE_UIDS } from '../contract/dashboards.js';
import { dashboardsTree } from './helpers/rendered.js';
import { place, row, cell, GRID_COLUMNS } from '../dashboards/compose.js';
import { statPanel } from '../dashboards/panels.js';
import { panelsOf } from './helpers/dashboard-queries.js';
import { synthesize } from '../stacks/synth.js';
import { DIST } from './helpers/dist.js';

type Json = Record<string, any>;

const configs = ENVIRONMENT_NAMES.map((env) => loadConfig(env, {}));
const production = loadConfig('production', {});
const dashboards = buildDashboards(production);
const byUid = (uid: string): GrafanaDashboard => dashboards.find((d) => d.uid === uid) as GrafanaDashboard;

/** Every panel including rows, flattened. */
function allPanels(d: Json): Json[] {
  const out: Json[] = [];
  const walk = (ps: Json[]): void => {
    for (const p of ps ?? []) {
      out.push(p);
      if (p.type === 'row') walk(p.panels);
    }
  };
  walk(d.panels);
  return out;
}

/** What is on screen at once: the top level (rows included), then each collapsed row's panels. */
function layers(d: Json): Json[][] {
  const top = (d.panels ?? []) as Json[];
  return [top, ...top.filter((p) => p.type === 'row' && p.collapsed).map((r) => r.panels as Json[])];
}

/** Panel types current Grafana renders. graph, singlestat, table-old and the Angular plugins are gone. */
const ALLOWED_TYPES = new Set(['row', 'timeseries', 'stat', 'gauge', 'bargauge', 'table', 'logs', 'state-timeline', 'piechart', 'text']);
const REMOVED_TYPES = ['graph', 'singlestat', 'table-old', 'grafana-piechart-panel', 'grafana-worldmap-panel'];

const EXPECTED_UIDS: Record<string, string> = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'dashboard-uids.json'), 'utf8'));

describe('dashboards: identity', () => {
  it('keeps the checked-in UIDs and titles (update test/fixtures/dashboard-uids.json only on purpose)', () => {
    for (const config of configs) {
      const actual = Object.fromEntries(buildDashboards(config).map((d) => [d.uid, d.title]));
      expect(actual).toEqual(EXPECTED_UIDS);
    }
  });

  it('exposes uid, title and folder consistently with the JSON; UIDs are valid Grafana UIDs', () => {
    for (const d of dashboards) {
      expect(d.model.uid).toBe(d.uid);
      expect(d.model.title).toBe(d.title);
      expect(d.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
      expect(['Immigration AI', 'Immigration AI Business']).toContain(d.folder);
    }
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    expect(new Set(dashboards.map((d) => d.title)).size).toBe(dashboards.length);
  });

  it('covers every dashboard: the guide main dashboard, system, performance, business, errors, agency, logs', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual(Object.values(DASHBOARD_UIDS).sort());
    const main = byUid(DASHBOARD_UIDS.main);
    expect(main.title).toBe('Immigration AI SaaS Monitoring');
    // The monitoring guide's four panels are all on the triage page.
    const titles = allPanels(main.model).map((p) => [p.title, p.type]);
    for (const guide of [['System Health Overview', 'stat'], ['Active Users', 'stat'], ['API Response Times', 'timeseries'], ['Error Rates', 'timeseries']]) expect(titles).toContainEqual(guide);
  });

  it('has tags (the common tag first), a description, a time range, and is read-only (provisioned)', () => {
    for (const { model: json } of dashboards) {
      expect(json.tags?.[0]).toBe(COMMON_TAG);
      expect((json.tags ?? []).length).toBeGreaterThan(1);
      expect(json.description).toBeTruthy();
      expect(json.time).toBeDefined();
      expect(json.editable).toBe(false);
    }
  });
});

describe('dashboards: layout', () => {
  it.each(dashboards.map((d) => [d.uid, d] as const))('%s: unique ids, inside 24 columns, no overlap', (_uid, d) => {
    const panels = allPanels(d.model);
    const ids = panels.map((p) => p.id);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      const g = p.gridPos;
      expect(g).toBeDefined();
      expect(g.x).toBeGreaterThanOrEqual(0);
      expect(g.y).toBeGreaterThanOrEqual(0);
      expect(g.w).toBeGreaterThan(0);
      expect(g.h).toBeGreaterThan(0);
      expect(g.x + g.w).toBeLessThanOrEqual(GRID_COLUMNS);
    }
    // What is on screen at once: the top level (collapsed rows shut), and each collapsed row's panels as they open under it.
    for (const layer of layers(d.model)) {
      for (let i = 0; i < layer.length; i++) {
        for (let j = i + 1; j < layer.length; j++) {
          const a = layer[i].gridPos;
          const b = layer[j].gridPos;
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          if (overlap) throw new Error(`"${layer[i].title}" overlaps "${layer[j].title}"`);
        }
      }
    }
  });

  it('every line of panels fills the 24 columns (no ragged gaps)', () => {
    for (const { uid, model: json } of dashboards) {
      for (const layer of layers(json)) {
        const widthAtY = new Map<number, number>();
        for (const p of layer) widthAtY.set(p.gridPos.y, (widthAtY.get(p.gridPos.y) ?? 0) + p.gridPos.w);
        for (const [y, w] of widthAtY) expect({ uid, y, w }).toEqual({ uid, y, w: GRID_COLUMNS });
      }
    }
  });

  it('expanded rows have their panels after them; a collapsed row holds its panels right under it, and the next row follows it', () => {
    for (const { model: json } of dashboards) {
      const top = (json.panels ?? []) as Json[];
      top.forEach((r, i) => {
        if (r.type !== 'row') return;
        expect(r.gridPos).toMatchObject({ x: 0, w: 24, h: 1 });
        if (!r.collapsed) return expect(r.panels).toEqual([]);
        expect(r.panels.length).toBeGreaterThan(0);
        expect(Math.min(...(r.panels as Json[]).map((p) => p.gridPos.y))).toBe(r.gridPos.y + 1);
        if (i + 1 < top.length) expect(top[i + 1].gridPos.y).toBe(r.gridPos.y + 1);
      });
    }
  });

  it('Performance opens on what alerts link to; database details, storage buckets and processes are collapsed rows', () => {
    const perf = byUid(DASHBOARD_UIDS.performance).model;
    const collapsed = ((perf.panels ?? []) as Json[]).filter((p) => p.type === 'row' && p.collapsed).map((r) => r.title);
    expect(collapsed).toEqual(['Database details', 'Processes', 'Storage buckets']);
    const hidden = ((perf.panels ?? []) as Json[]).filter((p) => p.type === 'row' && p.collapsed).flatMap((r) => r.panels as Json[]);
    expect(hidden.length).toBeGreaterThanOrEqual(9);
  });

  it('the packer wraps a panel that would overflow instead of pushing it past column 24', () => {
    const placed: Json[] = [];
    const p = (): ReturnType<typeof statPanel> => statPanel({ title: 't', description: 'd', unit: 'short', queries: [], noValue: 'n' });
    place([row('r'), cell(p(), 16, 4), cell(p(), 12, 6), cell(p(), 12, 3), row('s'), cell(p(), 24, 2)], {
      panel: (b) => placed.push(b.build()),
      row: (b) => placed.push(b.build()),
    });
    expect(placed.map((x) => [x.id, x.gridPos.x, x.gridPos.y, x.gridPos.w, x.gridPos.h])).toEqual([
      [1, 0, 0, 24, 1],
      [2, 0, 1, 16, 4],
      [3, 0, 5, 12, 6],
      [4, 12, 5, 12, 3],
      [5, 0, 11, 24, 1],
      [6, 0, 12, 24, 2],
    ]);
    expect(() => place([cell(p(), 25, 4)], { panel: () => undefined, row: () => undefined })).toThrow(/does not fit/);
  });
});

describe('dashboards: panels', () => {
  it('uses only panel types current Grafana has (never graph or singlestat)', () => {
    for (const { model: json } of dashboards) {
      for (const p of allPanels(json)) {
        expect(REMOVED_TYPES).not.toContain(p.type);
        expect(ALLOWED_TYPES).toContain(p.type);
      }
    }
  });

  it('every panel and target takes its datasource from a datasource variable of the right type', () => {
    for (const { model: json } of dashboards) {
      const dsVariables = new Map<string, string>(
        (json.templating?.list ?? []).filter((v: Json) => v.type === 'datasource').map((v: Json) => [v.name, v.query]),
      );
      expect(dsVariables.size).toBeGreaterThan(0);
      for (const p of panelsOf(json)) {
        const refs = [p.datasource, ...((p.targets as Json[]) ?? []).map((t) => t.datasource)];
        expect(((p.targets as Json[]) ?? []).length).toBeGreaterThan(0);
        for (const ref of refs as Json[]) {
          const m = /^\$\{(\w+)\}$/.exec(ref?.uid ?? '');
          if (!m) throw new Error(`${json.uid} "${p.title}": datasource ${JSON.stringify(ref)} is not a variable`);
          expect(dsVariables.get(m[1])).toBe(ref.type);
        }
      }
      for (const a of json.annotations?.list ?? []) expect(a.datasource).toEqual({ type: 'prometheus', uid: `\${${DATASOURCE_VARIABLES.prometheus}}` });
    }
  });

  it('datasource variables default to the provisioned datasource UIDs', () => {
    for (const { model: json } of dashboards) {
      for (const v of (json.templating?.list ?? []).filter((x: Json) => x.type === 'datasource') as Json[]) {
        const kind = v.name === DATASOURCE_VARIABLES.prometheus ? 'prometheus' : v.name === DATASOURCE_VARIABLES.loki ? 'loki' : undefined;
        expect(kind).toBeDefined();
        expect(v.query).toBe(kind);
        expect(v.current.value).toBe(DATASOURCE_UIDS[kind as 'prometheus' | 'loki']);
      }
    }
  });

  it('every panel has a title, a description and a unit (logs panels show lines, not numbers)', () => {
    for (const { model: json } of dashboards) {
      for (const p of panelsOf(json)) {
        expect(p.title).toBeTruthy();
        expect(p.description).toBeTruthy();
        if (p.type === 'logs') continue;
        if (!(p.fieldConfig as Json | undefined)?.defaults?.unit) throw new Error(`${json.uid} "${p.title}" has no unit`);
      }
    }
  });

  it('targets have unique refIds within a panel', () => {
    for (const { model: json } of dashboards) {
      for (const p of panelsOf(json)) {
        const refIds = (p.targets as Json[]).map((t) => t.refId);
        expect(refIds.every((r) => typeof r === 'string' && r !== '')).toBe(true);
        expect(new Set(refIds).size).toBe(refIds.length);
      }
    }
  });
});

describe('dashboards: what on-call sees', () => {
  /** Grafana's grid rows are 30 px: 24 rows and the header fill a 1080p screen. */
  const FOLD_ROWS = 24;

  it('the triage page answers "is it OK, and what is broken" above the 1080p fold: alerts, health, scrape status, availability, then Rate | Errors | Duration', () => {
    const main = allPanels(byUid(DASHBOARD_UIDS.main).model);
    const at = (title: string): Json => {
      const p = main.find((x) => x.title === title);
      if (!p) throw new Error(`no "${title}" on the main dashboard`);
      return p;
    };
    const firstScreen = ['Firing alerts', 'Alerts firing now', 'System Health Overview', 'Scrape targets', 'Availability', 'Request rate', 'Error Rates', 'API Response Times'];
    for (const title of firstScreen) expect({ title, bottom: at(title).gridPos.y + at(title).gridPos.h <= FOLD_ROWS }).toEqual({ title, bottom: true });
    // Status before detail, and Rate | Errors | Duration side by side, in that order.
    const red = ['Request rate', 'Error Rates', 'API Response Times'].map((t) => at(t).gridPos);
    expect(new Set(red.map((g) => g.y)).size).toBe(1);
    expect(red.map((g) => g.x)).toEqual([...red.map((g) => g.x)].sort((a, b) => a - b));
    expect(at('Firing alerts').gridPos.y).toBeLessThan(red[0].y);
    // The System Overview's current alerts are on its first screen too.
    const system = allPanels(byUid(DASHBOARD_UIDS.system).model);
    for (const title of ['Firing alerts', 'Alerts firing now']) {
      const p = system.find((x) => x.title === title) as Json;
      expect(p.gridPos.y + p.gridPos.h).toBeLessThanOrEqual(FOLD_ROWS);
    }
  });

  it('firing alerts are coloured by severity: critical red, warning orange', () => {
    const p = allPanels(byUid(DASHBOARD_UIDS.main).model).find((x) => x.title === 'Firing alerts') as Json;
    const colorOf = (legend: string): string => {
      const refId = (p.targets as Json[]).find((t) => t.legendFormat === legend)?.refId;
      const override = (p.fieldConfig.overrides as Json[]).find((o) => new RegExp(o.matcher.options).test(legend));
      const steps = (override?.properties.find((x: Json) => x.id === 'thresholds')?.value.steps ?? p.fieldConfig.defaults.thresholds.steps) as Json[];
      expect(refId).toBeDefined();
      return steps[steps.length - 1].color;
    };
    expect(colorOf('critical')).toBe('red');
    expect(colorOf('warning')).toBe('orange');
    const table = allPanels(byUid(DASHBOARD_UIDS.main).model).find((x) => x.title === 'Alerts firing now') as Json;
    expect(table.fieldConfig.defaults.mappings[0].options).toMatchObject({ critical: { color: 'red' }, warning: { color: 'orange' } });
  });

  it('every stat and table says what empty means (noValue, and NaN mapped to the same words)', () => {
    let checked = 0;
    for (const config of configs) {
      for (const { uid, model } of buildDashboards(config)) {
        for (const p of panelsOf(model).filter((x) => x.type === 'stat' || x.type === 'table')) {
          const d = (p.fieldConfig as Json).defaults;
          const where = `${uid} "${p.title}"`;
          expect({ where, noValue: typeof d.noValue === 'string' && d.noValue.length > 5 }).toEqual({ where, noValue: true });
          const nan = (d.mappings as Json[] | undefined)?.find((m) => m.type === 'special' && m.options.match === 'null+nan');
          expect({ where, nan: nan?.options.result.text }).toEqual({ where, nan: d.noValue });
          expect(String(d.noValue)).not.toMatch(/^no data$/i);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('4xx and 5xx are never stacked, and 5xx is red, 4xx orange', () => {
    for (const { uid, model } of dashboards) {
      for (const p of panelsOf(model)) {
        const exprs = ((p.targets as Json[]) ?? []).map((t) => String(t.expr ?? ''));
        if (!exprs.some((e) => /status_code=~"[^"]*4/.test(e))) continue;
        const where = `${uid} "${p.title}"`;
        expect({ where, stacking: (p.fieldConfig as Json).defaults.custom?.stacking?.mode ?? 'none' }).toEqual({ where, stacking: 'none' });
        const colors = Object.fromEntries(((p.fieldConfig as Json).overrides as Json[]).map((o) => [o.matcher.options, o.properties[0].value.fixedColor]));
        expect({ where, colors }).toEqual({ where, colors: { '^5..$': 'red', '^4..$': 'orange' } });
      }
    }
  });

  it('the error budget covers the 30 days the burn-rate alerts assume, whatever the dashboard\'s range', () => {
    const p = allPanels(byUid(DASHBOARD_UIDS.system).model).find((x) => String(x.title).startsWith('Error budget remaining')) as Json;
    expect(p.timeFrom).toBe('30d');
    expect(p.targets[0].expr).toContain('[$__range]');
  });

  it('no panel titled "Latency" shows something else: the latency SLI says what it is', () => {
    for (const { model } of dashboards) for (const p of panelsOf(model)) expect(p.title).not.toBe('Latency');
  });

  it('dashboards over days do not refresh every minute', () => {
    for (const { model } of dashboards) {
      if (!/^now-\d+d$/.test(String(model.time?.from))) continue;
      expect({ uid: model.uid, refresh: model.refresh }).toEqual({ uid: model.uid, refresh: '15m' });
    }
  });

  it('time series legends are tables with mean, max and last, worst first', () => {
    for (const { model } of dashboards) {
      for (const p of panelsOf(model).filter((x) => x.type === 'timeseries')) {
        expect((p.options as Json).legend).toMatchObject({ displayMode: 'table', calcs: ['mean', 'max', 'lastNotNull'], sortBy: 'Max', sortDesc: true });
      }
    }
  });
});

describe('dashboards: links', () => {
  const links = (config: MonitoringConfig): { uid: string; title: string; url: string }[] =>
    buildDashboards(config).flatMap((d) => panelsOf(d.model).flatMap((p) => ((p.links as Json[]) ?? []).map((l) => ({ uid: d.uid, title: p.title as string, url: l.url as string }))));

  it('every panel link is a runbook of a contract alert (absolute) or another dashboard (relative, keeping time range and variables)', () => {
    const uids: string[] = Object.values(DASHBOARD_UIDS);
    const all = links(production);
    expect(all.length).toBeGreaterThan(30);
    for (const { uid, title, url } of all) {
      const runbook = url.startsWith(`${production.links.runbookBaseUrl}/`) ? /\/([A-Za-z]+)\.md$/.exec(url) : null;
      const dash = /^\/d\/([a-z0-9-]+)\?(.*)$/.exec(url);
      if (runbook) expect(ALERT_NAMES).toContain(runbook[1]);
      else if (dash) {
        expect(uids).toContain(dash[1]);
        expect(dash[1]).not.toBe(uid);
        expect(dash[2].split('&').sort()).toEqual(['${__all_variables}', '${__url_time_range}']);
      } else throw new Error(`${uid} "${title}": link ${url} is neither a runbook nor a relative dashboard link`);
    }
    expect(all.some((l) => l.url.includes(production.links.grafanaUrl))).toBe(false);
  });

  it('dashboard links open in the same tab, runbooks in a new one; the dashboards dropdown keeps time and variables', () => {
    for (const { model } of dashboards) {
      for (const p of panelsOf(model)) {
        for (const l of (p.links as Json[]) ?? []) expect({ url: l.url, targetBlank: l.targetBlank }).toEqual({ url: l.url, targetBlank: !String(l.url).startsWith('/') });
      }
      const dropdown = (model.links ?? []).find((l) => l.type === 'dashboards');
      expect(dropdown).toMatchObject({ keepTime: true, includeVars: true, targetBlank: false });
    }
  });

  it('data links drill down: route -> Performance on that route, agency -> Agency Performance, alert name -> runbook', () => {
    const dataLinks = dashboards.flatMap((d) => panelsOf(d.model).flatMap((p) => (((p.fieldConfig as Json)?.defaults?.links as Json[]) ?? []).map((l) => ({ uid: d.uid, title: p.title as string, url: l.url as string }))));
    const of = (title: string, uid: string) => dataLinks.filter((l) => l.title === title && l.uid === uid).map((l) => l.url);
    expect(of('Error Rates', DASHBOARD_UIDS.main)[0]).toMatch(/^\/d\/immigration-ai-performance\?var-route=\$\{__field\.labels\.route:percentencode\}/);
    expect(of('Client satisfaction by agency (lowest 10)', DASHBOARD_UIDS.business)[0]).toMatch(/^\/d\/immigration-ai-agency-performance\?var-agency=\$\{__field\.labels\.agency_id:percentencode\}/);
    expect(of('Alerts firing now', DASHBOARD_UIDS.main)).toEqual([`${production.links.runbookBaseUrl}/\${__data.fields.alertname}.md`]);
    for (const l of dataLinks) expect(l.url.startsWith('/d/') || l.url.startsWith(`${production.links.runbookBaseUrl}/`)).toBe(true);
  });

  it('panels mirroring an alert link its runbook', () => {
    const all = links(production);
    const runbooksOf = (title: string): string[] => all.filter((l) => l.title === title).map((l) => l.url.split('/').pop() as string);
    expect(runbooksOf('Error Rates')).toContain('ImmigrationAiEndpointErrorRateHigh.md');
    expect(runbooksOf('API Response Times')).toContain('ImmigrationAiApiSlow.md');
    expect(runbooksOf('CPU usage')).toContain('ImmigrationAiHighCpuUsage.md');
    expect(runbooksOf('Memory usage')).toContain('ImmigrationAiHighMemoryUsage.md');
    expect(runbooksOf('Disk usage per mountpoint')).toContain('ImmigrationAiDiskAlmostFull.md');
    expect(runbooksOf('Database response time')).toContain('ImmigrationAiDatabaseSlow.md');
    expect(runbooksOf('Unauthorized attempts by reason')).toContain('ImmigrationAiUnauthorizedAccessSpike.md');
  });

  it('follows the configured runbook URL, and no Grafana address is written into a dashboard', () => {
    const custom = loadConfig('dev', {});
    custom.links = { runbookBaseUrl: 'https://runbooks.example.test/rb', grafanaUrl: 'https://g.example.test' };
    const urls = links(custom).map((l) => l.url);
    expect(urls).toContain('https://runbooks.example.test/rb/ImmigrationAiApiSlow.md');
    expect(urls.some((u) => u.startsWith('/d/immigration-ai-performance?'))).toBe(true);
    expect(urls.every((u) => u.startsWith('https://runbooks.example.test/rb/') || u.startsWith('/d/'))).toBe(true);
    for (const d of buildDashboards(custom)) expect(JSON.stringify(d.model)).not.toContain('g.example.test');
  });
});

describe('dashboards: thresholds follow the alerting config', () => {
  const steps = (config: MonitoringConfig, uid: string, title: string): (number | null)[] => {
    const p = panelsOf(buildDashboards(config).find((d) => d.uid === uid)?.model).find((x) => x.title === title);
    if (!p) throw new Error(`no panel ${title} in ${uid}`);
    return (p.fieldConfig as Json).defaults.thresholds.steps.map((s: Json) => s.value);
  };

  it('defaults: panels turn orange/red exactly at the alert thresholds', () => {
    const { warning, critical } = production.alerting.thresholds;
    expect(steps(production, DASHBOARD_UIDS.main, 'Error Rates')).toEqual([null, warning.errorRateRatio, critical.errorRateRatio]);
    expect(steps(production, DASHBOARD_UIDS.main, 'API Response Times')).toEqual([null, warning.apiResponseSeconds]);
    expect(steps(production, DASHBOARD_UIDS.performance, 'CPU usage')).toEqual([null, warning.cpuUsageRatio, critical.cpuUsageRatio]);
    expect(steps(production, DASHBOARD_UIDS.performance, 'Memory')).toEqual([null, warning.memoryUsageRatio, critical.memoryUsageRatio]);
    expect(steps(production, DASHBOARD_UIDS.performance, 'Disk usage per mountpoint')).toEqual([null, warning.diskUsageRatio, critical.diskUsageRatio]);
    expect(steps(production, DASHBOARD_UIDS.performance, 'Database response time')).toEqual([null, warning.databaseResponseSeconds]);
    expect(steps(production, DASHBOARD_UIDS.errors, 'Unauthorized attempts by reason')).toEqual([null, critical.unauthorizedAttemptsPerSecond]);
    expect(steps(production, DASHBOARD_UIDS.system, 'Last verified backup')).toEqual([null, production.alerting.backupMaxAgeHours * 3600]);
  });

  it('changing a threshold in the config moves the panel threshold and the log query with it', () => {
    const custom = loadConfig('production', {});
    custom.alerting.thresholds.warning.cpuUsageRatio = 0.7;
    custom.alerting.thresholds.critical.errorRateRatio = 0.2;
    custom.alerting.thresholds.warning.databaseResponseSeconds = 0.5;
    custom.alerting.thresholds.warning.memoryUsageRatio = 0.7;
    expect(steps(custom, DASHBOARD_UIDS.performance, 'CPU usage')).toEqual([null, 0.7, custom.alerting.thresholds.critical.cpuUsageRatio]);
    expect(steps(custom, DASHBOARD_UIDS.errors, 'Error ratio per endpoint')).toEqual([null, custom.alerting.thresholds.warning.errorRateRatio, 0.2]);
    const logs = JSON.stringify(buildDashboards(custom).find((d) => d.uid === DASHBOARD_UIDS.logs)?.model);
    expect(logs).toContain('response_time > 500');
    expect(logs).toContain('memory_usage > 70');
    expect(logs).not.toContain('memory_usage > 70.0');
  });
});

describe('dashboards: output', () => {
  it('renders one file per dashboard under grafana/dashboards/<uid>.json, far below the 256 KiB ConfigMap annotation limit', () => {
    const sizes: string[] = [];
    for (const config of configs) {
      const tree = dashboardsTree(config);
      expect(tree.paths()).toEqual(Object.keys(EXPECTED_UIDS).map((u) => `grafana/dashboards/${u}.json`).sort());
      for (const [path, content] of tree.entries()) {
        const bytes = Buffer.byteLength(content);
        // kubectl's client-side apply copies the ConfigMap into an annotation as a JSON string: the
        // escaped text is what counts against the 256 KiB limit. Keep it under half of that.
        const escaped = Buffer.byteLength(JSON.stringify(content));
        expect(escaped).toBeLessThan(128 * 1024);
        expect(JSON.parse(content).uid).toBe(path.replace(/^grafana\/dashboards\/|\.json$/g, ''));
        if (config.environment === 'production') sizes.push(`${path.padEnd(58)} ${(bytes / 1024).toFixed(1)} KiB (${(escaped / 1024).toFixed(1)} KiB escaped)`);
      }
    }
    console.info(`dashboard sizes (production):\n${sizes.join('\n')}`);
  });

  it('is deterministic: two builds give byte-identical files', () => {
    expect(dashboardsTree(production).entries()).toEqual(dashboardsTree(loadConfig('production', {})).entries());
  });

  it('is written to dist/<env>/grafana/dashboards and skipped when monitoring is disabled', () => {
    for (const env of ENVIRONMENT_NAMES) {
      for (const uid of Object.keys(EXPECTED_UIDS)) {
        expect(JSON.parse(readFileSync(join(DIST, env, 'grafana', 'dashboards', `${uid}.json`), 'utf8')).uid).toBe(uid);
      }
    }
    expect(synthesize(['dev'], {}).paths().filter((p) => p.startsWith('dev/grafana/'))).toHaveLength(7);
    expect(synthesize(['dev'], { MONITORING_ENABLED: 'false' }).paths().filter((p) => p.startsWith('dev/grafana/'))).toEqual([]);
  });

  it('contains no secret references or personal data from the config', () => {
    for (const [, content] of dashboardsTree(production).entries()) {
      for (const email of [...production.channels.email.to, ...production.security.adminUsers]) expect(content).not.toContain(email);
      expect(content).not.toMatch(/password|webhook/i);
    }
  });
});
