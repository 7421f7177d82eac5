/**
 * Renders dashboards to PNG: their data from a running Prometheus (data.ts), laid out and drawn
 * as HTML (html.ts), photographed by headless Chromium (Debian's `chromium`, driven by
 * playwright-core). No network beyond the Prometheus given: uPlot is inlined from node_modules.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { MonitoringConfig } from '../../contract/config/index.js';
import { buildDashboards } from '../../dashboards/index.js';
import { emptyPanels, previewData } from './data.js';
import { GRID, pageHeight, previewHtml } from './html.js';

export const CHROMIUM = process.env.PREVIEW_CHROMIUM ?? '/usr/bin/chromium';
/** Headless, sandbox-free (containers), and nothing that reaches out to Google's services. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface PreviewResult {
  /** PNG (and the HTML it was taken from) per dashboard uid. */
  files: Record<string, { png: string; html: string }>;
  /** Panels that showed nothing (no series and no note why), per dashboard. */
  empty: string[];
}

export async function renderPreviews(opts: { config: MonitoringConfig; prometheusUrl: string; outDir: string; rangeSeconds: number; uids?: string[] }): Promise<PreviewResult> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no headless Chromium at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium (Debian), or set PREVIEW_CHROMIUM to its path`);
  }
  const uplotDir = dirname(require.resolve('uplot'));
  mkdirSync(opts.outDir, { recursive: true });
  const result: PreviewResult = { files: {}, empty: [] };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  try {
    for (const d of buildDashboards(opts.config)) {
      if (opts.uids && !opts.uids.includes(d.uid)) continue;
      const data = await previewData(opts.prometheusUrl, d, opts.rangeSeconds);
      result.empty.push(...emptyPanels(data));
      const html = join(opts.outDir, `${d.uid}.html`);
      const png = join(opts.outDir, `${d.uid}.png`);
      writeFileSync(html, previewHtml(data, uplotDir));
      const page = await browser.newPage({ viewport: { width: GRID.width, height: pageHeight(data) } });
      await page.goto(`file://${html}`);
      await page.waitForSelector('body[data-rendered="1"]', { timeout: 30_000 });
      await page.screenshot({ path: png, fullPage: true });
      await page.close();
      result.files[d.uid] = { png, html };
    }
  } finally {
    await browser.close();
  }
  return result;
}
