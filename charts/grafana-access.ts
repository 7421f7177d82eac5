/**
 * Who may do what in Grafana: `security.adminUsers` and `security.readOnlyUsers` become the role
 * mapping of Grafana's generic OAuth / OpenID Connect sign-in (Grafana OSS, no licence), a JMESPath
 * expression (`role_attribute_path`) that Grafana evaluates against the ID token's claims, then
 * against the user-info response, at every sign-in.
 */
import type { OAuthSignInConfig } from '../contract/config/index.js';

/** The Grafana roles the mapping hands out (org roles; nobody becomes a Grafana server admin this way). */
export const GRAFANA_ROLES = { admin: 'Admin', readOnly: 'Viewer' } as const;

/** Where Grafana reads the OAuth client secret (`GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET__FILE`). */
export const OAUTH_SECRET_DIR = '/etc/grafana/secrets/oauth';

export interface AccessLists {
  adminUsers: readonly string[];
  readOnlyUsers: readonly string[];
  others: OAuthSignInConfig['others'];
}

/** A JMESPath JSON literal: addresses are plain (the schema allows no quote or backtick). */
const jsonLiteral = (values: readonly string[]): string => `\`${JSON.stringify(values)}\``;

/**
 * The role expression. The `email` claim is lower-cased (providers keep the case users typed) and
 * a missing claim is an empty string, which matches nobody. No match yields `false` (not a role),
 * and with `role_attribute_strict` Grafana then refuses the sign-in; `others: viewer` ends in
 * 'Viewer' instead.
 */
export function roleAttributePath(lists: AccessLists): string {
  const login = "lower(email || '')";
  const parts = [
    `contains(${jsonLiteral(lists.adminUsers)}, ${login}) && '${GRAFANA_ROLES.admin}'`,
    `contains(${jsonLiteral(lists.readOnlyUsers)}, ${login}) && '${GRAFANA_ROLES.readOnly}'`,
    ...(lists.others === 'viewer' ? [`'${GRAFANA_ROLES.readOnly}'`] : []),
  ];
  return parts.join(' || ');
}

/** The `[auth.generic_oauth]` section of grafana.ini; the client secret is a file from a Secret. */
export function genericOAuthSection(oauth: OAuthSignInConfig, lists: AccessLists): Record<string, string | boolean> {
  return {
    enabled: true,
    name: oauth.name,
    client_id: oauth.clientId,
    scopes: oauth.scopes.join(' '),
    auth_url: oauth.authUrl,
    token_url: oauth.tokenUrl,
    api_url: oauth.apiUrl,
    use_pkce: true,
    allow_sign_up: true,
    email_attribute_path: 'email',
    login_attribute_path: 'email',
    role_attribute_path: roleAttributePath(lists),
    // No match is no access, never the default role; the role is re-read at every sign-in.
    role_attribute_strict: true,
    skip_org_role_sync: false,
    allow_assign_grafana_admin: false,
  };
}
