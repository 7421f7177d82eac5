/**
 * Removes personal data from log content:
 * - by key: a field named like email, name, passport, case number, token, cookie, authorization,
 *   phone, birth date, address, IP, or one of the headers that identify a person
 *   (X-Forwarded-For, Forwarded, X-Real-IP, User-Agent, Referer) is replaced whole;
 * - by value, inside every string (keys included): emails, bearer/basic credentials, JWTs, UUIDs,
 *   passport/case/receipt numbers, A-numbers, SSNs, IBANs, card numbers, phone numbers, dates
 *   (of birth: any date may be one), public IP addresses, capitalised name pairs, and the query
 *   strings of URLs. Percent-encoded (also double-encoded) and full-width forms are decoded and
 *   normalised first, so an encoding cannot hide a value;
 * - errors: a client-input error of a framework (body-parser, a bad percent-encoding, malformed
 *   JSON) becomes a summary without its message or stack, which quote the input; other errors keep
 *   a scrubbed message and stack.
 *
 * What cannot be detected: a name written as an ordinary word ("jane", a lowercase slug such as
 * "jane-doe"), or any free text that has no recognisable shape. Put personal values in fields
 * (where the key rule removes them) or better, do not log them; never build message strings from them.
 */

export const REDACTED = '[REDACTED]';

/** Keys whose values are personal data or secrets, whatever they contain. */
const SENSITIVE_KEY =
  /(e-?mail|^name$|_name$|^name_|fullname|firstname|lastname|surname|passport|case_?(number|no|id)|receipt|token|secret|password|passwd|cookie|authorization|api_?key|phone|ssn|birth|^dob$|address|^ip$|_ip$|^ip_|forwarded|real-?ip|client-?ip|connecting-?ip|user-?agent|referr?er|iban|card_?number|a_?number)/i;

/** Loopback and private IPv4 addresses name infrastructure (a database host), not a person. */
const PRIVATE_IPV4 = /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|0\.0\.0\.0$)/;

const VALUE_PATTERNS: [RegExp, string | ((m: string) => string)][] = [
  // emails
  [/[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu, '[EMAIL]'],
  // bearer / basic credentials
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]'],
  // JWTs
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[TOKEN]'],
  // UUIDs (user, document and case ids)
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '[ID]'],
  // IBANs: country, check digits, then 11-30 letters or digits, maybe in groups of four
  [/\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?\b/g, '[IBAN]'],
  // dates, of birth or not, also as the date of a timestamp: 1987-03-14, 14/03/1987, 03-14-1987, 14.03.1987
  [/\b(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?:\b|(?=T\d))/g, '[DATE]'],
  // SSNs and A-numbers in their dashed or spaced forms
  [/\b\d{3}[- ]\d{2}[- ]\d{4}\b/g, '[ID]'],
  [/\bA[- ]?\d{3}[- ]?\d{3}[- ]?\d{3}\b/gi, '[ID]'],
  // card numbers: 13-19 digits, maybe grouped by spaces or dashes
  [/\b\d(?:[ -]?\d){12,18}\b/g, '[CARD]'],
  // phone numbers: international, and national (555) 123-4567 / 555-123-4567 / 555.123.4567
  [/\+\d[\d\s().-]{6,18}\d/g, '[PHONE]'],
  [/(?:\(\d{3}\)\s?|\b\d{3}[\s.-])\d{3}[\s.-]\d{4}\b/g, '[PHONE]'],
  // passport, case, receipt and plain numeric ids: 0-3 letters then 6+ digits (X12345678, IOE0912345678, 123456789)
  [/\b[A-Za-z]{0,3}\d{6,}\b/g, '[ID]'],
  // IPv6 (at least three groups, or a '::' form), then public IPv4
  [/(?<![\w:])(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?(?![\w:])/gi, (m) => (m === '::1' ? m : '[IP]')],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, (m) => (PRIVATE_IPV4.test(m) ? m : '[IP]')],
  // names: two or more capitalised words (Jane Doe, José Müller-Ríos, Jane+Doe)
  [/(?<![\p{L}\p{N}])\p{Lu}\p{Ll}+(?:[ +_.'-]\p{Lu}\p{Ll}+)+(?![\p{L}\p{N}])/gu, '[NAME]'],
  // query strings carry search terms and tokens
  [/(\/[^\s?"']*)\?[^\s"']*/g, '$1?[REDACTED]'],
];

/** Percent-encoded runs decoded as UTF-8 (malformed bytes become U+FFFD), up to three layers deep. */
function percentDecoded(s: string): string {
  let out = s;
  for (let i = 0; i < 3 && /%[0-9A-Fa-f]{2}/.test(out); i++) {
    out = out.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
  }
  return out;
}

/** `s` with every personal-data pattern masked (after decoding and NFKC normalisation). */
export function scrubString(s: string): string {
  let out = percentDecoded(s).normalize('NFKC');
  for (const [re, replacement] of VALUE_PATTERNS) out = out.replace(re, replacement as string);
  return out;
}

/** Error types of body-parser and of Express/Node's URL decoding, whose messages quote client input. */
const CLIENT_INPUT_ERROR_TYPES = new Set([
  'entity.parse.failed',
  'entity.too.large',
  'entity.verify.failed',
  'encoding.unsupported',
  'charset.unsupported',
  'request.aborted',
  'request.size.invalid',
  'stream.encoding.set',
  'parameters.too.many',
]);

/**
 * A log-safe view of an error. Errors caused by client input (a 4xx status, a body-parser type,
 * a URIError from decoding, a JSON SyntaxError) keep only their kind and status: their message and
 * stack quote the input. Other errors keep a scrubbed message and stack.
 */
export function errorSummary(e: Error): Record<string, unknown> {
  const x = e as Error & { type?: unknown; status?: unknown; statusCode?: unknown; code?: unknown };
  const status = typeof x.status === 'number' ? x.status : typeof x.statusCode === 'number' ? x.statusCode : undefined;
  const type = typeof x.type === 'string' ? x.type : undefined;
  const clientInput = (type !== undefined && CLIENT_INPUT_ERROR_TYPES.has(type)) || (status !== undefined && status >= 400 && status < 500) || e instanceof URIError || e instanceof SyntaxError;
  const code = typeof x.code === 'string' && /^[A-Z0-9_]{1,40}$/.test(x.code) ? { code: x.code } : {};
  if (clientInput) return { type: e.name, ...(type ? { kind: type } : {}), ...(status !== undefined ? { status } : {}), ...code, message: 'client input error (details withheld: they quote the input)' };
  return { type: e.name, ...code, message: scrubString(e.message), ...(e.stack ? { stack: scrubString(e.stack) } : {}) };
}

/** A deep copy of `value` with sensitive keys redacted and every string (keys included) scrubbed. */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[TRUNCATED]';
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  if (value instanceof Error) return errorSummary(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[scrubString(k)] = SENSITIVE_KEY.test(k) ? REDACTED : scrubValue(v, depth + 1);
  }
  return out;
}
