/**
 * The review's PromQL reading (thresholds, shape), the backtest's replay of Prometheus' alert
 * state machine, and recording-rule inlining, whose filters are evaluated by promtool against the
 * recorded series they replace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toYaml } from '../contract/serialize.js';
import { firingIntervals, union } from '../stacks/review/backtest.js';
import { comparisons, inlineRecordingRules, shapeOf, syntaxError, thresholdWords } from '../stacks/review/promql.js';
import { requireTool } from './helpers/tools.js';

describe('thresholds', () => {
  it('finds constant comparisons on either side, with constant arithmetic evaluated', () => {
    const expr = 'job:x:ratio_rate1h > (14.4 * (1 - 0.995)) and on (job) 0.1 <= job:y:rate5m';
    expect(comparisons(expr).map((c) => [c.op, Number(c.value.toFixed(6)), c.subject])).toEqual([
      ['>', 0.072, 'job:x:ratio_rate1h'],
      ['>=', 0.1, 'job:y:rate5m'],
    ]);
    expect(thresholdWords(comparisons('x < 5')[0])).toBe('below 5');
    expect(comparisons('a > b')).toEqual([]);
  });

  it('two expressions have the same shape when only their thresholds differ', () => {
    expect(shapeOf('cpu{job="e"} > 0.9')).toBe(shapeOf('cpu{job="e"}  >  0.95'));
    expect(shapeOf('cpu{job="e"} > 0.9')).not.toBe(shapeOf('cpu{job="f"} > 0.9'));
    expect(shapeOf('rate(x[5m]) > 1')).not.toBe(shapeOf('rate(x[10m]) > 1'));
  });

  it('reports where an expression stops parsing', () => {
    expect(syntaxError('sum(rate(x[5m])')).toMatch(/^syntax error at character \d+/);
    expect(syntaxError('sum(rate(x[5m]))')).toBeUndefined();
  });
});

describe('the alert state machine replayed on evaluation times', () => {
  const at = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('fires after `for`, resolves at the first evaluation without the series', () => {
    // Present at 10..20 with for 3 s: pending 10..12, firing 13..20, resolved at 21.
    expect(firingIntervals(at(10, 20), 1, 3, 0)).toEqual([[13, 21]]);
    // Shorter than `for`: never fires; for 0: fires at once.
    expect(firingIntervals(at(10, 12), 1, 3, 0)).toEqual([]);
    expect(firingIntervals(at(10, 12), 1, 0, 0)).toEqual([[10, 13]]);
    // A gap restarts the pending time.
    expect(firingIntervals([...at(10, 14), ...at(16, 20)], 1, 3, 0)).toEqual([[13, 15], [19, 21]]);
  });

  it('keep_firing_for bridges a gap shorter than itself', () => {
    expect(firingIntervals([...at(10, 14), ...at(16, 20)], 1, 3, 5)).toEqual([[13, 26]]);
    expect(firingIntervals([...at(10, 14), ...at(30, 40)], 1, 3, 5)).toEqual([[13, 20], [33, 46]]);
  });

  it('counts episodes of the alert as the union over its series', () => {
    expect(union([[0, 10], [5, 15], [20, 30]])).toEqual({ episodes: 2, seconds: 25 });
  });
});

describe('recording rules inlined into a backtest query', () => {
  const rules = new Map([['job_route:x:sum', [{ expr: 'sum by (job, route) (x)', labels: { team: 't' } }]]]);
  const inline = (expr: string): string => inlineRecordingRules(expr, rules, () => true, '1m').expr;

  it('replaces references, keeping the rule\'s labels and the selector\'s matchers, and parses', () => {
    const r = inlineRecordingRules('job_route:x:sum{route=~"a.*"} > 1', rules, () => true, '1m');
    expect(r.inlined).toEqual(['job_route:x:sum']);
    expect(r.expr).toContain('sum by (job, route) (x)');
    expect(syntaxError(r.expr)).toBeUndefined();
    expect(inlineRecordingRules('job_route:x:sum > 1', rules, () => false, '1m').expr).toBe('job_route:x:sum > 1');
    expect(inline('max_over_time(job_route:x:sum[10m])')).toMatch(/^max_over_time\(\(.*\)\[10m:1m\]\)$/);
    expect(() => inline('job_route:x:sum offset 5m')).toThrow(/offset or @ modifier/);
  });

  it('evaluates to what the recorded series would have given (promtool test rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'review-inline-'));
    try {
      const series = [
        { series: 'x{job="j", route="a1"}', values: '1+0x10' },
        { series: 'x{job="j", route="b1"}', values: '2+0x10' },
        { series: 'x{job="k", route="a2"}', values: '3+0x10' },
      ];
      const s = (job: string, route: string, value: number) => ({ labels: `{job="${job}", route="${route}", team="t"}`, value });
      const cases: [string, ReturnType<typeof s>[]][] = [
        ['job_route:x:sum{route=~"a.*"}', [s('j', 'a1', 1), s('k', 'a2', 3)]],
        ['job_route:x:sum{route!~"a.*"}', [s('j', 'b1', 2)]],
        ['job_route:x:sum{job="j"}', [s('j', 'a1', 1), s('j', 'b1', 2)]],
        ['job_route:x:sum{job!="j"}', [s('k', 'a2', 3)]],
        ['job_route:x:sum{missing=""}', [s('j', 'a1', 1), s('j', 'b1', 2), s('k', 'a2', 3)]],
        ['job_route:x:sum{route="a.*"}', []],
        ['max_over_time(job_route:x:sum{job="k"}[5m])', [s('k', 'a2', 3)]],
      ];
      writeFileSync(join(dir, 'rules.yaml'), toYaml({ groups: [] }));
      writeFileSync(
        join(dir, 'test.yaml'),
        toYaml({
          rule_files: ['rules.yaml'],
          evaluation_interval: '1m',
          tests: [{ interval: '1m', input_series: series, promql_expr_test: cases.map(([expr, exp]) => ({ expr: inline(expr), eval_time: '5m', exp_samples: exp.map((e) => ({ labels: e.labels, value: e.value })) })) }],
        }),
      );
      const r = spawnSync(requireTool('promtool'), ['test', 'rules', join(dir, 'test.yaml')], { encoding: 'utf8' });
      expect({ status: r.status, output: `${r.stdout}${r.stderr}`.trim() }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
