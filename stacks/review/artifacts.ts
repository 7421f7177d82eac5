/**
 * One environment's generated files, parsed the way a reviewer reads them: Prometheus rule files
 * and prometheus.yml, alertmanager.yml, the Kubernetes objects of both profiles (`k8s/`,
 * `operator/`) and the Grafana dashboards. Only the file layout of `dist/<env>/` is assumed, not
 * which rules, objects or dashboards exist.
 */
import { arr, isObject, type Json, jsonDocument, obj, objs, str, yamlDocument, yamlDocuments } from './tree.js';

export interface RuleGroupDoc {
  file: string;
  name: string;
  /** The group's own `interval`, else the global evaluation_interval. */
  interval: string;
  rules: Json[];
}

export interface K8sObject extends Json {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface PlacedObject {
  /** `k8s` (standalone) or `operator` (kube-prometheus-stack profile). */
  profile: string;
  file: string;
  object: K8sObject;
}

export interface PrometheusSettings {
  /** prometheus.yml as parsed. */
  config: Json;
  evaluationInterval: string;
  externalLabels: Record<string, string>;
  alertRelabelConfigs: Json[];
}

export interface EnvironmentArtifacts {
  name: string;
  /** Every file of the environment, path relative to `<env>/`. */
  files: Map<string, string>;
  ruleGroups: RuleGroupDoc[];
  prometheus?: PrometheusSettings;
  alertmanager?: Json;
  objects: PlacedObject[];
  dashboards: { file: string; dashboard: Json }[];
}

/** Folders whose YAML files are Kubernetes object streams, one profile each. */
const PROFILES = ['k8s', 'operator'];
const DEFAULT_EVALUATION_INTERVAL = '1m';

const isK8sObject = (d: unknown): d is K8sObject =>
  isObject(d) && typeof d.kind === 'string' && typeof d.apiVersion === 'string' && isObject(d.metadata) && typeof d.metadata.name === 'string';

export function readEnvironment(name: string, files: Map<string, string>): EnvironmentArtifacts {
  const where = (p: string): string => `${name}/${p}`;
  let prometheus: PrometheusSettings | undefined;
  const promText = files.get('prometheus/prometheus.yml');
  if (promText !== undefined) {
    const doc = obj(yamlDocument(promText, where('prometheus/prometheus.yml')));
    const global = obj(doc.global);
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(global.external_labels))) if (str(v) !== undefined) labels[k] = str(v) as string;
    prometheus = {
      config: doc,
      evaluationInterval: str(global.evaluation_interval) ?? DEFAULT_EVALUATION_INTERVAL,
      externalLabels: labels,
      alertRelabelConfigs: objs(obj(doc.alerting).alert_relabel_configs),
    };
  }
  const evaluationInterval = prometheus?.evaluationInterval ?? DEFAULT_EVALUATION_INTERVAL;

  const ruleGroups: RuleGroupDoc[] = [];
  const objects: PlacedObject[] = [];
  const dashboards: EnvironmentArtifacts['dashboards'] = [];
  let alertmanager: Json | undefined;
  for (const [path, text] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const [folder] = path.split('/');
    if (/^prometheus\/rules\/[^/]+\.ya?ml$/.test(path)) {
      for (const g of objs(obj(yamlDocument(text, where(path))).groups)) {
        ruleGroups.push({ file: path, name: str(g.name) ?? '(unnamed)', interval: str(g.interval) ?? evaluationInterval, rules: objs(g.rules) });
      }
    } else if (path === 'alertmanager/alertmanager.yml') {
      alertmanager = obj(yamlDocument(text, where(path)));
    } else if (PROFILES.includes(folder) && /\.ya?ml$/.test(path)) {
      for (const d of yamlDocuments(text, where(path))) if (isK8sObject(d) && d.kind !== 'Kustomization') objects.push({ profile: folder, file: path, object: d });
    } else if (/^grafana\/dashboards\/[^/]+\.json$/.test(path)) {
      dashboards.push({ file: path, dashboard: obj(jsonDocument(text, where(path))) });
    }
  }
  return { name, files, ruleGroups, prometheus, alertmanager, objects, dashboards };
}

/** Files a specialised comparison covers completely; the generic file summary skips them. */
export function coveredBySections(path: string): boolean {
  return /^prometheus\/rules\/[^/]+\.ya?ml$/.test(path) || /^grafana\/dashboards\/[^/]+\.json$/.test(path);
}

/** `kind/name` or `kind namespace/name`, how objects are named in the report. */
export const objectName = (o: K8sObject): string => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

export const objectKey = (p: PlacedObject): string => `${p.profile}|${p.object.apiVersion.split('/')[0]}|${p.object.kind}|${p.object.metadata.namespace ?? ''}|${p.object.metadata.name}`;

export const PROFILE_TITLES: Readonly<Record<string, string>> = { k8s: 'standalone', operator: 'operator' };

/** Pod template of a workload, with its labels (CronJob through its job template); undefined for other kinds. */
export function podTemplateOf(o: K8sObject): { labels: Record<string, string>; spec: Json } | undefined {
  const spec = obj(o.spec);
  let template: Json | undefined;
  switch (o.kind) {
    case 'Pod':
      return { labels: o.metadata.labels ?? {}, spec };
    case 'CronJob':
      template = obj(obj(obj(spec.jobTemplate).spec).template);
      break;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      template = obj(spec.template);
      break;
    default:
      return undefined;
  }
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(obj(template.metadata).labels))) if (typeof v === 'string') labels[k] = v;
  return { labels, spec: obj(template.spec) };
}

export interface ContainerView {
  /** `containers`, `initContainers` or `ephemeralContainers`. */
  list: string;
  name: string;
  spec: Json;
}

export function containersOf(podSpec: Json): ContainerView[] {
  return ['initContainers', 'containers', 'ephemeralContainers'].flatMap((list) =>
    objs(podSpec[list]).map((spec, i) => ({ list, name: str(spec.name) ?? `#${i}`, spec })),
  );
}

export const stringArray = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');
