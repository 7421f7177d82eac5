/**
 * One HTML page per dashboard: panels laid out on Grafana's 24-column grid (30 px rows), time
 * series drawn with uPlot (the charting library Grafana itself uses), stats, gauges and tables
 * coloured by the panel's own thresholds and value mappings, `noValue` where a query returns
 * nothing. A preview for reviewers, not Grafana: every picture says so.
 */
import { readFileSync } from 'node:fs';
import type { PreviewDashboard } from './data.js';

/** Grafana's grid: 24 columns, 30 px rows (its margins left out). */
export const GRID = { columns: 24, rowHeight: 30, width: 1920 } as const;

const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

/** Grafana's palette names to colours (dark theme). */
const COLORS = { green: '#73bf69', orange: '#ff9830', red: '#f2495c', blue: '#5794f2', text: '#ccccdc', purple: '#b877d9', yellow: '#fade2a' };

/** The in-page renderer: plain JavaScript, run by Chromium. */
const RENDER = String.raw`
const COLORS = __COLORS__;
const PALETTE = ['#7eb26d', '#eab839', '#6ed0e0', '#ef843c', '#e24d42', '#1f78c1', '#ba43a9', '#705da0', '#508642', '#cca300'];
const col = (c) => COLORS[c] || c || COLORS.text;
function fmt(v, unit, decimals) {
  if (v === null || v === undefined || Number.isNaN(v)) return 'NaN';
  const d = (x, n) => (decimals !== undefined ? x.toFixed(decimals) : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(n));
  switch (unit) {
    case 'percentunit': return d(v * 100, 1) + '%';
    case 's': return v >= 86400 ? d(v / 86400, 1) + ' d' : v >= 3600 ? d(v / 3600, 1) + ' h' : v >= 60 ? d(v / 60, 1) + ' min' : v >= 1 ? d(v, 2) + ' s' : d(v * 1000, 0) + ' ms';
    case 'dtdurations': return v >= 86400 ? (v / 86400).toFixed(1) + ' days' : v >= 3600 ? (v / 3600).toFixed(1) + ' hours' : (v / 60).toFixed(0) + ' minutes';
    case 'bytes': { const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB']; let i = 0; while (Math.abs(v) >= 1024 && i < 4) { v /= 1024; i++; } return d(v, 1) + ' ' + u[i]; }
    case 'reqps': return d(v, 2) + ' req/s';
    case 'x': return d(v, 1) + 'x';
    default:
      if (unit && unit.startsWith('suffix:')) return d(v, 1) + unit.slice(7);
      return d(v, 2).replace(/\.00$/, '');
  }
}
function stepColor(v, steps) {
  let c = steps && steps.length ? steps[0].color : 'text';
  for (const s of steps || []) if (s.value !== null && v >= s.value) c = s.color;
  return col(c);
}
function mapped(v, mappings) {
  for (const m of mappings || []) {
    if (m.type === 'value' && m.options[String(v)]) return m.options[String(v)];
    if (m.type === 'special' && Number.isNaN(v) && m.options.match === 'null+nan') return m.options.result;
  }
  return undefined;
}
function overrideFor(fc, name, id) {
  for (const o of fc.overrides || []) {
    const ok = (o.matcher.id === 'byRegexp' && new RegExp(o.matcher.options).test(name)) || (o.matcher.id === 'byName' && o.matcher.options === name);
    if (!ok) continue;
    const p = o.properties.find((x) => x.id === id);
    if (p) return p.value;
  }
  return undefined;
}
function display(v, name, fc) {
  const d = fc.defaults || {};
  const steps = (overrideFor(fc, name, 'thresholds') || d.thresholds || {}).steps;
  const m = mapped(v, d.mappings);
  const text = m && m.text !== undefined ? m.text : fmt(v, d.unit, d.decimals);
  const color = m && m.color ? col(m.color) : stepColor(v, steps);
  return { text, color };
}
function empty(el, p) { el.innerHTML = '<div class="novalue">' + esc((p.fieldConfig.defaults || {}).noValue || 'No data') + '</div>'; }
const esc = (s) => String(s).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
const last = (s) => { for (let i = s.points.length - 1; i >= 0; i--) if (!Number.isNaN(s.points[i][1])) return s.points[i][1]; return NaN; };

function statLike(el, p) {
  const bg = (p.options.colorMode || '') === 'background';
  el.innerHTML = '';
  el.className += ' tiles';
  for (const s of p.series) {
    const v = last(s); const r = display(v, s.name, p.fieldConfig);
    const t = document.createElement('div'); t.className = 'tile';
    if (bg) t.style.background = r.color; else t.style.color = r.color;
    t.innerHTML = (p.series.length > 1 ? '<div class="tname">' + esc(s.name) + '</div>' : '') + '<div class="tval">' + esc(r.text) + '</div>';
    el.appendChild(t);
  }
}
function bars(el, p) {
  const d = p.fieldConfig.defaults || {}; const min = d.min ?? 0; const max = d.max ?? Math.max(...p.series.map(last), 1);
  el.innerHTML = p.series.map((s) => { const v = last(s); const r = display(v, s.name, p.fieldConfig); const w = Math.max(0, Math.min(1, (v - min) / (max - min || 1))) * 100;
    return '<div class="bar"><span class="bname">' + esc(s.name) + '</span><span class="btrack"><span class="bfill" style="width:' + w + '%;background:' + r.color + '"></span></span><span class="bval" style="color:' + r.color + '">' + esc(r.text) + '</span></div>'; }).join('');
}
function table(el, p) {
  const hide = new Set(Object.keys((((p.transformations || [])[0] || {}).options || {}).excludeByName || {}).concat(['__name__', 'Time']));
  const cols = [...new Set(p.series.flatMap((s) => Object.keys(s.labels)))].filter((c) => !hide.has(c));
  const rows = p.series.map((s) => ({ s, v: last(s) })).sort((a, b) => b.v - a.v);
  el.innerHTML = '<table><tr>' + cols.map((c) => '<th>' + esc(c) + '</th>').join('') + '<th>Value</th></tr>' + rows.map(({ s, v }) => '<tr>' + cols.map((c) => { const m = mapped(s.labels[c], (p.fieldConfig.defaults || {}).mappings); return '<td' + (m && m.color ? ' style="color:' + col(m.color) + '"' : '') + '>' + esc(s.labels[c] ?? '') + '</td>'; }).join('') + '<td>' + esc(display(v, 'Value', p.fieldConfig).text) + '</td></tr>').join('') + '</table>';
}
function series(el, p, w, h) {
  const fc = p.fieldConfig; const d = fc.defaults || {}; const custom = d.custom || {};
  const times = [...new Set(p.series.flatMap((s) => s.points.map((x) => x[0])))].sort((a, b) => a - b);
  const idx = new Map(times.map((t, i) => [t, i]));
  const data = [times, ...p.series.map((s) => { const a = new Array(times.length).fill(null); for (const [t, v] of s.points) a[idx.get(t)] = Number.isNaN(v) ? null : v; return a; })];
  const barsMode = custom.drawStyle === 'bars';
  const steps = ((d.thresholds || {}).steps || []).filter((s) => s.value !== null);
  const dashed = (custom.thresholdsStyle || {}).mode === 'dashed';
  const legendRows = Math.min(p.series.length, 4);
  const opts = {
    width: w, height: Math.max(60, h - 18 - legendRows * 15), legend: { show: false }, cursor: { show: false },
    scales: { x: { time: true }, y: { range: (u, lo, hi) => [d.min ?? Math.min(lo, 0), Math.max(hi, d.max ?? hi, dashed && steps.length ? steps[0].value * 1.1 : hi) || 1] } },
    axes: [{ stroke: '#ccccdc', grid: { stroke: '#2c3235' }, ticks: { stroke: '#2c3235' } }, { stroke: '#ccccdc', size: 70, grid: { stroke: '#2c3235' }, ticks: { stroke: '#2c3235' }, values: (u, vals) => vals.map((v) => fmt(v, d.unit, undefined)) }],
    series: [{}, ...p.series.map((s, i) => { const c = (overrideFor(fc, s.name, 'color') || {}).fixedColor; const stroke = c ? col(c) : PALETTE[i % PALETTE.length];
      return { label: s.name, stroke, width: 1.5, fill: barsMode ? stroke + '99' : stroke + '1a', paths: barsMode ? uPlot.paths.bars({ size: [0.6, 40] }) : undefined, points: { show: times.length < 3 } }; })],
    hooks: { draw: [(u) => { if (!dashed) return; const ctx = u.ctx; ctx.save(); ctx.setLineDash([6, 4]); ctx.lineWidth = 1.5;
      for (const s of steps) { const y = u.valToPos(s.value, 'y', true); if (y < u.bbox.top || y > u.bbox.top + u.bbox.height) continue; ctx.strokeStyle = col(s.color); ctx.beginPath(); ctx.moveTo(u.bbox.left, y); ctx.lineTo(u.bbox.left + u.bbox.width, y); ctx.stroke(); } ctx.restore(); }] },
  };
  el.innerHTML = '';
  new uPlot(opts, data, el);
  const lg = document.createElement('div'); lg.className = 'legend';
  const ranked = p.series.map((s, i) => ({ s, i, max: Math.max(...s.points.map((x) => x[1]).filter((v) => !Number.isNaN(v))) })).sort((a, b) => b.max - a.max);
  lg.innerHTML = ranked.slice(0, legendRows).map(({ s, i, max }) => { const c = (overrideFor(fc, s.name, 'color') || {}).fixedColor; return '<div><span class="sw" style="background:' + (c ? col(c) : PALETTE[i % PALETTE.length]) + '"></span>' + esc(s.name) + ' <b>max ' + esc(fmt(max, d.unit, d.decimals)) + '</b> <b>last ' + esc(fmt(last(s), d.unit, d.decimals)) + '</b></div>'; }).join('') + (p.series.length > legendRows ? '<div>+' + (p.series.length - legendRows) + ' more</div>' : '');
  el.appendChild(lg);
}
for (const p of PREVIEW.panels) {
  const el = document.getElementById('p' + p.id); if (!el || p.type === 'row') continue;
  const body = el.querySelector('.body');
  if (p.note) { body.innerHTML = '<div class="note">' + esc(p.note) + '</div>'; continue; }
  if (p.errors.length) { body.innerHTML = '<div class="error">' + esc(p.errors.join('; ')) + '</div>'; continue; }
  const hasData = p.series.some((s) => s.points.some((x) => !Number.isNaN(x[1])));
  if (!hasData && !(p.type === 'stat' && p.series.length)) { empty(body, p); continue; }
  if (p.type === 'stat') statLike(body, p);
  else if (p.type === 'gauge' || p.type === 'bargauge') bars(body, p);
  else if (p.type === 'table') table(body, p);
  else series(body, p, body.clientWidth, body.clientHeight);
}
document.body.setAttribute('data-rendered', '1');
`;

