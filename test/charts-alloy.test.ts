/**
 * No Alloy binary is packaged for Debian or npm, so the pipeline is checked structurally: braces
 * and strings balance, every component reference points at a declared component of a known kind,
 * and the labels the product spec's LogQL queries select on are set.
 */
import { alloyConfig } from '../charts/alloy.js';
import { ALLOY, lokiUrl } from '../contract/components.js';
import { loadConfig } from '../contract/config/index.js';

const KNOWN_COMPONENTS = ['discovery.kubernetes', 'discovery.relabel', 'local.file_match', 'loki.source.file', 'loki.source.api', 'loki.process', 'loki.write'];

/** `kind.sub "label" {` blocks at the top level. */
function components(text: string): string[] {
  return [...text.matchAll(/^([a-z_]+\.[a-z_.]+) "([a-z_]+)" \{$/gm)].map((m) => `${m[1]}.${m[2]}`);
}

describe('Alloy pipeline', () => {
  const config = loadConfig('production', {});
  const text = alloyConfig({ appNamespace: config.kubernetes.appNamespace, cluster: config.cluster, lokiUrl: lokiUrl(config.namespace) });
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
    expect(text).toContain(`names = ["${config.kubernetes.appNamespace}"]`);
  });

  it('receives Loki\'s push API on its push port and forwards it to Loki with the pushed timestamps', () => {
    const block = /loki\.source\.api "push" \{[\s\S]*?\n\}/.exec(text)?.[0] ?? '';
    expect(block).toContain(`listen_port    = ${ALLOY.pushPort}`);
    expect(block).toContain('use_incoming_timestamp = true');
    expect(block).toContain('forward_to             = [loki.write.loki.receiver]');
  });
});
