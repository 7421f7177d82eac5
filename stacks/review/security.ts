/**
 * Security posture compared per workload and per subject, not per line: what weakens the
 * restricted Pod Security profile, which permissions a ServiceAccount gains or loses, which
 * images change, and which Secrets are newly read. Network flows live in network-flows.ts.
 */
import { containersOf, type EnvironmentArtifacts, type K8sObject, objectName, type PlacedObject, PROFILE_TITLES, podTemplateOf } from './artifacts.js';
import { code, type Finding, finding, type Level } from './findings.js';
import { arr, isObject, type Json, obj, objs, str, strs } from './tree.js';

interface Tagged {
  profile: string;
  finding: Finding;
}

/** One finding per text: a change seen in both profiles is reported once, naming both. */
function mergeProfiles(items: readonly Tagged[], profileCount: number): Finding[] {
  const byText = new Map<string, { f: Finding; profiles: string[] }>();
  for (const { profile, finding: f } of items) {
    const seen = byText.get(f.text);
    if (seen) seen.profiles.push(profile);
    else byText.set(f.text, { f, profiles: [profile] });
  }
  return [...byText.values()].map(({ f, profiles }) => {
    const names = [...new Set(profiles)].filter((p) => p !== '').map((p) => PROFILE_TITLES[p] ?? p);
    if (profileCount < 2 || names.length === 0) return f;
    return { ...f, text: f.text.replace(/\.$/, ` (${names.join(' and ')} profile${names.length > 1 ? 's' : ''}).`) };
  });
}

const byProfile = (e: EnvironmentArtifacts): Map<string, PlacedObject[]> => {
  const m = new Map<string, PlacedObject[]>();
  for (const p of e.objects) m.set(p.profile, [...(m.get(p.profile) ?? []), p]);
  return m;
};

