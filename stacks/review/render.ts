/** The three output formats of a review. */
import type { Report } from './findings.js';
import { renderMarkdown } from './render-markdown.js';
import { renderJson } from './render-json.js';
import { renderText } from './render-text.js';

export const FORMATS = ['markdown', 'text', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export function render(report: Report, format: Format): string {
  switch (format) {
    case 'markdown':
      return renderMarkdown(report);
    case 'json':
      return renderJson(report);
    default:
      return renderText(report);
  }
}
