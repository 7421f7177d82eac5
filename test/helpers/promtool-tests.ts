import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { requireTool } from './tools.js';

/** The `promtool test rules` file format, typed (https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/). */
export interface InputSeries {
  series: string;
  values: string;
}
export interface ExpectedAlert {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}
export interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts: ExpectedAlert[];
}
export interface ExprTest {
  expr: string;
  eval_time: string;
  exp_samples: { labels: string; value: number }[];
}
export interface RuleUnitTest {
  interval: string;
  input_series: InputSeries[];
  alert_rule_test?: AlertTest[];
  promql_expr_test?: ExprTest[];
}

/** Writes the test file next to the rules and runs `promtool test rules`; returns promtool's verdict and output. */
export function runPromtoolTests(
  dir: string,
  ruleFiles: string[],
  tests: RuleUnitTest[],
  evaluationInterval: string,
): { ok: boolean; output: string } {
  const file = join(dir, `unit-${Math.random().toString(36).slice(2)}.test.yaml`);
  writeFileSync(file, stringify({ rule_files: ruleFiles, evaluation_interval: evaluationInterval, tests }, { lineWidth: 0 }));
  const r = spawnSync(requireTool('promtool'), ['test', 'rules', file], { encoding: 'utf8', timeout: 120_000 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/** `name{a="b",...}` in promtool's series notation. */
export function seriesOf(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}
