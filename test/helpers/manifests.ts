import type { FileTree } from '../../stacks/output/file-tree.js';
import { parseYamlDocs } from './dist.js';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** Every object in the files under `<env>/<folder>/` of a synthesized tree (env '' for one environment's tree). */
export function objectsIn(tree: FileTree, env: string, folder = 'k8s'): K8sObject[] {
  const prefix = env === '' ? `${folder}/` : `${env}/${folder}/`;
  return tree
    .paths()
    .filter((p) => p.startsWith(prefix) && p.endsWith('.yaml') && !p.endsWith('kustomization.yaml'))
    .flatMap((p) => parseYamlDocs(tree.get(p) as string) as K8sObject[]);
}

export function find(objects: K8sObject[], kind: string, name: string, namespace?: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name && (namespace === undefined || x.metadata.namespace === namespace));
  if (!o) throw new Error(`no ${kind}/${name} among ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'];

/** Pod template spec of a workload (CronJob through its job template). */
export function podSpecOf(o: K8sObject): Record<string, any> {
  const spec = o.spec as Record<string, any>;
  return o.kind === 'CronJob' ? spec.jobTemplate.spec.template.spec : spec.template.spec;
}

export function podLabelsOf(o: K8sObject): Record<string, string> {
  const spec = o.spec as Record<string, any>;
  return (o.kind === 'CronJob' ? spec.jobTemplate.spec.template.metadata.labels : spec.template.metadata.labels) ?? {};
}

export const workloads = (objects: K8sObject[]): K8sObject[] => objects.filter((o) => WORKLOAD_KINDS.includes(o.kind));
