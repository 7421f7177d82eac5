/** The report as JSON, for tools: every finding, every routing row, the backtest. */
import type { Report } from './findings.js';

export const renderJson = (report: Report): string => `${JSON.stringify(report, null, 2)}\n`;