const CSS = `
body { margin: 0; background: #111217; color: #ccccdc; font: 12px Inter, Helvetica, Arial, sans-serif; width: ${GRID.width}px; }
header { height: 44px; display: flex; align-items: center; gap: 16px; padding: 0 12px; border-bottom: 1px solid #2c3235; }
header h1 { font-size: 16px; margin: 0; font-weight: 500; }
header .vars { color: #8e8e8e; }
.banner { margin-left: auto; background: #ff9830; color: #111217; font-weight: 700; padding: 4px 10px; border-radius: 3px; }
.grid { position: relative; }
.panel { position: absolute; box-sizing: border-box; padding: 4px; }
.frame { background: #181b1f; border: 1px solid #2c3235; border-radius: 2px; height: 100%; box-sizing: border-box; display: flex; flex-direction: column; overflow: hidden; }
.title { padding: 4px 8px; font-weight: 500; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.body { flex: 1; position: relative; overflow: hidden; padding: 0 6px 4px; }
.row { position: absolute; left: 0; right: 0; font-size: 14px; font-weight: 500; padding: 6px 10px; box-sizing: border-box; border-bottom: 1px solid #2c3235; }
.row .hidden { color: #8e8e8e; font-size: 12px; font-weight: 400; }
.tiles { display: flex; gap: 4px; }
.tile { flex: 1; display: flex; flex-direction: column; justify-content: center; align-items: center; border-radius: 2px; color: #fff; min-width: 0; }
.tname { font-size: 12px; opacity: .9; } .tval { font-size: 26px; font-weight: 500; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 100%; }
.novalue, .note, .error { display: flex; height: 100%; align-items: center; justify-content: center; text-align: center; color: #8e8e8e; font-size: 14px; padding: 0 8px; }
.error { color: #f2495c; }
.bar { display: flex; align-items: center; gap: 6px; height: 20px; } .bname { width: 35%; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.btrack { flex: 1; height: 12px; background: #22252b; } .bfill { display: block; height: 100%; } .bval { width: 70px; text-align: right; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 2px 6px; border-bottom: 1px solid #2c3235; }
.legend { font-size: 11px; line-height: 15px; white-space: nowrap; overflow: hidden; } .legend b { font-weight: 400; color: #8e8e8e; margin-left: 6px; }
.sw { display: inline-block; width: 10px; height: 3px; margin-right: 4px; vertical-align: middle; }
`;

