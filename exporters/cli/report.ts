/**
 * `npm run report -- --period daily|weekly --prometheus <url>`: the monitoring guide's daily (06:00) and
 * weekly (Monday 09:00) summaries, queried from Prometheus: active users, registrations, uploads
 * and failures, chat volume and response times, error rates and slowest endpoints, alerts fired.
 * Prints the report; --slack posts it to SLACK_WEBHOOK_URL[_FILE], --email mails it over SMTP
 * (SMTP_* variables, REPORT_EMAIL_TO), --json prints JSON instead of text.
 *
 * Exit codes: 0 done; 1 Prometheus unreachable or a query failed; 2 a delivery failed; 64 usage.
 */
import { METRICS } from '../../contract/metric-catalog.js';
import { EXIT_USAGE, parseFlags, requireUrl, secret, UsageError } from './cli.js';
import { emailSettingsFromEnv, postSlack, sendEmail } from './notify.js';

export type Period = 'daily' | 'weekly';
const RANGE: Record<Period, string> = { daily: '1d', weekly: '7d' };

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export class PrometheusClient {
  constructor(
    private readonly baseUrl: string,
    private readonly at?: number,
  ) {}

  async query(q: string): Promise<VectorSample[]> {
    const url = new URL(`${this.baseUrl.replace(/\/$/, '')}/api/v1/query`);
    url.searchParams.set('query', q);
    if (this.at !== undefined) url.searchParams.set('time', String(this.at));
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: VectorSample[] } };
    if (body.status !== 'success' || !body.data) throw new Error(`query failed (${body.error ?? `HTTP ${res.status}`}): ${q}`);
    return body.data.result;
  }

  /** A single number (sum of the vector), or null when there is no data. */
  async scalar(q: string): Promise<number | null> {
    const r = await this.query(q);
    if (r.length === 0) return null;
    const v = r.reduce((a, s) => a + Number(s.value[1]), 0);
    return Number.isFinite(v) ? v : null;
  }
}

export interface EndpointFigure {
  endpoint: string;
  value: number;
}

export interface Report {
  period: Period;
  range: string;
  generatedAt: string;
  activeUsers: number | null;
  registrations: number | null;
  uploads: { total: number | null; successful: number | null; failed: number | null; virusDetections: number | null; avgSizeMb: number | null; avgProcessingSeconds: number | null };
  chat: { conversations: number | null; aiResponses: number | null; humanResponses: number | null; avgAiResponseSeconds: number | null; avgHumanResponseMinutes: number | null; satisfactionAvg: number | null };
  http: { requests: number | null; errorRatePercent: number | null; worstErrorRates: EndpointFigure[]; slowestEndpoints: EndpointFigure[] };
  alertsFired: { alertname: string; severity: string }[];
}

const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : a / b);
const round = (n: number | null, d = 2): number | null => (n === null ? null : Math.round(n * 10 ** d) / 10 ** d);

