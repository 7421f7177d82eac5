/**
 * The exporter's system check judges CPU and memory over a window: one busy sample (another pod's
 * burst on the node) never makes it unhealthy, a node busy for the whole window does. Host readers
 * are replaced by scripted ones so the samples and the clock are known.
 */
import { tmpdir } from 'node:os';
import { SystemCheck } from '../exporters/health-exporter/system-check.js';

/** A host whose CPUs are busy `busy` of every step, with `memory` of its memory in use; time moves `stepMs` per run. */
function scriptedHost(stepMs: number) {
  let t = 1_000_000;
  let idle = 0;
  let total = 0;
  const state = { busy: 0.1, memory: 0.5 };
  const ticks = 1_000_000; // per step: far above the "too soon" guard of 20 ticks per core
  return {
    state,
    readers: {
      cpu: () => ({ idle, total }),
      memory: () => ({ totalBytes: 1000, availableBytes: 1000 * (1 - state.memory) }),
      now: () => t,
    },
    /** Advances the clock and the CPU counters by one step at the current load. */
    step() {
      t += stepMs;
      total += ticks;
      idle += ticks * (1 - state.busy);
    },
  };
}

const LIMITS = { cpuRatio: 0.9, memoryRatio: 0.9, diskRatio: 1 };

async function runSteps(check: SystemCheck, host: ReturnType<typeof scriptedHost>, loads: number[], field: 'busy' | 'memory'): Promise<string[]> {
  const out: string[] = [];
  for (const load of loads) {
    host.state[field] = load;
    host.step();
    out.push((await check.run()).result.status);
  }
  return out;
}

describe('system check over a window (60 s window, a sample every 15 s)', () => {
  it('one busy interval among quiet ones stays healthy', async () => {
    const host = scriptedHost(15_000);
    const check = new SystemCheck([tmpdir()], LIMITS, 60, host.readers);
    const statuses = await runSteps(check, host, [0.2, 0.2, 0.2, 0.2, 0.2, 1, 0.2, 0.2, 1, 0.3], 'busy');
    expect(statuses.every((s) => s === 'healthy')).toBe(true);
  });

  it('CPU above the limit for the whole window turns it unhealthy, and one quiet sample back to healthy', async () => {
    const host = scriptedHost(15_000);
    const check = new SystemCheck([tmpdir()], LIMITS, 60, host.readers);
    await runSteps(check, host, [0.2, 0.2], 'busy');
    // 95% from here: unhealthy once four 15 s samples (60 s) are all above 90%.
    const statuses = await runSteps(check, host, [0.95, 0.95, 0.95, 0.95, 0.95, 0.5, 0.95], 'busy');
    expect(statuses).toEqual(['healthy', 'healthy', 'healthy', 'unhealthy', 'unhealthy', 'healthy', 'healthy']);
    host.state.busy = 0.95;
    host.step();
    const r = await check.run();
    expect(r.result).toMatchObject({ status: 'healthy', window_seconds: 60, cpu_usage_percent: 95 });
  });

  it('a fresh check is not judged before its samples cover the window, however busy', async () => {
    const host = scriptedHost(15_000);
    const check = new SystemCheck([tmpdir()], LIMITS, 60, host.readers);
    const statuses = await runSteps(check, host, [1, 1, 1, 1, 1], 'busy');
    expect(statuses).toEqual(['healthy', 'healthy', 'healthy', 'healthy', 'unhealthy']);
  });

  it('memory is judged the same way, and says why', async () => {
    const host = scriptedHost(30_000);
    const check = new SystemCheck([tmpdir()], LIMITS, 60, host.readers);
    const statuses = await runSteps(check, host, [0.5, 0.95, 0.5, 0.95, 0.95, 0.95], 'memory');
    expect(statuses).toEqual(['healthy', 'healthy', 'healthy', 'healthy', 'unhealthy', 'unhealthy']);
    const r = await check.run();
    expect(r.result.details).toBe('System resources over limits: memory usage 95% (above the limit for 60 s)');
  });

  it('rare samples (a run every 5 minutes) each cover the window: one 5-minute average above the limit is enough', async () => {
    const host = scriptedHost(300_000);
    const check = new SystemCheck([tmpdir()], LIMITS, 300, host.readers);
    expect(await runSteps(check, host, [0.3, 0.95], 'busy')).toEqual(['healthy', 'unhealthy']);
  });
});
