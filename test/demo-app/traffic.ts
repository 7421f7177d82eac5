/**
 * A traffic generator for the demo app: a steady, bounded request rate over its routes and
 * methods (reads, uploads, chat, logins with some bad passwords, unauthorized calls, unknown
 * paths), starting with one request of every kind so each app metric in the catalog has data.
 *
 *   npm run traffic -- --url http://127.0.0.1:3000 --rate 20 [--duration 60] [--steady POST:/api/cases/5001/submit:4000]
 *
 * `--steady METHOD:PATH:MS` adds one request every MS milliseconds to PATH on top of the mix: a
 * low-traffic endpoint at an exact rate (repeatable).
 */

export interface TrafficOptions {
  baseUrl: string;
  /** Requests per second. */
  ratePerSecond: number;
  /** Stop after this many seconds; runs until `signal` aborts when absent. */
  durationSeconds?: number;
  signal?: AbortSignal;
  /** Requests in flight at most; further ticks skip (bounded load on a slow target). */
  maxInFlight?: number;
  seed?: number;
  /** Fixed-cadence requests on top of the random mix (a low-traffic endpoint at an exact rate). */
  steady?: SteadyStream[];
}

export interface SteadyStream {
  method: string;
  path: string;
  everyMs: number;
}

/** `POST:/api/cases/5001/submit:4000` -> a steady stream; undefined when malformed. */
export function parseSteady(s: string): SteadyStream | undefined {
  const m = /^([A-Z]+):(\/[^:\s]*):(\d+)$/.exec(s.trim());
  if (!m || Number(m[3]) < 10) return undefined;
  return { method: m[1], path: m[2], everyMs: Number(m[3]) };
}

export interface TrafficStats {
  sent: number;
  skipped: number;
  byStatus: Record<string, number>;
  errors: number;
}

interface RequestSpec {
  method: string;
  path: string;
  body?: unknown;
  auth?: boolean;
}

/** Deterministic pseudo-random numbers (mulberry32), so runs are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AGENCIES = ['agency-101', 'agency-102', 'agency-103'];

/** One request of every kind: every app metric gets a sample. */
export const WARM_UP: RequestSpec[] = [
  { method: 'POST', path: '/api/auth/register', body: {} },
  { method: 'POST', path: '/api/auth/login', body: { password: 'ok' } },
  { method: 'POST', path: '/api/auth/login', body: { password: 'wrong' } },
  { method: 'POST', path: '/api/auth/logout', body: { sessionSeconds: 1410 } },
  { method: 'GET', path: '/api/users/1001', auth: true },
  { method: 'GET', path: '/api/users/1001' },
  { method: 'POST', path: '/api/documents/upload', body: { sizeBytes: 2_400_000, processingSeconds: 3.4 } },
  { method: 'POST', path: '/api/documents/upload', body: { virus: true, sizeBytes: 800_000 } },
  { method: 'POST', path: '/api/chat/conversations', body: {} },
  { method: 'POST', path: '/api/chat/conversations/77/messages', body: { responder: 'ai', responseSeconds: 0.85 } },
  { method: 'POST', path: '/api/chat/conversations/77/messages', body: { responder: 'human', responseSeconds: 750 } },
  { method: 'POST', path: '/api/chat/conversations/77/rating', body: { rating: 4 } },
  { method: 'POST', path: '/api/cases/5001/complete', body: { agencyId: 'agency-101', durationDays: 45.6 } },
];

/** The steady mix, by weight. */
function pick(r: () => number): RequestSpec {
  const id = (): number => 1000 + Math.floor(r() * 9000);
  const x = r() * 100;
  if (x < 25) return { method: 'GET', path: `/api/documents/${id()}` };
  if (x < 33) return { method: 'GET', path: '/api/documents' };
  if (x < 43) {
    const y = r();
    return { method: 'POST', path: '/api/documents/upload', body: { sizeBytes: Math.round(100_000 + r() * 10_000_000), processingSeconds: 0.5 + r() * 8, virus: y < 0.02, fail: y >= 0.02 && y < 0.05 } };
  }
  if (x < 45) return { method: 'DELETE', path: `/api/documents/${id()}` };
  if (x < 52) return { method: 'POST', path: '/api/auth/login', body: { password: r() < 0.1 ? 'wrong' : 'ok' } };
  if (x < 60) return { method: 'GET', path: `/api/users/${id()}`, auth: r() >= 0.08 };
  if (x < 62) return { method: 'POST', path: '/api/auth/register', body: {} };
  if (x < 65) return { method: 'POST', path: '/api/auth/logout', body: { sessionSeconds: Math.round(60 + r() * 7200) } };
  if (x < 69) return { method: 'POST', path: '/api/chat/conversations', body: {} };
  if (x < 81) {
    const human = r() < 0.2;
    return { method: 'POST', path: `/api/chat/conversations/${id()}/messages`, body: { responder: human ? 'human' : 'ai', responseSeconds: human ? 120 + r() * 1500 : 0.2 + r() * 2 } };
  }
  if (x < 84) return { method: 'POST', path: `/api/chat/conversations/${id()}/rating`, body: { rating: 1 + Math.floor(r() * 5) } };
  if (x < 87) return { method: 'POST', path: `/api/cases/${id()}/complete`, body: { agencyId: AGENCIES[Math.floor(r() * AGENCIES.length)], durationDays: 5 + r() * 120 } };
  if (x < 94) return { method: 'GET', path: `/api/agencies/${AGENCIES[Math.floor(r() * AGENCIES.length)]}/dashboard` };
  return { method: 'GET', path: `/api/unknown/${id()}` };
}