export async function buildReport(prom: PrometheusClient, period: Period, now = new Date()): Promise<Report> {
  const r = RANGE[period];
  const inc = (name: string, sel = ''): string => `sum(increase(${name}${sel}[${r}]))`;
  const M = METRICS;
  const endpoints = async (q: string): Promise<EndpointFigure[]> =>
    (await prom.query(q))
      .map((s) => ({ endpoint: `${s.metric.method ?? '?'} ${s.metric.route ?? '?'}`, value: Number(s.value[1]) }))
      .filter((e) => Number.isFinite(e.value))
      .sort((a, b) => b.value - a.value || a.endpoint.localeCompare(b.endpoint));

  const [activeUsers, registrations, uploadsOk, uploadsFailed, virus, sizeSum, sizeCount, procSum, procCount] = await Promise.all([
    prom.scalar(`max(max_over_time(${M.activeUsers.name}{window="24h"}[${r}]))`),
    prom.scalar(inc(M.userRegistrations.name)),
    prom.scalar(inc(M.documentUploads.name, '{outcome="success"}')),
    prom.scalar(inc(M.documentUploads.name, '{outcome="failure"}')),
    prom.scalar(inc(M.documentVirusDetections.name)),
    prom.scalar(inc(`${M.documentUploadSize.name}_sum`)),
    prom.scalar(inc(`${M.documentUploadSize.name}_count`)),
    prom.scalar(inc(`${M.documentProcessingDuration.name}_sum`)),
    prom.scalar(inc(`${M.documentProcessingDuration.name}_count`)),
  ]);
  const [conversations, aiResponses, humanResponses, aiSum, aiCount, humanSum, humanCount, ratingSum, ratingCount] = await Promise.all([
    prom.scalar(inc(M.chatConversations.name)),
    prom.scalar(inc(M.chatResponses.name, '{responder="ai"}')),
    prom.scalar(inc(M.chatResponses.name, '{responder="human"}')),
    prom.scalar(inc(`${M.chatResponseDuration.name}_sum`, '{responder="ai"}')),
    prom.scalar(inc(`${M.chatResponseDuration.name}_count`, '{responder="ai"}')),
    prom.scalar(inc(`${M.chatResponseDuration.name}_sum`, '{responder="human"}')),
    prom.scalar(inc(`${M.chatResponseDuration.name}_count`, '{responder="human"}')),
    prom.scalar(inc(`${M.chatSatisfactionRating.name}_sum`)),
    prom.scalar(inc(`${M.chatSatisfactionRating.name}_count`)),
  ]);
  const req = M.httpRequests.name;
  const dur = M.httpRequestDuration.name;
  const [requests, errors, worstErrorRates, slowestEndpoints, alerts] = await Promise.all([
    prom.scalar(inc(req)),
    prom.scalar(inc(req, '{status_code=~"5.."}')),
    endpoints(`topk(5, 100 * sum by (method, route) (increase(${req}{status_code=~"5.."}[${r}])) / sum by (method, route) (increase(${req}[${r}])) > 0)`),
    endpoints(`topk(5, sum by (method, route) (increase(${dur}_sum[${r}])) / sum by (method, route) (increase(${dur}_count[${r}])) > 0)`),
    prom.query(`count by (alertname, severity) (max_over_time(ALERTS{alertstate="firing"}[${r}]))`),
  ]);
  const total = uploadsOk === null && uploadsFailed === null ? null : (uploadsOk ?? 0) + (uploadsFailed ?? 0);
  return {
    period,
    range: r,
    generatedAt: now.toISOString(),
    activeUsers: round(activeUsers, 0),
    registrations: round(registrations, 0),
    uploads: {
      total: round(total, 0),
      successful: round(uploadsOk, 0),
      failed: round(uploadsFailed, 0),
      virusDetections: round(virus, 0),
      avgSizeMb: round(ratio(sizeSum, sizeCount) === null ? null : (ratio(sizeSum, sizeCount) as number) / 1024 / 1024),
      avgProcessingSeconds: round(ratio(procSum, procCount)),
    },
    chat: {
      conversations: round(conversations, 0),
      aiResponses: round(aiResponses, 0),
      humanResponses: round(humanResponses, 0),
      avgAiResponseSeconds: round(ratio(aiSum, aiCount)),
      avgHumanResponseMinutes: round(ratio(humanSum, humanCount) === null ? null : (ratio(humanSum, humanCount) as number) / 60),
      satisfactionAvg: round(ratio(ratingSum, ratingCount)),
    },
    http: {
      requests: round(requests, 0),
      errorRatePercent: round(ratio(errors ?? 0, requests) === null ? null : (ratio(errors ?? 0, requests) as number) * 100),
      worstErrorRates: worstErrorRates.map((e) => ({ ...e, value: round(e.value) as number })),
      slowestEndpoints: slowestEndpoints.map((e) => ({ ...e, value: round(e.value * 1000, 0) as number })),
    },
    alertsFired: alerts.map((a) => ({ alertname: a.metric.alertname ?? '?', severity: a.metric.severity ?? 'none' })).sort((a, b) => a.alertname.localeCompare(b.alertname)),
  };
}

const show = (v: number | null, unit = ''): string => (v === null ? 'n/a' : `${v}${unit}`);

