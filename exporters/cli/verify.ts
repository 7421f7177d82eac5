/**
 * `npm run verify -- --url <base>`: the monitoring guide's deployment verification. Waits (bounded) until
 * GET <base>/api/health answers 200 with overall_status "healthy", then checks that
 * GET <base>/api/metrics serves immigration_ai_ samples; optionally posts the result to Slack.
 *
 * Exit codes: 0 verified; 1 not healthy within --timeout; 2 metrics missing; 64 usage error.
 * Flags: --url (or VERIFY_URL), --timeout seconds (300), --interval seconds (10),
 * --metrics-path (/api/metrics), --slack (post to SLACK_WEBHOOK_URL or SLACK_WEBHOOK_URL_FILE).
 */
import { EXIT_USAGE, parseFlags, requireUrl, secret, seconds, UsageError } from './cli.js';
import { postSlack } from './notify.js';

export const EXIT_UNHEALTHY = 1;
export const EXIT_NO_METRICS = 2;

export interface VerifyOptions {
  url: string;
  timeoutSeconds: number;
  intervalSeconds: number;
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

async function getWithin(url: string, ms: number): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(Math.max(100, ms)) });
  return { status: res.status, body: await res.text() };
}

export async function verify(o: VerifyOptions): Promise<VerifyResult> {
  const base = o.url.replace(/\/$/, '');
  const deadline = Date.now() + o.timeoutSeconds * 1000;
  let last = 'no answer yet';
  for (let attempt = 1; ; attempt++) {
    const left = deadline - Date.now();
    try {
      const r = await getWithin(`${base}/api/health`, Math.min(10_000, left));
      let overall = '';
      try {
        overall = (JSON.parse(r.body) as { overall_status?: string }).overall_status ?? '';
      } catch {
        overall = 'not JSON';
      }
      if (r.status === 200 && overall === 'healthy') {
        o.log(`health: healthy after ${attempt} attempt(s)`);
        break;
      }
      last = `HTTP ${r.status}, overall_status ${overall || 'missing'}`;
    } catch (e) {
      last = (e as Error).message;
    }
    o.log(`health: not healthy yet (${last})`);
    if (Date.now() + o.intervalSeconds * 1000 > deadline) {
      return { code: EXIT_UNHEALTHY, message: `Deployment verification failed: ${base}/api/health not healthy within ${o.timeoutSeconds}s (last: ${last})` };
    }
    await new Promise((r) => setTimeout(r, o.intervalSeconds * 1000));
  }
  try {
    const m = await getWithin(`${base}${o.metricsPath}`, 15_000);
    const n = countProductSamples(m.body);
    if (m.status !== 200 || n === 0) return { code: EXIT_NO_METRICS, message: `Deployment verification failed: ${base}${o.metricsPath} answered HTTP ${m.status} with ${n} immigration_ai_ samples` };
    return { code: 0, message: `Deployment completed and monitoring verified: healthy, ${n} immigration_ai_ samples at ${o.metricsPath}` };
  } catch (e) {
    return { code: EXIT_NO_METRICS, message: `Deployment verification failed: ${base}${o.metricsPath} unreachable (${(e as Error).message})` };
  }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let opts: VerifyOptions;
  let slack: string | undefined;
  try {
    const flags = parseFlags(argv, {
      url: { type: 'string' }, timeout: { type: 'string' }, interval: { type: 'string' }, 'metrics-path': { type: 'string' }, slack: { type: 'boolean' },
    });
    const url = requireUrl('url', flags.url ?? env.VERIFY_URL, 'base URL of the exporter or app');
    opts = {
      url,
      timeoutSeconds: seconds('timeout', flags.timeout, 300),
      intervalSeconds: seconds('interval', flags.interval, 10),
      metricsPath: flags['metrics-path'] ?? '/api/metrics',
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
