/**
 * The manifest runner's reading of a pod (test/manifest-run/plan.ts) and its process-fallback
 * translation, without running anything: what the kubelet would resolve, and that a wiring
 * mistake in a manifest is an error rather than a pod that silently lacks its settings.
 */
import { ALERTMANAGER, EXPORTER, EXPORTER_MAINTENANCE, SMS_BRIDGE } from '../contract/components.js';
import { loadConfig } from '../contract/config/index.js';
import { EXPORTER_SECRET } from '../contract/secrets.js';
import { synthesizeEnvironment } from '../stacks/synth.js';
import { type K8sObject, objectsIn } from './helpers/manifests.js';
import { expand, findWorkload, planPod, PlanError } from './manifest-run/plan.js';
import { rewriteHosts, rewritePaths } from './manifest-run/runtime-process.js';

const config = loadConfig('production', {});
const objects = (): K8sObject[] => objectsIn(synthesizeEnvironment(config), '', 'k8s');
const secrets: Record<string, Record<string, string>> = {
  [EXPORTER_SECRET]: { DATABASE_URL: 'postgres://u:p@db:5432/x' },
  [config.channels.sms.credentialsSecret]: { TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+1', SMS_TO: '+2' },
};

describe('reading a pod as the kubelet does', () => {
  it('the exporter: environment from its ConfigMap and Secret, the manifest\'s user, read-only root and limits', () => {
    const objs = objects();
    const pod = planPod(objs, findWorkload(objs, 'Deployment', EXPORTER.name), { podIp: '10.0.0.5', secrets });
    const c = pod.containers[0];
    const env = Object.fromEntries(c.env);
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'immigration-ai-exporter-config')!.data as Record<string, string>;
    expect(env).toEqual({ ...cm, DATABASE_URL: 'postgres://u:p@db:5432/x' });
    expect(c.user).toMatchObject({ uid: 1000, gid: 1000, runAsNonRoot: true, groups: [1000] });
    expect({ ro: c.readOnlyRootFilesystem, ape: c.allowPrivilegeEscalation, drop: c.capabilities.drop }).toEqual({ ro: true, ape: false, drop: ['ALL'] });
    expect(c.limits).toEqual({ cpu: 0.5, memoryBytes: 512 * 1024 ** 2 });
    // The maintenance switch: a ConfigMap mounted as a folder, read at every scrape.
    expect(c.mounts).toEqual([{ volume: 'tmp', mountPath: '/tmp', readOnly: false }, { volume: 'maintenance', mountPath: EXPORTER_MAINTENANCE.mountDir, readOnly: true }]);
  });

  it('Alertmanager: $(POD_IP) in its arguments, the config Secret\'s items and the optional credential Secrets', () => {
    const objs = objects();
    const pod = planPod(objs, findWorkload(objs, 'StatefulSet', ALERTMANAGER.name), { podIp: '10.0.0.7' });
    expect(pod.name).toBe('alertmanager-0');
    const am = pod.containers.find((c) => c.name === 'alertmanager')!;
    expect(am.args).toContain('--cluster.listen-address=[10.0.0.7]:9094');
    const config = pod.volumes.find((v) => v.name === 'config')!.source as { kind: 'files'; files: { path: string }[] };
    expect(config.files.map((f) => f.path).sort()).toEqual(['alertmanager.yml', 'templates/immigration-ai.tmpl']);
    // No test value for the SMTP Secret: optional, so an empty volume, as the kubelet mounts it.
    const smtp = pod.volumes.find((v) => v.name === 'secret-alertmanager-smtp')!.source as { kind: 'files'; files: unknown[] };
    expect(smtp.files).toEqual([]);
    expect(pod.volumes.find((v) => v.name === 'data')!.source).toEqual({ kind: 'persistent', claim: 'data-alertmanager-0' });
  });

  it('a wiring mistake is an error, as it keeps a real pod from starting', () => {
    const objs = objects();
    const exporter = findWorkload(objs, 'Deployment', EXPORTER.name);
    const spec = (exporter.spec as any).template.spec;
    spec.containers[0].envFrom[0].configMapRef.name = 'immigration-ai-exporter-configs';
    expect(() => planPod(objs, exporter, { podIp: '10.0.0.5', secrets })).toThrow(PlanError);
    expect(() => planPod(objs, exporter, { podIp: '10.0.0.5', secrets })).toThrow(/ConfigMap immigration-ai-exporter-configs does not exist/);
    const bridge = findWorkload(objs, 'Deployment', SMS_BRIDGE.name);
    expect(() => planPod(objs, bridge, { podIp: '10.0.0.6', secrets: {} })).toThrow(/Secret sms-bridge-twilio does not exist/);
    (bridge.spec as any).template.spec.containers[0].volumeMounts[0].name = 'twilo';
    expect(() => planPod(objs, bridge, { podIp: '10.0.0.6', secrets })).toThrow(/mounts volume twilo, which the pod does not define/);
  });

  it('expands $(VAR) as Kubernetes does', () => {
    const vars = new Map([['A', 'x'], ['B', 'y']]);
    expect(expand('$(A)-$(B)-$(C)-$$(A)', vars)).toBe('x-y-$(C)-$(A)');
  });
});

describe('the process fallback\'s translation', () => {
  it('rewrites mount paths once, longest first, and only whole path prefixes', () => {
    const map: [string, string][] = [['/etc/sms-bridge/twilio', '/w/twilio'], ['/tmp', '/w/tmp']];
    expect(rewritePaths('SID=/etc/sms-bridge/twilio/SID TMP=/tmp/x /tmpfoo /etc/sms-bridge/twilio', map)).toBe('SID=/w/twilio/SID TMP=/w/tmp/x /tmpfoo /w/twilio');
    // The replacement itself starts with /tmp... on many hosts: it must not be rewritten again.
    expect(rewritePaths('/etc/sms-bridge/twilio/SID', [['/etc/sms-bridge/twilio', '/tmp/run/twilio'], ['/tmp', '/w/tmp']])).toBe('/tmp/run/twilio/SID');
  });

  it('points the Service names it knows at 127.0.0.1 and leaves others alone', () => {
    const names = new Set(['prometheus.immigration-ai-monitoring.svc']);
    expect(rewriteHosts('http://prometheus.immigration-ai-monitoring.svc:9090 http://loki.other.svc:3100', names)).toBe('http://127.0.0.1:9090 http://loki.other.svc:3100');
  });
});
