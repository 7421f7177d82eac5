/**
 * Removes personal data from log content: by key (a field named email, name, passport, token,
 * cookie, authorization... is replaced whole) and by value (emails, passport/case-number-like
 * ids, bearer tokens, JWTs, UUIDs, phone numbers and the query strings of URLs are masked inside
 * any string, including the log message).
 *
 * Free-text names cannot be recognised reliably in a message: put names in fields (where the key
 * rule removes them), never in message strings.
 */

export const REDACTED = '[REDACTED]';

/** Keys whose values are personal data or secrets, whatever they contain. */
const SENSITIVE_KEY = /(e-?mail|^name$|_name$|^name_|fullname|firstname|lastname|surname|passport|case_?(number|no|id)|receipt|token|secret|password|passwd|cookie|authorization|api_?key|phone|ssn|birth|address)/i;

const VALUE_PATTERNS: [RegExp, string][] = [
  // emails (also URL-encoded @)
  [/[A-Za-z0-9._%+-]+(@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[EMAIL]'],
  // bearer / basic credentials
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]'],
  // JWTs
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[TOKEN]'],
  // UUIDs (user, document and case ids)
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '[ID]'],
  // passport, case and receipt numbers: 0-3 letters then 6+ digits (X12345678, IOE0912345678)
  [/\b[A-Za-z]{0,3}\d{6,}\b/g, '[ID]'],
  // phone numbers in international format
  [/\+\d[\d\s-]{7,16}\d/g, '[PHONE]'],
  // query strings carry search terms and tokens
  [/(\/[^\s?"']*)\?[^\s"']*/g, '$1?[REDACTED]'],
];

/** `s` with every personal-data pattern masked. */
export function scrubString(s: string): string {
  let out = s;
  for (const [re, replacement] of VALUE_PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** A deep copy of `value` with sensitive keys redacted and every string scrubbed. */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[TRUNCATED]';
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  if (value instanceof Error) {
    return { type: value.name, message: scrubString(value.message), ...(value.stack ? { stack: scrubString(value.stack) } : {}) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SENSITIVE_KEY.test(k) ? REDACTED : scrubValue(v, depth + 1);
  }
  return out;
}
