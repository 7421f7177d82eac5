/**
 * `verify --url <app base>`: the monitoring guide's deployment verification of the app that was just
 * deployed, run in the cluster as a Job of the project's image (charts/verify-deployment.ts) against
 * the app's Service, or from a shell (`npm run verify`). Waits (bounded) until GET <base><health path>
 * answers 2xx (and `overall_status: "healthy"` when the body is JSON that has it), then checks that
 * GET <base><metrics path> serves immigration_ai_ samples; optionally posts the result to Slack.
 *
 * Exit codes: 0 verified; 1 not healthy within --timeout (including never reachable); 2 metrics
 * missing; 64 usage error.
 * Flags: --url (or VERIFY_URL), --health-path (/healthz), --metrics-path (/metrics), --timeout
 * seconds (300), --interval seconds (10), --slack (post to SLACK_WEBHOOK_URL or SLACK_WEBHOOK_URL_FILE).
 */
import { EXIT_USAGE, parseFlags, requireUrl, secret, seconds, UsageError } from './cli.js';
import { postSlack } from './notify.js';

export const EXIT_UNHEALTHY = 1;
export const EXIT_NO_METRICS = 2;

export interface VerifyOptions {
  url: string;
  timeoutSeconds: number;
  intervalSeconds: number;
  healthPath: string;
  metricsPath: string;
  log: (line: string) => void;
}

export interface VerifyResult {
  code: number;
  message: string;
}

/** Number of immigration_ai_ samples in a Prometheus text exposition. */
export function countProductSamples(text: string): number {
  return text.split('\n').filter((l) => l.startsWith('immigration_ai_')).length;
}

/** Healthy: HTTP 2xx, and `overall_status: "healthy"` when the body is JSON that reports one. */
export function healthOf(status: number, body: string): { healthy: boolean; detail: string } {
  let overall: unknown;
  try {
    overall = (JSON.parse(body) as { overall_status?: unknown } | null)?.overall_status;
  } catch {
    overall = undefined;
  }
  const ok = status >= 200 && status < 300 && (overall === undefined || overall === 'healthy');
  return { healthy: ok, detail: `HTTP ${status}${typeof overall === 'string' ? `, overall_status ${overall}` : ''}` };
}

async function getWithin(url: string, ms: number): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(Math.max(100, ms)) });
  return { status: res.status, body: await res.text() };
}

/** fetch() says "fetch failed"; the cause (connection refused, unknown host, timeout) is what helps. */
function describeFailure(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'no answer in time';
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

export async function verify(o: VerifyOptions): Promise<VerifyResult> {
  const base = o.url.replace(/\/$/, '');
  const deadline = Date.now() + o.timeoutSeconds * 1000;
  let last = 'no answer yet';
  for (let attempt = 1; ; attempt++) {
    const left = deadline - Date.now();
    try {
      const r = await getWithin(`${base}${o.healthPath}`, Math.min(10_000, left));
      const h = healthOf(r.status, r.body);
      if (h.healthy) {
        o.log(`health: healthy after ${attempt} attempt(s)`);
        break;
      }
      last = h.detail;
    } catch (e) {
      last = describeFailure(e);
    }
    o.log(`health: not healthy yet (${last})`);
    if (Date.now() + o.intervalSeconds * 1000 > deadline) {
      return { code: EXIT_UNHEALTHY, message: `Deployment verification failed: ${base}${o.healthPath} not healthy within ${o.timeoutSeconds}s (last: ${last})` };
    }
    await new Promise((r) => setTimeout(r, o.intervalSeconds * 1000));
  }
  try {
    const m = await getWithin(`${base}${o.metricsPath}`, 15_000);
    const n = countProductSamples(m.body);
    if (m.status !== 200 || n === 0) return { code: EXIT_NO_METRICS, message: `Deployment verification failed: ${base}${o.metricsPath} answered HTTP ${m.status} with ${n} immigration_ai_ samples` };
    return { code: 0, message: `Deployment completed and monitoring verified: healthy, ${n} immigration_ai_ samples at ${o.metricsPath}` };
  } catch (e) {
    return { code: EXIT_NO_METRICS, message: `Deployment verification failed: ${base}${o.metricsPath} unreachable (${describeFailure(e)})` };
  }
}

function path(flag: string, value: string): string {
  if (!value.startsWith('/')) throw new UsageError(`--${flag} must be a path starting with / (got "${value}")`);
  return value;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let opts: VerifyOptions;
  let slack: string | undefined;
  try {
    const flags = parseFlags(argv, {
      url: { type: 'string' }, timeout: { type: 'string' }, interval: { type: 'string' }, 'health-path': { type: 'string' }, 'metrics-path': { type: 'string' }, slack: { type: 'boolean' },
    });
    const url = requireUrl('url', flags.url ?? env.VERIFY_URL, 'base URL of the app, e.g. http://immigration-ai.immigration-ai.svc:3000');
    opts = {
      url,
      timeoutSeconds: seconds('timeout', flags.timeout, 300),
      intervalSeconds: seconds('interval', flags.interval, 10),
      healthPath: path('health-path', flags['health-path'] ?? '/healthz'),
      metricsPath: path('metrics-path', flags['metrics-path'] ?? '/metrics'),
      log: (l) => process.stdout.write(`verify: ${l}\n`),
    };
    if (flags.slack) {
      slack = secret(env, 'SLACK_WEBHOOK_URL');
      if (!slack) throw new UsageError('--slack needs SLACK_WEBHOOK_URL or SLACK_WEBHOOK_URL_FILE');
    }
  } catch (e) {
    process.stderr.write(`verify: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }
  const result = await verify(opts);
  (result.code === 0 ? process.stdout : process.stderr).write(`verify: ${result.message}\n`);
  if (slack) {
    try {
      await postSlack(slack, `${result.code === 0 ? ':white_check_mark:' : ':x:'} ${result.message}`);
    } catch (e) {
      // The verification result is the exit code; a Slack outage must not fail a good deploy.
      process.stderr.write(`verify: warning: Slack notification failed: ${(e as Error).message}\n`);
    }
  }
  return result.code;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then((code) => process.exit(code));
}
