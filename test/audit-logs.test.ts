/**
 * The audit trail: Grafana logs every request in logfmt with the login name (grafana.ini), the
 * collector ships the monitoring namespace (test/charts-alloy.test.ts), and the logs dashboard has
 * an "Audit" row whose LogQL parses with Grafana's grammar and whose filters pick the right lines
 * out of Grafana's own line format (pkg/middleware/loggermw: method, path, status in that order;
 * pkg/services/authn: "Failed to authenticate request").
 */
import { parse as parseIni } from 'ini';
import { ALERTMANAGER, GRAFANA } from '../contract/components.js';
import { loadConfig } from '../contract/config/index.js';
import { DASHBOARD_UIDS } from '../contract/dashboards.js';
import { AUDIT_QUERIES } from '../dashboards/audit.js';
import { buildDashboards } from '../dashboards/index.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { listQueries } from './helpers/dashboard-queries.js';
import { find, objectsIn } from './helpers/manifests.js';
import { lintLogQL } from './helpers/query-lint.js';

const config = loadConfig('production', {});

describe('audit logging', () => {
  it('Grafana logs every request (router_logging) in logfmt', () => {
    const objects = objectsIn(synthesizeEnvironment(config), '', 'k8s');
    const ini = parseIni((find(objects, 'ConfigMap', 'grafana-config').data as Record<string, string>)['grafana.ini']);
    expect(ini.server.router_logging).toBe(true);
    expect(ini.log.mode).toBe('console');
    expect(ini.log.console.format).toBe('text');
  });

  it('puts an Audit row on the logs dashboard whose queries parse and select Grafana and Alertmanager', () => {
    const logs = buildDashboards(config).find((d) => d.uid === DASHBOARD_UIDS.logs)!;
    const panels = (logs.model.panels ?? []) as { type: string; title: string }[];
    const audit = panels.findIndex((p) => p.type === 'row' && p.title === 'Audit');
    expect(audit).toBeGreaterThan(-1);
    const exprs = listQueries(logs.model).map((q) => q.expr);
    for (const q of Object.values(AUDIT_QUERIES)) {
      expect(exprs).toContain(q);
      expect({ q, problems: lintLogQL(q).problems }).toEqual({ q, problems: [] });
      expect(q).toMatch(new RegExp(`^(sum.*\\()?\\{job="(${GRAFANA.name}|${ALERTMANAGER.name})"\\}`));
    }
    expect(panels.slice(audit + 1).map((p) => p.title)).toEqual([
      'Grafana requests by user', 'Failed sign-ins', 'Sign-ins', 'Failed sign-in lines', 'Changes', 'Silences created or expired', 'Alertmanager warnings and errors',
    ]);
  });

  it('the failed sign-in filter picks the lines Grafana writes for refused sign-ins, and not others', () => {
    const filter = new RegExp(JSON.parse(/\|~ (".*")$/.exec(AUDIT_QUERIES.failedSignIns)![1]) as string);
    const lines = {
      oauthRefused: 'logger=authn.service t=2026-11-30T01:00:00Z level=warn msg="Failed to authenticate request" client=auth.client.generic_oauth error="[auth.oauth.role.strict] ..."',
      wrongPassword: 'logger=context orgId=0 uname= t=2026-11-30T01:00:00Z level=info msg="Request Completed" method=POST path=/login status=401 time_ms=80',
      signedIn: 'logger=context orgId=1 uname=lead.admin@example.com t=2026-11-30T01:00:00Z level=info msg="Request Completed" method=POST path=/login status=200 time_ms=80',
      other401: 'logger=context orgId=1 uname= t=2026-11-30T01:00:00Z level=info msg="Request Completed" method=GET path=/api/dashboards/uid/x status=401',
    };
    expect(Object.fromEntries(Object.entries(lines).map(([k, l]) => [k, filter.test(l)]))).toEqual({ oauthRefused: true, wrongPassword: true, signedIn: false, other401: false });
  });
});
