import type { MonitoringConfig } from '../contract/config/index.js';
import type { TextFile } from '../contract/serialize.js';
import { alertingRules } from './rule-groups.js';
import type { AlertName } from '../contract/alerts.js';
import { RUNBOOK_CONTENT, type RunbookContent } from './runbook-content.js';
import type { AlertingRule } from '../contract/rules.js';

/** Escapes a PromQL expression for a Markdown table cell. */
const cell = (s: string): string => `\`${s.replace(/\|/g, '\\|')}\``;

/**
 * `runbooks/<AlertName>.md` for every alert of the given environments: the human content from
 * runbook-content.ts, then each environment's rules (severity, delay, condition) taken from the
 * very rules Prometheus loads, so a runbook never disagrees with its alert. Names are relative to
 * dist/runbooks/.
 */
export function buildRunbooks(configOrConfigs: MonitoringConfig | readonly MonitoringConfig[]): TextFile[] {
  const configs: readonly MonitoringConfig[] = Array.isArray(configOrConfigs) ? configOrConfigs : [configOrConfigs as MonitoringConfig];
  const byAlert = new Map<string, { env: string; rule: AlertingRule }[]>();
  for (const config of configs) {
    if (!config.monitoringEnabled) continue;
    for (const rule of alertingRules(config)) {
      const list = byAlert.get(rule.alert) ?? [];
      list.push({ env: config.environment, rule });
      byAlert.set(rule.alert, list);
    }
  }
  const pages: TextFile[] = [];
  const names = [...byAlert.keys()].sort();
  for (const name of names) {
    const content = RUNBOOK_CONTENT[name as AlertName] as RunbookContent | undefined;
    if (content === undefined) throw new Error(`alert ${name} has no runbook: add it to alert-rules/runbook-content.ts`);
    const rules = byAlert.get(name) ?? [];
    const lines = [
      `# ${name}`,
      '',
      `> ${rules[0].rule.annotations.summary}`,
      '',
      '## Meaning',
      '',
      content.meaning,
      '',
      '## Impact',
      '',
      content.impact,
      '',
      '## Diagnosis',
      '',
      ...content.diagnosis.map((d) => `1. ${d}`),
      '',
      '## Mitigation',
      '',
      ...content.mitigation.map((m) => `1. ${m}`),
      '',
      '## Rules',
      '',
      'Generated from `alert-rules/`; `for` is how long the condition must hold before the alert fires.',
      '',
      '| environment | severity | for | condition |',
      '| --- | --- | --- | --- |',
      ...rules.map(({ env, rule }) => `| ${env} | ${rule.labels.severity} | ${rule.for ?? '0s'} | ${cell(rule.expr)} |`),
      '',
    ];
    pages.push({ name: `${name}.md`, text: lines.join('\n') });
  }
  const index = ['# Runbooks', '', 'One page per alert, generated from `alert-rules/` by `npm run synth`.', '', ...names.map((n) => `- [${n}](${n}.md)`), ''];
  pages.push({ name: 'README.md', text: index.join('\n') });
  return pages;
}
