import { ConfigError, loadConfig } from '../contract/config/index.js';
import { synthesize } from '../stacks/synth.js';

const problems = (extra: Parameters<typeof loadConfig>[2]): string[] => {
  try {
    loadConfig('production', {}, extra);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => `${p.where}: ${p.message}`);
  }
};

describe('alerting channel configuration', () => {
  it('defaults: SMS through the in-cluster bridge, heartbeat to Opsgenie with credentials from a Secret', () => {
    const c = loadConfig('production', {});
    expect(c.channels.sms.bridgeUrl).toBe('http://immigration-ai-sms-bridge:9095/alerts');
    expect(c.channels.heartbeat).toMatchObject({
      url: 'https://api.opsgenie.com/v2/heartbeats/immigration-ai-production/ping',
      authorizationType: 'GenieKey',
      credentialsSecret: { name: 'alertmanager-heartbeat', key: 'credentials' },
    });
    expect(loadConfig('staging', {}).channels.heartbeat.url).toContain('immigration-ai-staging');
  });

  it('rejects a bridge or heartbeat URL that is not http(s), and the Basic scheme Alertmanager refuses', () => {
    expect(problems({ channels: { sms: { bridgeUrl: 'ftp://x/alerts' } } })).toEqual([expect.stringMatching(/^channels\.sms\.bridgeUrl: must match/)]);
    expect(problems({ channels: { heartbeat: { url: 'not a url' } } })[0]).toMatch(/^channels\.heartbeat\.url: /);
    expect(problems({ channels: { heartbeat: { authorizationType: 'Basic' } } })).toEqual([expect.stringMatching(/^channels\.heartbeat\.authorizationType: must match/)]);
    expect(problems({ channels: { heartbeat: { authorizationType: 'Bearer' } } })).toEqual([]);
  });
});

describe('synth wiring', () => {
  it('MONITORING_ENABLED=false emits no rules and no Alertmanager config', () => {
    const paths = synthesize(['dev'], { MONITORING_ENABLED: 'false' }).paths();
    expect(paths.filter((p) => /\/(prometheus|alertmanager)\//.test(p))).toEqual([]);
  });

  it('every environment gets its rules and Alertmanager config; runbooks live once at the root', () => {
    const paths = synthesize(undefined, {}).paths();
    for (const env of ['dev', 'staging', 'production']) {
      expect(paths).toContain(`${env}/alertmanager/alertmanager.yml`);
      expect(paths).toContain(`${env}/prometheus/rules/immigration-ai-api.yaml`);
    }
    expect(paths).toContain('runbooks/ImmigrationAiDatabaseDown.md');
    expect(paths.filter((p) => p.includes('/runbooks/'))).toEqual([]);
  });
});
