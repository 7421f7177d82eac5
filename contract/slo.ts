/**
 * The SLO recording rules and burn-rate windows the SLO alerts use and the dashboards draw: named
 * once here (alert-rules/slo.ts records and alerts on them, dashboards/ plots them), so a burn-rate
 * panel reads exactly the series and factors its alert compares.
 */
import { SCRAPE_JOBS } from './metric-catalog.js';
import { selector } from './promql.js';
import type { Severity } from './rules.js';

/**
 * Multi-window, multi-burn-rate pairs (Google SRE workbook, ch. 5; as Sloth and Pyrra generate
 * them). A pair fires when both its long and its short window burn the error budget faster than
 * `factor` times the sustainable rate.
 */
export interface BurnWindow {
  long: string;
  short: string;
  factor: number;
  severity: Extract<Severity, 'critical' | 'warning'>;
}

export const BURN_WINDOWS: readonly BurnWindow[] = [
  { long: '1h', short: '5m', factor: 14.4, severity: 'critical' }, // 2% of a 30-day budget in 1 hour
  { long: '6h', short: '30m', factor: 6, severity: 'critical' }, // 5% in 6 hours
  { long: '1d', short: '2h', factor: 3, severity: 'warning' }, // 10% in 1 day
  { long: '3d', short: '6h', factor: 1, severity: 'warning' }, // 10% in 3 days
];

/** Every window a burn-rate alert reads, each recorded once. */
export const SLO_WINDOWS: readonly string[] = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

/** The period the objectives are set over: the burn factors assume a 30-day error budget. */
export const SLO_PERIOD = '30d';

/** The recorded error ratio of each SLO, per window: `<prefix><window>`, aggregated by job. */
export const SLO_ERROR_RATIO = {
  availability: 'job:immigration_ai_http_errors:ratio_rate',
  latency: 'job:immigration_ai_http_slow_requests:ratio_rate',
} as const;

export type SloKey = keyof typeof SLO_ERROR_RATIO;

/** Every recorded SLO series name (for the query lint and the rule tests). */
export const SLO_RECORDED_NAMES: readonly string[] = Object.values(SLO_ERROR_RATIO).flatMap((prefix) => SLO_WINDOWS.map((w) => `${prefix}${w}`));

/** A recorded SLO error ratio of one window, pinned to the application's job (the label it keeps). */
export const sloRatio = (slo: SloKey, window: string): string => selector(`${SLO_ERROR_RATIO[slo]}${window}`, SCRAPE_JOBS.app);