export function reportText(rep: Report): string {
  const title = `Immigration AI ${rep.period} report (last ${rep.range}, ${rep.generatedAt})`;
  const lines = [
    title,
    '',
    `Users: ${show(rep.activeUsers)} active (24h), ${show(rep.registrations)} new registrations`,
    `Documents: ${show(rep.uploads.total)} uploads (${show(rep.uploads.successful)} ok, ${show(rep.uploads.failed)} failed, ${show(rep.uploads.virusDetections)} virus detections), avg ${show(rep.uploads.avgSizeMb, ' MB')}, processing avg ${show(rep.uploads.avgProcessingSeconds, ' s')}`,
    `Chat: ${show(rep.chat.conversations)} conversations, ${show(rep.chat.aiResponses)} AI / ${show(rep.chat.humanResponses)} human responses, AI avg ${show(rep.chat.avgAiResponseSeconds, ' s')}, human avg ${show(rep.chat.avgHumanResponseMinutes, ' min')}, satisfaction ${show(rep.chat.satisfactionAvg)}/5`,
    `API: ${show(rep.http.requests)} requests, ${show(rep.http.errorRatePercent, '%')} 5xx`,
    'Highest error rates:',
    ...(rep.http.worstErrorRates.length ? rep.http.worstErrorRates.map((e) => `  ${e.endpoint}: ${e.value}%`) : ['  none']),
    'Slowest endpoints (mean):',
    ...(rep.http.slowestEndpoints.length ? rep.http.slowestEndpoints.map((e) => `  ${e.endpoint}: ${e.value} ms`) : ['  none']),
    `Alerts fired: ${rep.alertsFired.length ? rep.alertsFired.map((a) => `${a.alertname} (${a.severity})`).join(', ') : 'none'}`,
  ];
  return lines.join('\n');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, out = process.stdout, err = process.stderr): Promise<number> {
  let period: Period;
  let prometheus: string;
  let slack: string | undefined;
  let wantEmail = false;
  let wantJson = false;
  try {
    const flags = parseFlags(argv, {
      period: { type: 'string' }, prometheus: { type: 'string' }, slack: { type: 'boolean' }, email: { type: 'boolean' }, json: { type: 'boolean' },
    });
    wantEmail = flags.email === true;
    wantJson = flags.json === true;
    const p = flags.period;
    if (p !== 'daily' && p !== 'weekly') throw new UsageError(`--period must be daily or weekly (got ${p === undefined ? 'nothing' : `"${p}"`})`);
    period = p;
    prometheus = requireUrl('prometheus', flags.prometheus ?? env.PROMETHEUS_URL, 'url> (or PROMETHEUS_URL');
    if (flags.slack) {
      slack = secret(env, 'SLACK_WEBHOOK_URL');
      if (!slack) throw new UsageError('--slack needs SLACK_WEBHOOK_URL or SLACK_WEBHOOK_URL_FILE');
    }
    if (wantEmail) emailSettingsFromEnv(env);
  } catch (e) {
    err.write(`report: ${(e as Error).message}\n`);
    return EXIT_USAGE;
  }
  let rep: Report;
  try {
    rep = await buildReport(new PrometheusClient(prometheus), period);
  } catch (e) {
    err.write(`report: Prometheus at ${prometheus}: ${(e as Error).message}\n`);
    return 1;
  }
  const text = reportText(rep);
  out.write(wantJson ? `${JSON.stringify(rep, null, 2)}\n` : `${text}\n`);
  let failed = false;
  if (slack) {
    try {
      await postSlack(slack, `Immigration AI ${period} report`, `\`\`\`${text}\`\`\``);
    } catch (e) {
      failed = true;
      err.write(`report: Slack delivery failed: ${(e as Error).message}\n`);
    }
  }
  if (wantEmail) {
    try {
      await sendEmail(emailSettingsFromEnv(env), `Immigration AI ${period} report`, text);
    } catch (e) {
      failed = true;
      err.write(`report: email delivery failed: ${(e as Error).message}\n`);
    }
  }
  return failed ? 2 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then((code) => process.exit(code));
}