const workloadKey = (o: K8sObject): string => `${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;

// ---------------------------------------------------------------- Pod Security

/** Volume types the restricted profile allows. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const ALLOWED_ADDED_CAPABILITIES = new Set(['NET_BIND_SERVICE']);

/**
 * What in a pod spec departs from the restricted Pod Security Standard (plus a writable root
 * filesystem, which our charts also forbid), as sentences keyed for comparison.
 */
export function podSecurityFacts(podSpec: Json): string[] {
  const facts: string[] = [];
  const pod = obj(podSpec.securityContext);
  if (podSpec.hostNetwork === true) facts.push('uses the host network (hostNetwork)');
  if (podSpec.hostPID === true) facts.push("shares the host's process namespace (hostPID)");
  if (podSpec.hostIPC === true) facts.push("shares the host's IPC namespace (hostIPC)");
  for (const v of objs(podSpec.volumes)) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type === 'hostPath') facts.push(`mounts the host path ${obj(v.hostPath).path ?? '?'} (volume ${v.name})`);
    else if (type !== undefined && !RESTRICTED_VOLUMES.has(type)) facts.push(`uses a ${type} volume (${v.name})`);
  }
  if (arr(pod.sysctls).length > 0) facts.push(`sets sysctls ${objs(pod.sysctls).map((s) => s.name).join(', ')}`);
  for (const c of containersOf(podSpec)) {
    const sc = obj(c.spec.securityContext);
    const who = `container ${c.name}`;
    if (sc.privileged === true) facts.push(`${who} runs privileged`);
    if (sc.allowPrivilegeEscalation !== false) facts.push(`${who} allows privilege escalation (allowPrivilegeEscalation is not false)`);
    const caps = obj(sc.capabilities);
    for (const cap of strs(caps.add).filter((x) => !ALLOWED_ADDED_CAPABILITIES.has(x))) facts.push(`${who} adds the capability ${cap}`);
    if (!strs(caps.drop).includes('ALL')) facts.push(`${who} does not drop ALL capabilities`);
    const runAsNonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    const runAsUser = sc.runAsUser ?? pod.runAsUser;
    if (runAsUser === 0) facts.push(`${who} runs as root (runAsUser 0)`);
    else if (runAsNonRoot !== true) facts.push(`${who} may run as root (runAsNonRoot is not true)`);
    const seccomp = str(obj(sc.seccompProfile ?? pod.seccompProfile).type);
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') facts.push(`${who} has no RuntimeDefault seccomp profile${seccomp ? ` (${seccomp})` : ''}`);
    if (sc.readOnlyRootFilesystem !== true) facts.push(`${who} has a writable root filesystem`);
    if (sc.procMount === 'Unmasked') facts.push(`${who} uses an unmasked /proc`);
    for (const p of objs(c.spec.ports)) if (p.hostPort !== undefined) facts.push(`${who} binds host port ${p.hostPort}`);
  }
  return facts;
}

function comparePodSecurity(base: PlacedObject[], head: PlacedObject[]): Tagged[] {
  const out: Tagged[] = [];
  const facts = (items: PlacedObject[]): Map<string, { o: K8sObject; facts: string[] }> => {
    const m = new Map<string, { o: K8sObject; facts: string[] }>();
    for (const p of items) {
      const pod = podTemplateOf(p.object);
      if (pod) m.set(workloadKey(p.object), { o: p.object, facts: podSecurityFacts(pod.spec) });
    }
    return m;
  };
  const b = facts(base);
  const h = facts(head);
  for (const [key, { o, facts: after }] of h) {
    const before = b.get(key)?.facts;
    const profile = head[0]?.profile ?? '';
    const name = code(objectName(o));
    if (!before) {
      if (after.length > 0) out.push({ profile, finding: finding('security', 'Pod Security', 'risk', `New workload ${name} departs from the restricted profile: ${after.join('; ')}.`) });
      continue;
    }
    const weakened = after.filter((f) => !before.includes(f));
    const hardened = before.filter((f) => !after.includes(f));
    if (weakened.length > 0) out.push({ profile, finding: finding('security', 'Pod Security', 'risk', `${name} weakens Pod Security: ${weakened.join('; ')}.`) });
    if (hardened.length > 0) out.push({ profile, finding: finding('security', 'Pod Security', 'info', `${name} hardens Pod Security: no longer ${hardened.join('; ')}.`) });
  }
  return out;
}

// ---------------------------------------------------------------- RBAC

interface Grant {
  subject: string;
  scope: string;
  resource: string;
  verb: string;
}

function ruleTuples(rules: unknown): { resource: string; verb: string }[] {
  const out: { resource: string; verb: string }[] = [];
  for (const r of objs(rules)) {
    const groups = arr(r.apiGroups).length > 0 ? strs(r.apiGroups) : [''];
    const names = strs(r.resourceNames);
    const suffix = names.length > 0 ? ` named ${names.join(', ')}` : '';
    const resources = [...strs(r.resources).flatMap((res) => groups.map((g) => `${res}${g === '' ? '' : `.${g}`}${suffix}`)), ...strs(r.nonResourceURLs).map((u) => `URL ${u}`)];
    for (const resource of resources) for (const verb of strs(r.verbs)) out.push({ resource, verb });
  }
  return out;
}

/** Effective grants: every binding's subjects times its role's rules, scoped to the binding's namespace or the cluster. */
function grantsOf(objects: readonly K8sObject[]): Grant[] {
  const roles = new Map<string, K8sObject>();
  for (const o of objects) {
    if (o.kind === 'Role') roles.set(`Role|${o.metadata.namespace ?? ''}|${o.metadata.name}`, o);
    if (o.kind === 'ClusterRole') roles.set(`ClusterRole||${o.metadata.name}`, o);
  }
  const out: Grant[] = [];
  for (const b of objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding')) {
    const ref = obj(b.roleRef);
    const refKind = str(ref.kind) ?? 'Role';
    const role = roles.get(`${refKind}|${refKind === 'Role' ? (b.metadata.namespace ?? '') : ''}|${str(ref.name) ?? ''}`);
    const tuples = role ? ruleTuples(role.rules) : [{ resource: `whatever ${refKind} ${ref.name} (not in this tree) allows`, verb: '' }];
    const scope = b.kind === 'ClusterRoleBinding' ? 'cluster-wide' : `in namespace ${b.metadata.namespace ?? 'default'}`;
    for (const s of objs(b.subjects)) {
      const subject = `${str(s.kind) ?? '?'} ${s.namespace ? `${s.namespace}/` : s.kind === 'ServiceAccount' ? `${b.metadata.namespace ?? 'default'}/` : ''}${str(s.name) ?? '?'}`;
      for (const t of tuples) out.push({ subject, scope, ...t });
    }
  }
  return out;
}

const SENSITIVE_RESOURCES = /^(secrets|pods\/exec|pods\/attach|nodes\/proxy|serviceaccounts\/token|\*)(\.|$| )/;
const SENSITIVE_VERBS = new Set(['*', 'escalate', 'bind', 'impersonate']);
const RBAC_OBJECTS = /^(roles|rolebindings|clusterroles|clusterrolebindings)\.rbac\.authorization\.k8s\.io/;

function sensitive(g: Grant): boolean {
  if (SENSITIVE_VERBS.has(g.verb)) return true;
  if (SENSITIVE_RESOURCES.test(g.resource)) return true;
  return RBAC_OBJECTS.test(g.resource) && ['create', 'update', 'patch'].includes(g.verb);
}

function compareRbac(base: PlacedObject[], head: PlacedObject[]): Tagged[] {
  const profile = head[0]?.profile ?? base[0]?.profile ?? '';
  const key = (g: Grant): string => `${g.subject}\u0000${g.scope}\u0000${g.resource}\u0000${g.verb}`;
  const b = grantsOf(base.map((p) => p.object));
  const h = grantsOf(head.map((p) => p.object));
  const bk = new Set(b.map(key));
  const hk = new Set(h.map(key));
  const out: Tagged[] = [];
  const report = (grants: Grant[], gained: boolean): void => {
    const groups = new Map<string, Grant[]>();
    for (const g of grants) {
      const k = `${g.subject}\u0000${g.scope}\u0000${g.resource}`;
      groups.set(k, [...(groups.get(k) ?? []), g]);
    }
    for (const gs of groups.values()) {
      const { subject, scope, resource } = gs[0];
      const verbs = [...new Set(gs.map((g) => g.verb))].sort();
      const level: Level = gained ? (gs.some(sensitive) ? 'risk' : 'notice') : 'info';
      const text = gained ? `${code(subject)} may now ${verbs.join(', ')} ${code(resource)} ${scope}.` : `${code(subject)} may no longer ${verbs.join(', ')} ${code(resource)} ${scope}.`;
      out.push({ profile, finding: finding('security', 'RBAC', level, text) });
    }
  };
  report(h.filter((g) => !bk.has(key(g))), true);
  report(b.filter((g) => !hk.has(key(g))), false);
  return out;
}

// ---------------------------------------------------------------- Images

/** `repo:tag` or `repo@digest`; a missing tag or `latest` without a digest is not pinned. */
const unpinned = (image: string): boolean => !image.includes('@') && (!/:[^/]+$/.test(image) || image.endsWith(':latest'));

function compareImages(base: PlacedObject[], head: PlacedObject[]): Tagged[] {
  const images = (items: PlacedObject[]): Map<string, { o: K8sObject; container: string; image: string }> => {
    const m = new Map<string, { o: K8sObject; container: string; image: string }>();
    for (const p of items) {
      const pod = podTemplateOf(p.object);
      if (!pod) continue;
      for (const c of containersOf(pod.spec)) m.set(`${workloadKey(p.object)}|${c.name}`, { o: p.object, container: c.name, image: str(c.spec.image) ?? '(none)' });
    }
    return m;
  };
  const profile = head[0]?.profile ?? '';
  const b = images(base);
  const h = images(head);
  const out: Tagged[] = [];
  for (const [k, { o, container, image }] of h) {
    const before = b.get(k)?.image;
    if (before === image) continue;
    const where = `container ${code(container)} of ${code(objectName(o))}`;
    const pin = unpinned(image) ? ' (not pinned to a version)' : '';
    if (before === undefined) out.push({ profile, finding: finding('security', 'Images', pin ? 'risk' : 'info', `${where} runs ${code(image)}${pin}.`) });
    else out.push({ profile, finding: finding('security', 'Images', pin ? 'risk' : 'notice', `${where}: ${code(before)} -> ${code(image)}${pin}.`) });
  }
  return out;
}

// ---------------------------------------------------------------- Secrets

interface SecretRef {
  secret: string;
  key?: string;
  consumer: string;
  how: string;
}

function workloadSecretRefs(o: K8sObject): SecretRef[] {
  const out: SecretRef[] = [];
  const consumer = objectName(o);
  const pod = podTemplateOf(o);
  if (pod) {
    for (const v of objs(pod.spec.volumes)) {
      const s = str(obj(v.secret).secretName);
      if (s) out.push({ secret: s, consumer, how: `volume ${v.name}` });
      for (const src of objs(obj(v.projected).sources)) if (str(obj(src.secret).name)) out.push({ secret: str(obj(src.secret).name) as string, consumer, how: `projected volume ${v.name}` });
    }
    for (const c of containersOf(pod.spec)) {
      for (const e of objs(c.spec.env)) {
        const ref = obj(obj(e.valueFrom).secretKeyRef);
        if (str(ref.name)) out.push({ secret: ref.name as string, key: str(ref.key), consumer, how: `environment variable ${e.name} of container ${c.name}` });
      }
      for (const e of objs(c.spec.envFrom)) if (str(obj(e.secretRef).name)) out.push({ secret: str(obj(e.secretRef).name) as string, consumer, how: `all keys as environment of container ${c.name}` });
    }
    for (const s of objs(pod.spec.imagePullSecrets)) if (str(s.name)) out.push({ secret: s.name as string, consumer, how: 'image pull secret' });
  }
  if (o.kind === 'Ingress') for (const t of objs(obj(o.spec).tls)) if (str(t.secretName)) out.push({ secret: t.secretName as string, consumer, how: 'TLS certificate' });
  if (o.apiVersion.startsWith('monitoring.coreos.com/')) {
    // Operator CRDs reference Secret keys as { name, key } (SecretKeySelector) under many fields.
    const walk = (v: unknown, path: string): void => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
      else if (isObject(v)) {
        if (typeof v.name === 'string' && typeof v.key === 'string' && !/configMap/i.test(path)) out.push({ secret: v.name, key: v.key, consumer, how: path.replace(/^\./, '') });
        else for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
      }
    };
    walk(o.spec, 'spec');
  }
  return out;
}

/** `*_file` options of a plain config file: credentials read from mounted Secrets. */
function fileRefs(doc: unknown, consumer: string): SecretRef[] {
  const out: SecretRef[] = [];
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, path));
    else if (isObject(v)) for (const [k, x] of Object.entries(v)) {
      if (k.endsWith('_file') && typeof x === 'string') out.push({ secret: x, consumer, how: k });
      else walk(x, path);
    }
  };
  walk(doc, '');
  return out;
}

const secretRefsOf = (e: EnvironmentArtifacts, profile: string): SecretRef[] =>
  e.objects.filter((p) => p.profile === profile).flatMap((p) => workloadSecretRefs(p.object));

function compareSecrets(base: EnvironmentArtifacts, head: EnvironmentArtifacts, profiles: string[]): Tagged[] {
  const out: Tagged[] = [];
  const key = (r: SecretRef): string => `${r.secret}\u0000${r.key ?? ''}\u0000${r.consumer}\u0000${r.how}`;
  const describe = (r: SecretRef): string =>
    r.how.endsWith('_file') ? `${code(r.consumer)} now reads the credential file ${code(r.secret)} (${r.how})` : `Secret ${code(r.secret)}${r.key ? ` (key ${code(r.key)})` : ''} is now read by ${code(r.consumer)} (${r.how})`;
  const compare = (b: SecretRef[], h: SecretRef[], profile: string): void => {
    const bk = new Set(b.map(key));
    const hk = new Set(h.map(key));
    for (const r of h.filter((x) => !bk.has(key(x)))) out.push({ profile, finding: finding('security', 'Secrets', 'notice', `${describe(r)}.`) });
    for (const r of b.filter((x) => !hk.has(key(x)))) {
      out.push({ profile, finding: finding('security', 'Secrets', 'info', `${describe(r).replace(' now reads', ' no longer reads').replace(' is now read by', ' is no longer read by')}.`) });
    }
  };
  for (const profile of profiles) compare(secretRefsOf(base, profile), secretRefsOf(head, profile), profile);
  // The plain config files (for VM users and for review) name their credential files directly.
  const plain = (e: EnvironmentArtifacts): SecretRef[] => [
    ...(e.alertmanager ? fileRefs(e.alertmanager, 'alertmanager.yml') : []),
    ...(e.prometheus ? fileRefs(e.prometheus.config, 'prometheus.yml') : []),
  ];
  compare(plain(base), plain(head), '');
  return out;
}

export function compareSecurity(base: EnvironmentArtifacts, head: EnvironmentArtifacts): Finding[] {
  const bp = byProfile(base);
  const hp = byProfile(head);
  const profiles = [...new Set([...bp.keys(), ...hp.keys()])].sort();
  const tagged: Tagged[] = [];
  for (const profile of profiles) {
    const b = bp.get(profile) ?? [];
    const h = hp.get(profile) ?? [];
    tagged.push(...comparePodSecurity(b, h), ...compareRbac(b, h), ...compareImages(b, h));
  }
  tagged.push(...compareSecrets(base, head, profiles));
  return mergeProfiles(tagged, profiles.length);
}
