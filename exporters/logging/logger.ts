/**
 * pino JSON logs: one line per event with `level` (upper case, so the monitoring guide's `|= "ERROR"` LogQL
 * works), `timestamp` (ISO) and `message`, scrubbed of personal data, and shipped to Loki through
 * pino-loki when LOKI_URL is set, with labels job="immigration-ai" and component=<component>.
 * Loki being slow or down never blocks or crashes the process: pino-loki runs in a worker thread,
 * batches, and its errors are silenced.
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { scrubString, scrubValue } from './scrub.js';

export const LOG_JOB = 'immigration-ai';

export interface LoggerSettings {
  component: string;
  level?: string;
  lokiUrl?: string;
  /** Where JSON lines go; stdout by default. Tests pass a stream to read them. */
  destination?: DestinationStream;
  /** Extra Loki labels (e.g. environment). Keep them low-cardinality. */
  lokiLabels?: Record<string, string>;
  /** Seconds between pushes to Loki. */
  lokiBatchSeconds?: number;
  /** Basic authentication towards Loki (a gateway in front of it); never put credentials in lokiUrl. */
  lokiBasicAuth?: { username: string; password: string };
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Upper-case level names, mapped to pino-loki's stream `level` label. */
const LOKI_LEVEL_MAP: Record<string, string> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warning', ERROR: 'error', FATAL: 'critical' };

/** Header and field paths pino itself censors before our scrubber sees them (defence in depth). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["set-cookie"]',
  'res.headers["set-cookie"]',
  'req.headers["x-forwarded-for"]',
  'req.headers["x-real-ip"]',
  'req.headers.forwarded',
  'req.headers["user-agent"]',
  'req.headers.referer',
  'headers.authorization',
  'headers.cookie',
  'headers["x-forwarded-for"]',
  'headers["x-real-ip"]',
  'headers.forwarded',
  'headers["user-agent"]',
  'headers.referer',
  '*.email',
  '*.password',
  '*.token',
  '*.passport_number',
  '*.passportNumber',
  '*.case_number',
  '*.caseNumber',
];

export function loggerOptions(settings: LoggerSettings): LoggerOptions {
  const level = (settings.level ?? 'info').toLowerCase();
  if (!LEVELS.has(level)) throw new Error(`LOG_LEVEL must be one of ${[...LEVELS].join(', ')} (got "${settings.level}")`);
  return {
    level,
    messageKey: 'message',
    base: { component: settings.component },
    // `time` (ms) lets pino-loki stamp entries exactly; `timestamp` is the monitoring guide's readable field.
    timestamp: () => {
      const now = Date.now();
      return `,"time":${now},"timestamp":"${new Date(now).toISOString()}"`;
    },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    formatters: {
      level: (label) => ({ level: label.toUpperCase() }),
      log: (obj) => {
        const clean = scrubValue(obj) as Record<string, unknown>;
        // `component` is the logger's own binding (and a Loki label); a field of that name would
        // give the line a duplicate key.
        if ('component' in clean) {
          clean.source_component = clean.component;
          delete clean.component;
        }
        return clean;
      },
    },
    hooks: {
      // Scrub the message string itself (and printf-style arguments).
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubString(a) : a)) as Parameters<typeof method>;
        method.apply(this, scrubbed);
      },
    },
  };
}

export function createLogger(settings: LoggerSettings): Logger {
  const options = loggerOptions(settings);
  const local = settings.destination ?? pino.destination({ dest: 1, sync: false });
  if (!settings.lokiUrl) return pino(options, local);
  const loki = pino.transport({
    target: 'pino-loki',
    options: {
      host: settings.lokiUrl,
      labels: { job: LOG_JOB, component: settings.component, ...settings.lokiLabels },
      levelMap: LOKI_LEVEL_MAP,
      batching: { interval: settings.lokiBatchSeconds ?? 5, maxBufferSize: 10000 },
      timeout: 5000,
      silenceErrors: true,
      structuredMetaKey: false,
      ...(settings.lokiBasicAuth ? { basicAuth: settings.lokiBasicAuth } : {}),
    },
  }) as DestinationStream;
  const level = options.level as pino.Level;
  return pino(options, pino.multistream([{ level, stream: local }, { level, stream: loki }]));
}
