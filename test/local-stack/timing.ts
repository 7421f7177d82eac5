/**
 * The pipeline's timing in the running stack, read from the same config and generated
 * Alertmanager routing the stack runs, so reports compare measured latencies with what the
 * configuration allows rather than with numbers typed twice.
 */
import type { MonitoringConfig } from '../../contract/config/index.js';
import { ALERTMANAGER_PEER_TIMEOUT_SECONDS } from './servers.js';
import type { AlertmanagerConfig } from '../../contract/alertmanager.js';

export interface RouteTiming {
  receiver: string;
  groupWaitSeconds: number;
  groupIntervalSeconds: number;
  /** repeat_interval as configured: a little under the period, see contract/config/notification-timing.ts. */
  repeatIntervalSeconds: number;
  /** The period a firing group repeats at: the first group_interval flush at or after repeat_interval. */
  repeatEverySeconds: number;
}

export interface PipelineTiming {
  scrapeSeconds: number;
  evaluationSeconds: number;
  criticalForSeconds: number;
  warningForSeconds: number;
  peerTimeoutSeconds: number;
  routes: Record<string, RouteTiming>;
}

/** Prometheus/Alertmanager duration (`1m30s`, `10s`, `500ms`) in seconds. */
export function parseDuration(d: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  let matched = '';
  for (const m of d.matchAll(re)) {
    total += Number(m[1]) * unit[m[2]];
    matched += m[0];
  }
  if (matched !== d) throw new Error(`not a duration: ${d}`);
  return total;
}

interface AmRoute {
  receiver?: string;
  matchers?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: AmRoute[];
}

function timingOf(r: AmRoute, parent: Omit<RouteTiming, 'repeatEverySeconds'>): RouteTiming {
  const groupIntervalSeconds = r.group_interval ? parseDuration(r.group_interval) : parent.groupIntervalSeconds;
  const repeatIntervalSeconds = r.repeat_interval ? parseDuration(r.repeat_interval) : parent.repeatIntervalSeconds;
  return {
    receiver: r.receiver ?? parent.receiver,
    groupWaitSeconds: r.group_wait ? parseDuration(r.group_wait) : parent.groupWaitSeconds,
    groupIntervalSeconds,
    repeatIntervalSeconds,
    repeatEverySeconds: Math.ceil(repeatIntervalSeconds / groupIntervalSeconds) * groupIntervalSeconds,
  };
}

/**
 * Timing per receiver: the first top-level route to that receiver (children inherit from the root,
 * as in Alertmanager), else the root itself. Our routing tree is one level deep.
 */
function routeTimings(root: AmRoute): Record<string, RouteTiming> {
  // Alertmanager's own defaults for anything the root leaves out.
  const rootTiming = timingOf(root, { receiver: '', groupWaitSeconds: 30, groupIntervalSeconds: 300, repeatIntervalSeconds: 14400 });
  const out: Record<string, RouteTiming> = {};
  for (const c of root.routes ?? []) {
    const t = timingOf(c, rootTiming);
    if (!(t.receiver in out)) out[t.receiver] = t;
  }
  if (!(rootTiming.receiver in out)) out[rootTiming.receiver] = rootTiming;
  return out;
}

export function pipelineTiming(config: MonitoringConfig, alertmanagerConfig: AlertmanagerConfig): PipelineTiming {
  return {
    scrapeSeconds: config.scrapeIntervalSeconds,
    evaluationSeconds: config.evaluationIntervalSeconds,
    criticalForSeconds: config.alerting.criticalForSeconds,
    warningForSeconds: config.alerting.warningForSeconds,
    peerTimeoutSeconds: ALERTMANAGER_PEER_TIMEOUT_SECONDS,
    routes: routeTimings(alertmanagerConfig.route as AmRoute),
  };
}

/**
 * The fastest a fault can page: one scrape to see it, one evaluation to notice it, the rule's
 * `for`, and the route's group_wait. Anything above is detection lag (e.g. a rate window filling
 * up, the exporter's health-check interval) or delivery time.
 */
export function theoreticalMinimumSeconds(timing: PipelineTiming, forSeconds: number, receiver: string): number {
  const route = timing.routes[receiver];
  if (!route) throw new Error(`no route to receiver ${receiver}`);
  return timing.scrapeSeconds + timing.evaluationSeconds + forSeconds + route.groupWaitSeconds;
}