/** Height in pixels of the dashboard as it opens (collapsed rows shut). */
export function pageHeight(p: PreviewDashboard): number {
  return 44 + Math.max(...p.panels.map((x) => x.gridPos.y + x.gridPos.h)) * GRID.rowHeight + 8;
}

export function previewHtml(p: PreviewDashboard, uplotDir: string): string {
  const col = GRID.width / GRID.columns;
  const boxes = p.panels
    .map((x) => {
      const top = x.gridPos.y * GRID.rowHeight;
      if (x.type === 'row') {
        const hidden = x.hidden !== undefined ? ` <span class="hidden">(collapsed: ${x.hidden} panels)</span>` : '';
        return `<div class="row" style="top:${top}px">${x.hidden !== undefined ? '▸' : '▾'} ${escapeHtml(x.title)}${hidden}</div>`;
      }
      const style = `left:${x.gridPos.x * col}px;top:${top}px;width:${x.gridPos.w * col}px;height:${x.gridPos.h * GRID.rowHeight}px`;
      return `<div class="panel" id="p${x.id}" style="${style}"><div class="frame"><div class="title">${escapeHtml(x.title)}</div><div class="body"></div></div></div>`;
    })
    .join('\n');
  const vars = Object.entries(p.variables).filter(([k]) => !k.includes('datasource')).map(([k, v]) => `${k}=${v}`).join('  ');
  const hours = p.rangeSeconds >= 3600 ? `${(p.rangeSeconds / 3600).toFixed(1)} h` : `${Math.round(p.rangeSeconds / 60)} min`;
  const uplotJs = readFileSync(`${uplotDir}/uPlot.iife.min.js`, 'utf8');
  const uplotCss = readFileSync(`${uplotDir}/uPlot.min.css`, 'utf8');
  return `<!doctype html><html><head><meta charset="utf-8"><style>${uplotCss}${CSS}</style><script>${uplotJs}</script></head><body>
<header><h1>${escapeHtml(p.title)}</h1><span class="vars">last ${hours} · ${escapeHtml(vars)}</span><span class="banner">Preview, not Grafana</span></header>
<div class="grid" style="height:${pageHeight(p) - 52}px">${boxes}</div>
<script>const PREVIEW = ${JSON.stringify(p).replace(/</g, '\\u003c')};${RENDER.replace('__COLORS__', JSON.stringify(COLORS))}</script>
</body></html>`;
}
