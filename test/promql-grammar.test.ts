/**
 * Every rule expression parses with the current PromQL grammar (@prometheus-io/lezer-promql, the
 * parser of Prometheus 3's UI), complementing promtool 2.42, and names only series that exist: a
 * catalog metric (with the job that publishes it), a series of node-exporter, the kubelet or
 * kube-state-metrics we read (external-metrics.ts, with its job), a recording rule of ours, or a
 * self-metric of Prometheus/Alertmanager.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { buildRuleGroups,  } from '../alert-rules/index.js';
import { isRecordingRule } from '../contract/rules.js';
import { ALL_METRICS, jobOf, seriesNames } from '../contract/metric-catalog.js';
import { ALL_EXTERNAL, externalJob } from '../contract/external-metrics.js';
import { ENVIRONMENT_NAMES, loadConfig } from '../contract/config/index.js';

interface Selector {
  metric: string;
  text: string;
}

function parsePromql(expr: string): { errors: number; selectors: Selector[] } {
  const cursor = parser.parse(expr).cursor();
  let errors = 0;
  const selectors: Selector[] = [];
  do {
    if (cursor.type.isError) errors++;
    if (cursor.name === 'VectorSelector') {
      const text = expr.slice(cursor.from, cursor.to);
      selectors.push({ metric: text.replace(/\{.*$/s, ''), text });
    }
  } while (cursor.next());
  return { errors, selectors };
}

const SELF_METRICS = new Set([
  'up',
  'prometheus_rule_evaluation_failures_total',
  'prometheus_notifications_errors_total',
  'prometheus_config_last_reload_successful',
  'alertmanager_config_last_reload_successful',
  'alertmanager_notifications_failed_total',
]);

describe.each(ENVIRONMENT_NAMES)('%s rule expressions', (env) => {
  const groups = buildRuleGroups(loadConfig(env, {}));
  const recorded = new Set(groups.flatMap((g) => g.rules.filter(isRecordingRule).map((r) => r.record)));
  const catalog = new Map(ALL_METRICS.flatMap((def) => seriesNames(def).map((s) => [s, def] as const)));
  const rules = groups.flatMap((g) => g.rules.map((r) => ({ name: 'alert' in r ? r.alert : r.record, expr: r.expr })));

  it('parse without error in the current PromQL grammar', () => {
    expect(rules.filter((r) => parsePromql(r.expr).errors > 0)).toEqual([]);
  });

  it('select only known series, catalog metrics under the job that publishes them', () => {
    const unknown: string[] = [];
    for (const r of rules) {
      for (const s of parsePromql(r.expr).selectors) {
        const def = catalog.get(s.metric);
        const theirs = ALL_EXTERNAL.find((d) => d.name === s.metric);
        if (def) {
          if (!s.text.includes(`job="${jobOf(def)}"`)) unknown.push(`${r.name}: ${s.text} lacks job="${jobOf(def)}"`);
        } else if (theirs) {
          // node-exporter, cAdvisor, kubelet and kube-state-metrics series, under the job that scrapes them.
          if (!s.text.includes(`job="${externalJob(theirs.source)}"`)) unknown.push(`${r.name}: ${s.text} lacks job="${externalJob(theirs.source)}"`);
        } else if (!recorded.has(s.metric) && !SELF_METRICS.has(s.metric)) unknown.push(`${r.name}: ${s.metric}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});

it('the grammar check can fail', () => {
  expect(parsePromql('sum(rate(up[5m])').errors).toBeGreaterThan(0);
});
