/**
 * The kubelet's probes, run against a container the manifest runner started: `httpGet` (success is
 * a status from 200 to 399) and `tcpSocket`, each with the probe's own timeout. `waitProbe` gives a
 * probe the time the kubelet would before acting on it (initialDelaySeconds + periodSeconds x
 * failureThreshold) but polls faster than the period, so a test does not wait for nothing.
 */
import { connect } from 'node:net';
import type { IProbe } from 'kubernetes-models/v1/Probe';

export interface ProbeTarget {
  /** Host the probe connects to (the pod's address as this process reaches it). */
  host: string;
  /** Container port -> port reachable from here (the same number unless the runtime remaps it). */
  port: (containerPort: number) => number;
  /** A named or numbered container port -> its number. */
  resolve: (port: string | number) => number;
}

export interface ProbeResult {
  ok: boolean;
  detail: string;
}

async function httpProbe(p: NonNullable<IProbe['httpGet']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const port = t.port(t.resolve(p.port as string | number));
  const url = `${(p.scheme ?? 'HTTP').toLowerCase()}://${t.host}:${port}${p.path ?? '/'}`;
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
      headers: Object.fromEntries((p.httpHeaders ?? []).map((h) => [h.name, h.value])),
    });
    await res.arrayBuffer();
    return { ok: res.status >= 200 && res.status < 400, detail: `GET ${p.path ?? '/'} -> ${res.status}` };
  } catch (err) {
    return { ok: false, detail: `GET ${url}: ${(err as Error).message}` };
  }
}

function tcpProbe(p: NonNullable<IProbe['tcpSocket']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const port = t.port(t.resolve(p.port as string | number));
  return new Promise((resolve) => {
    const socket = connect({ host: t.host, port });
    const done = (r: ProbeResult): void => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, detail: `tcp ${port}: timeout` }));
    socket.once('connect', () => done({ ok: true, detail: `tcp ${port}: open` }));
    socket.once('error', (err) => done({ ok: false, detail: `tcp ${port}: ${err.message}` }));
  });
}

/** One probe attempt. */
export function probeOnce(probe: IProbe, t: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) return httpProbe(probe.httpGet, t, timeoutMs);
  if (probe.tcpSocket) return tcpProbe(probe.tcpSocket, t, timeoutMs);
  return Promise.resolve({ ok: false, detail: `probe kind ${Object.keys(probe).join(',')} is not supported by the manifest runner` });
}

/** How long the kubelet tolerates a failing probe before acting (restart, or never ready). */
export const probeBudgetMs = (p: IProbe): number => ((p.initialDelaySeconds ?? 0) + (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3)) * 1000;

/** Polls a probe until it succeeds, within the kubelet's budget (capped at `capMs`); `alive` fails fast when the container exited. */
export async function waitProbe(probe: IProbe, t: ProbeTarget, opts: { capMs?: number; alive?: () => string | undefined } = {}): Promise<ProbeResult> {
  const deadline = Date.now() + Math.min(probeBudgetMs(probe), opts.capMs ?? Infinity);
  let last: ProbeResult = { ok: false, detail: 'not probed' };
  for (;;) {
    const dead = opts.alive?.();
    if (dead) return { ok: false, detail: `${dead} (last probe: ${last.detail})` };
    last = await probeOnce(probe, t);
    if (last.ok || Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
}
