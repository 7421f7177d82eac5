/** The standard shape of a scenario: fault -> page -> revert -> resolved, judged by exact counts. */
import type { Channel, Delivery } from '../deliveries.js';
import { deliveriesSince } from '../deliveries.js';
import { theoreticalMinimumSeconds, type PipelineTiming } from '../timing.js';
import {
  contentProblems, countDeliveries, duplicateWindowMs, expectCounts, observeUntil, of, othersOf, waitDeliveries, waitFiringInPrometheus,
  waitGoneFromPrometheus, waitQuiet,
} from './observe.js';
import type { Scenario, ScenarioContext } from './types.js';

interface FaultSpec {
  name: string;
  description: string;
  alert: string;
  severity: 'critical' | 'warning';
  receiver: 'critical' | 'warning';
  /** The rule's `for`. */
  forSeconds(t: PipelineTiming): number;
  /** Exact notifications of the alert per channel; channels left out must get none. */
  expected: Partial<Record<Channel, { firing: number; resolved: number }>>;
  inject(ctx: ScenarioContext): Promise<void>;
  revert(ctx: ScenarioContext): Promise<void>;
  /** Extra checks while the alert is firing (e.g. the warning is inhibited); returns problems. */
  whileFiring?(ctx: ScenarioContext, since: number): Promise<string[]>;
  /** Other alerts this fault legitimately raises (reported, not counted as unexpected). */
  allowedOthers?: string[];
  /** Called before the fault, returns extra cleanup run after the revert. */
  before?(ctx: ScenarioContext): Promise<(() => Promise<void>) | void>;
  /** Called right after the fault is injected. */
  afterInject?(ctx: ScenarioContext, notes: string[]): Promise<void>;
  /**
   * After the fault is taken back and the alert resolved: waits for and judges notifications the
   * revert itself legitimately causes. Returns the deliveries it accounted for (not "unexpected").
   */
  afterRevert?(ctx: ScenarioContext, since: number, revertedAt: number, problems: string[], notes: string[]): Promise<Delivery[]>;
}

export function faultScenario(spec: FaultSpec): Scenario {
  return {
    name: spec.name,
    description: spec.description,
    async run(ctx) {
      const { stack, timing, log } = ctx;
      const minimum = theoreticalMinimumSeconds(timing, spec.forSeconds(timing), spec.receiver);
      const deadline = (minimum * 3 + 90) * 1000;
      const notes: string[] = [];
      const problems: string[] = [];
      log(`${spec.name}: waiting for a quiet stack`);
      await waitQuiet(stack);
      const cleanup = await spec.before?.(ctx);
      const since = Date.now();
      log(`${spec.name}: injecting the fault (${spec.description})`);
      // The fault starts as we inject it (stopping PostgreSQL takes a moment; the clock runs from its start).
      const faultAt = Date.now();
      await spec.inject(ctx);
      await spec.afterInject?.(ctx, notes);
      const firingChannels = (Object.keys(spec.expected) as Channel[]).filter((c) => (spec.expected[c]?.firing ?? 0) > 0);
      const resolvedChannels = (Object.keys(spec.expected) as Channel[]).filter((c) => (spec.expected[c]?.resolved ?? 0) > 0);
      let annotations: Record<string, string> = {};
      let reverted = false;
      const accounted: Delivery[] = [];
      try {
        const firing = await waitFiringInPrometheus(stack, spec.alert, spec.severity, deadline);
        annotations = firing.annotations;
        const first = await waitDeliveries(ctx, since, spec.alert, spec.severity, 'firing', firingChannels, deadline);
        log(`${spec.name}: ${spec.alert} delivered after ${((first[0].t - faultAt) / 1000).toFixed(1)} s`);
        if (spec.whileFiring) problems.push(...(await spec.whileFiring(ctx, since)));
        await observeUntil(Math.max(...first.map((d) => d.t)), duplicateWindowMs(ctx));
        log(`${spec.name}: taking the fault back`);
        const revertedAt = Date.now();
        await spec.revert(ctx);
        reverted = true;
        await waitGoneFromPrometheus(stack, spec.alert, deadline);
        if (resolvedChannels.length > 0) {
          const resolved = await waitDeliveries(ctx, since, spec.alert, spec.severity, 'resolved', resolvedChannels, deadline);
          await observeUntil(Math.max(...resolved.map((d) => d.t)), duplicateWindowMs(ctx));
        } else {
          await observeUntil(Date.now(), duplicateWindowMs(ctx));
        }
        if (spec.afterRevert) accounted.push(...(await spec.afterRevert(ctx, since, revertedAt, problems, notes)));
      } catch (err) {
        problems.push((err as Error).message);
      } finally {
        if (!reverted) await spec.revert(ctx).catch((e: Error) => problems.push(`revert failed: ${e.message}`));
        if (cleanup) await cleanup().catch((e: Error) => problems.push(`cleanup failed: ${e.message}`));
      }
      const all = deliveriesSince(stack.topology, since);
      const mine = of(all, spec.alert, spec.severity);
      const counts = countDeliveries(mine);
      problems.push(...expectCounts(counts, spec.expected, spec.alert));
      problems.push(...contentProblems(mine, spec.alert, spec.severity, annotations));
      const key = (d: Delivery): string => `${d.channel} ${d.t} ${d.status}`;
      const accountedKeys = new Set(accounted.map(key));
      const { others, unexpected } = othersOf(all.filter((d) => !accountedKeys.has(key(d))), spec.alert, spec.severity, spec.allowedOthers ?? []);
      for (const u of unexpected) problems.push(`unexpected notification: ${u}`);
      const firstFiring = mine.find((d) => d.status === 'firing');
      const latency = firstFiring ? (firstFiring.t - faultAt) / 1000 : null;
      return {
        scenario: spec.name,
        description: spec.description,
        alert: spec.alert,
        severity: spec.severity,
        receiver: spec.receiver,
        faultAt,
        latencySeconds: latency,
        theoreticalMinimumSeconds: minimum,
        ratio: latency === null ? null : latency / minimum,
        counts,
        others,
        problems,
        notes,
        deliveries: all,
        durationSeconds: (Date.now() - since) / 1000,
      };
    },
  };
}

/** Exact notifications of a page (SMS never sends resolutions) and of a warning. */
export const PAGE = { email: { firing: 1, resolved: 1 }, slack: { firing: 1, resolved: 1 }, sms: { firing: 1, resolved: 0 } };
export const WARN = { email: { firing: 1, resolved: 1 }, slack: { firing: 1, resolved: 1 } };

export const stopDatabase = async (ctx: ScenarioContext): Promise<void> => ctx.stack.postgres.stop();
export const startDatabase = async (ctx: ScenarioContext): Promise<void> => ctx.stack.postgres.start();
