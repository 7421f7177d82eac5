/**
 * The admin and read-only lists as Grafana applies them: the generated grafana.ini is parsed, and
 * its `role_attribute_path` is evaluated against sample sign-ins with the JMESPath implementation of
 * the community specification, the one Grafana uses (github.com/jmespath-community/go-jmespath).
 * Grafana's own decision is modelled as in its generic OAuth connector: the ID token's claims first,
 * then the user info; a result that is not a role is a refused sign-in under `role_attribute_strict`,
 * the default role otherwise.
 */
import { compile, search } from '@jmespath-community/jmespath';
import { parse as parseIni } from 'ini';
import { ConfigError, type DeepPartial, loadConfig, type MonitoringConfig } from '../contract/config/index.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { find, objectsIn, podSpecOf } from './helpers/manifests.js';

const VALID_ROLES = new Set(['Admin', 'Editor', 'Viewer', 'None']);
// Sample identities on the documentation domain: no real person's address.
const ADMIN = 'lead.admin@example.com';
const READER = 'support.reader@example.com';
const STRANGER = 'someone.else@example.com';

const oauthOn = (others: 'deny' | 'viewer' = 'deny'): DeepPartial<MonitoringConfig> => ({
  security: { adminUsers: [ADMIN], readOnlyUsers: [READER], oauth: { enabled: true, others } },
});

function grafanaOf(config: MonitoringConfig) {
  const objects = objectsIn(synthesizeEnvironment(config), '', 'k8s');
  const ini = parseIni((find(objects, 'ConfigMap', 'grafana-config').data as Record<string, string>)['grafana.ini']);
  return { objects, ini };
}
/** A section of the parsed ini (the parser nests dotted section names such as auth.generic_oauth). */
const section = (ini: Record<string, any>, name: string): Record<string, any> | undefined => name.split('.').reduce<any>((o, k) => o?.[k], ini);

type Sign = { role: string } | { refused: true };
/** Grafana's decision for one sign-in, from the generated [auth.generic_oauth] and [users] sections. */
function signIn(ini: Record<string, any>, idToken: Record<string, unknown>, userInfo: Record<string, unknown> = {}): Sign {
  const oauth = section(ini, 'auth.generic_oauth')!;
  for (const claims of [idToken, userInfo]) {
    const v = search(claims as any, oauth.role_attribute_path);
    if (typeof v === 'string' && VALID_ROLES.has(v)) return { role: v };
  }
  if (oauth.role_attribute_strict === true) return { refused: true };
  return { role: section(ini, 'users')!.auto_assign_org_role };
}

describe('Grafana access control from security.adminUsers / readOnlyUsers', () => {
  it('maps an admin, a read-only user and a stranger (refused by default)', () => {
    const { ini } = grafanaOf(loadConfig('production', {}, oauthOn()));
    const oauth = section(ini, 'auth.generic_oauth')!;
    expect(oauth.enabled).toBe(true);
    expect(() => compile(oauth.role_attribute_path)).not.toThrow();
    expect(signIn(ini, { email: ADMIN })).toEqual({ role: 'Admin' });
    expect(signIn(ini, { email: READER })).toEqual({ role: 'Viewer' });
    expect(signIn(ini, { email: STRANGER })).toEqual({ refused: true });
    // Case as typed at the provider, the claim only in the user info, no email claim at all.
    expect(signIn(ini, { email: 'Lead.Admin@Example.COM' })).toEqual({ role: 'Admin' });
    expect(signIn(ini, { sub: '123' }, { email: READER })).toEqual({ role: 'Viewer' });
    expect(signIn(ini, { sub: '123' })).toEqual({ refused: true });
    // A look-alike is no match: the whole address is compared, not a part of it.
    expect(signIn(ini, { email: `x${ADMIN}` })).toEqual({ refused: true });
    expect(signIn(ini, { email: ADMIN.replace('@example.com', '@example.com.evil.test') })).toEqual({ refused: true });
  });

  it('makes a stranger a Viewer when others is "viewer"', () => {
    const { ini } = grafanaOf(loadConfig('production', {}, oauthOn('viewer')));
    expect(signIn(ini, { email: STRANGER })).toEqual({ role: 'Viewer' });
    expect(signIn(ini, { email: ADMIN })).toEqual({ role: 'Admin' });
  });

  it('reads the client secret from its Secret, never from the generated files', () => {
    const config = loadConfig('production', {}, oauthOn());
    const { objects, ini } = grafanaOf(config);
    expect(section(ini, 'auth.generic_oauth')!.client_id).toBe(config.security.oauth.clientId);
    expect(section(ini, 'auth.generic_oauth')!.client_secret).toBeUndefined();
    const spec = podSpecOf(find(objects, 'Deployment', 'grafana'));
    const c = spec.containers[0];
    const secretEnv = c.env.find((e: { name: string }) => e.name === 'GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET__FILE');
    const volume = spec.volumes.find((v: { secret?: { secretName: string } }) => v.secret?.secretName === config.security.oauth.clientSecret.name);
    const mount = c.volumeMounts.find((m: { name: string }) => m.name === volume.name);
    expect(secretEnv.value).toBe(`${mount.mountPath}/${config.security.oauth.clientSecret.key}`);
  });

  it('generates no sign-in and no role mapping when OAuth is off (the default)', () => {
    const { ini } = grafanaOf(loadConfig('production', {}));
    expect(section(ini, 'auth.generic_oauth')).toBeUndefined();
    expect(section(ini, 'auth.anonymous')!.enabled).toBe(false);
  });
});

describe('access settings: clear errors', () => {
  const problems = (extra: DeepPartial<MonitoringConfig>) => {
    try {
      loadConfig('production', {}, extra);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };

  it('refuses lists that nothing applies', () => {
    expect(problems({ security: { adminUsers: [ADMIN] } })).toEqual([
      { where: 'security.adminUsers', message: expect.stringContaining('enable security.oauth') },
    ]);
  });

  it('refuses a user on both lists, an address that cannot be matched, and an OAuth sign-in nobody may pass', () => {
    expect(problems({ security: { adminUsers: [ADMIN], readOnlyUsers: [ADMIN], oauth: { enabled: true } } })).toEqual([
      { where: 'security.readOnlyUsers.0', message: expect.stringContaining('also in security.adminUsers') },
    ]);
    expect(problems({ security: { adminUsers: ['Lead.Admin@example.com'], oauth: { enabled: true } } })).toEqual([
      { where: 'security.adminUsers.0', message: expect.stringContaining('lower-case email address') },
    ]);
    expect(problems({ security: { adminUsers: ["o'brien@example.com"], oauth: { enabled: true } } })[0].where).toBe('security.adminUsers.0');
    expect(problems({ security: { oauth: { enabled: true } } })).toEqual([
      { where: 'security.oauth.others', message: expect.stringContaining('nobody could sign in') },
    ]);
    expect(problems({ security: { oauth: { enabled: true, tokenUrl: 'http://sso.example.com/token', others: 'viewer' } } })).toEqual([
      { where: 'security.oauth.tokenUrl', message: expect.stringContaining('https://') },
    ]);
  });
});
