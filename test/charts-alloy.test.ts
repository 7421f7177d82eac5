/**
 * No Alloy binary is packaged for Debian or npm, so the pipeline is checked structurally: braces
 * and strings balance, every component reference points at a declared component of a known kind,
 * and the labels the product spec's LogQL queries select on are set.
 */
import { alloyConfig } from '../charts/alloy.js';
import { ALLOY, EXPORTER, GRAFANA, lokiUrl, SMS_BRIDGE } from '../contract/components.js';
import { loadConfig } from '../contract/config/index.js';

const KNOWN_COMPONENTS = ['discovery.kubernetes', 'discovery.relabel', 'local.file_match', 'loki.source.file', 'loki.source.api', 'loki.process', 'loki.write'];

/** `kind.sub "label" {` blocks at the top level. */
function components(text: string): string[] {
  return [...text.matchAll(/^([a-z_]+\.[a-z_.]+) "([a-z_]+)" \{$/gm)].map((m) => `${m[1]}.${m[2]}`);
}

describe('Alloy pipeline', () => {
  const config = loadConfig('production', {});
  const text = alloyConfig({
    appNamespace: config.kubernetes.appNamespace, monitoringNamespace: config.namespace, pushingComponents: [EXPORTER.name, SMS_BRIDGE.name], cluster: config.cluster, lokiUrl: lokiUrl(config.namespace),
  });
  const code = text.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\/\/.*$/gm, '');

  it('balances braces, brackets and quotes', () => {
    expect((text.match(/"/g) ?? []).length % 2).toBe(0);
    for (const [open, close] of [['{', '}'], ['[', ']'], ['(', ')']]) {
      let depth = 0;
      for (const ch of code) {
        if (ch === open) depth += 1;
        if (ch === close) depth -= 1;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
    }
  });

  it('declares only known component kinds and references only declared components', () => {
    const declared = components(text);
    expect(declared.length).toBeGreaterThanOrEqual(8);
    for (const d of declared) expect(KNOWN_COMPONENTS).toContain(d.split('.').slice(0, -1).join('.'));
    const refs = [...code.matchAll(/\b((?:discovery|local|loki)\.[a-z_.]+)\.(targets|output|receiver)\b/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(declared).toContain(r);
  });

  it('labels every stream job="immigration-ai" for the monitoring guide queries and ships to our Loki', () => {
    expect(text).toContain('replacement  = "immigration-ai"');
    expect(text).toContain('"job" = "immigration-ai"');
    expect(text).toContain(`url = "http://loki.${config.namespace}.svc:3100/loki/api/v1/push"`);
    expect(text).toContain(`names = ["${config.kubernetes.appNamespace}", "${config.namespace}"]`);
  });

  it('collects the monitoring namespace with job=<component>, except the programs that push their own logs', () => {
    const rules = [...text.matchAll(/ {2}rule \{\n([\s\S]*?)\n {2}\}/g)].map((m) => m[1]);
    const field = (r: string, name: string): string | undefined => new RegExp(`${name} += (.*)`).exec(r)?.[1];
    const byComponent = rules.find((r) => field(r, 'regex') === `"${config.namespace};(.+)"`);
    expect(byComponent && { target: field(byComponent, 'target_label'), replacement: field(byComponent, 'replacement') }).toEqual({ target: '"job"', replacement: '"$1"' });
    // The generic job rule comes first, so the component's rule overrides it for our namespace only.
    expect(rules.findIndex((r) => field(r, 'replacement') === '"immigration-ai"')).toBeLessThan(rules.indexOf(byComponent!));
    const drop = rules.find((r) => field(r, 'action') === '"drop"');
    expect(field(drop!, 'regex')).toBe(`"${config.namespace};(${EXPORTER.name}|${SMS_BRIDGE.name})"`);
  });

  it('strips the client address, referer and numeric id from Grafana\'s request lines and keeps the login name, method, path and status', () => {
    const block = /stage\.match \{[\s\S]*?\n {2}\}/.exec(text)?.[0] ?? '';
    expect(JSON.parse(/selector = (".*")/.exec(block)![1])).toBe(`{job="${GRAFANA.name}"}`);
    // The Alloy string literal decodes as JSON does; RE2 and JavaScript read this expression alike.
    const expression = new RegExp(JSON.parse(/expression = (".*")/.exec(block)![1]) as string, 'g');
    const line = 'logger=context userId=7 orgId=1 uname=lead.admin@example.com t=2026-11-30T01:00:00Z level=info msg="Request Completed" method=POST path=/api/alertmanager/alertmanager/api/v2/silences status=200 remote_addr=203.0.113.9 time_ms=12 duration=12.3ms size=40 referer="https://grafana.example.com/alerting/silences?orgId=1&x=a b" handler=/api/alertmanager/:DatasourceUID/*';
    expect(line.replace(expression, '')).toBe('logger=context orgId=1 uname=lead.admin@example.com t=2026-11-30T01:00:00Z level=info msg="Request Completed" method=POST path=/api/alertmanager/alertmanager/api/v2/silences status=200 time_ms=12 duration=12.3ms size=40 handler=/api/alertmanager/:DatasourceUID/*');
    expect('msg="Request Completed" method=GET path=/login status=302 remote_addr=[2001:db8::1]:443 referer='.replace(expression, '')).toBe('msg="Request Completed" method=GET path=/login status=302');
  });

  it('receives Loki\'s push API on its push port and forwards it to Loki with the pushed timestamps', () => {
    const block = /loki\.source\.api "push" \{[\s\S]*?\n\}/.exec(text)?.[0] ?? '';
    expect(block).toContain(`listen_port    = ${ALLOY.pushPort}`);
    expect(block).toContain('use_incoming_timestamp = true');
    expect(block).toContain('forward_to             = [loki.write.loki.receiver]');
  });
});