async function send(baseUrl: string, spec: RequestSpec, stats: TrafficStats, signal?: AbortSignal): Promise<void> {
  try {
    const headers: Record<string, string> = {};
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    if (spec.auth) headers.authorization = 'Bearer demo-token';
    const res = await fetch(baseUrl + spec.path, { method: spec.method, headers, body: spec.body === undefined ? undefined : JSON.stringify(spec.body), signal: signal ?? AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    stats.byStatus[res.status] = (stats.byStatus[res.status] ?? 0) + 1;
  } catch {
    stats.errors++;
  }
  stats.sent++;
}

export async function runTraffic(o: TrafficOptions): Promise<TrafficStats> {
  const stats: TrafficStats = { sent: 0, skipped: 0, byStatus: {}, errors: 0 };
  const r = rng(o.seed ?? 42);
  const base = o.baseUrl.replace(/\/$/, '');
  const maxInFlight = o.maxInFlight ?? 64;
  for (const spec of WARM_UP) await send(base, spec, stats);
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const started = Date.now();
  const tickMs = 50;
  // The schedule follows the clock, not the ticks: a tick delayed by a busy machine sends what
  // fell due meanwhile, so the rate holds under load.
  let scheduled = 0;
  const fire = (spec: RequestSpec): void => {
    const p = send(base, spec, stats).finally(() => pending.delete(p));
    pending.add(p);
  };
  const steadyTimers = (o.steady ?? []).map((st) => setInterval(() => fire({ method: st.method, path: st.path, body: {} }), st.everyMs));
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (o.signal?.aborted || (o.durationSeconds !== undefined && Date.now() - started >= o.durationSeconds * 1000)) {
        clearInterval(timer);
        for (const t of steadyTimers) clearInterval(t);
        resolve();
        return;
      }
      const due = Math.floor(((Date.now() - started) / 1000) * o.ratePerSecond);
      for (; scheduled < due; scheduled++) {
        if (inFlight >= maxInFlight) {
          stats.skipped++;
          continue;
        }
        inFlight++;
        const p = send(base, pick(r), stats).finally(() => {
          inFlight--;
          pending.delete(p);
        });
        pending.add(p);
      }
    }, tickMs);
  });
  await Promise.all(pending);
  return stats;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

if (require.main === module) {
  const baseUrl = arg('url') ?? process.env.TRAFFIC_URL ?? 'http://127.0.0.1:3000';
  const ratePerSecond = Number(arg('rate') ?? process.env.TRAFFIC_RATE ?? '10');
  const duration = arg('duration') ?? process.env.TRAFFIC_DURATION;
  if (!(ratePerSecond > 0 && ratePerSecond <= 1000)) {
    process.stderr.write('traffic: --rate must be between 0 and 1000 requests per second\n');
    process.exit(2);
  }
  const steadyArg = arg('steady');
  const steady = steadyArg === undefined ? undefined : parseSteady(steadyArg);
  if (steadyArg !== undefined && steady === undefined) {
    process.stderr.write('traffic: --steady must be METHOD:PATH:MILLISECONDS, e.g. POST:/api/cases/5001/submit:4000 (at least 10 ms)\n');
    process.exit(2);
  }
  const ac = new AbortController();
  process.on('SIGINT', () => ac.abort());
  process.on('SIGTERM', () => ac.abort());
  process.stdout.write(`traffic: ${ratePerSecond} req/s to ${baseUrl}${duration ? ` for ${duration}s` : ' until stopped'}\n`);
  runTraffic({ baseUrl, ratePerSecond, durationSeconds: duration ? Number(duration) : undefined, signal: ac.signal, steady: steady ? [steady] : undefined }).then((s) => {
    process.stdout.write(`${JSON.stringify(s)}\n`);
  });
}
