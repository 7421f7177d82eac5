/**
 * Validates generated Kubernetes objects against the Kubernetes API schemas, strictly:
 * - types, required fields and formats through kubernetes-models' validators (built from the
 *   official OpenAPI spec);
 * - unknown fields (a typo the API server would drop or reject) through the field lists that
 *   @kubernetes/client-node generates from the same spec, the way kubeconform's --strict does.
 */
import * as k8sClient from '@kubernetes/client-node';

type AttributeMap = { name: string; baseName: string; type: string }[];
type ModelClass = { getAttributeTypeMap(): AttributeMap };

/** Custom resources have no client-node model: their validators come from their own packages. */
const CRD_MODULES: Record<string, string> = {
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

function modelModule(apiVersion: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (CRD_MODULES[group]) return `${CRD_MODULES[group]}/${group}/${version}`;
  return group === '' ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
}

function typeErrors(obj: { apiVersion: string; kind: string }): string[] {
  let mod: Record<string, new (o: unknown) => { validate(): void }>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(modelModule(obj.apiVersion));
  } catch {
    return [`no schema for apiVersion ${obj.apiVersion}`];
  }
  const Model = mod[obj.kind];
  if (!Model) return [`no schema for ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(obj).validate();
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

const MAP_TYPE = /^\{ \[key: string\]: (.+); \}$/;
const ARRAY_TYPE = /^Array<(.+)>$/;

function unknownFields(value: unknown, type: string, path: string, out: string[]): void {
  if (value === null || value === undefined) return;
  const array = ARRAY_TYPE.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, array[1], `${path}[${i}]`, out));
    return;
  }
  const map = MAP_TYPE.exec(type);
  if (map) {
    if (typeof value === 'object') for (const [k, v] of Object.entries(value)) unknownFields(v, map[1], `${path}.${k}`, out);
    return;
  }
  const Model = (k8sClient as unknown as Record<string, ModelClass | undefined>)[type];
  if (!Model || typeof Model.getAttributeTypeMap !== 'function' || typeof value !== 'object') return; // scalars, IntOrString, free-form
  const fields = new Map(Model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const fieldType = fields.get(k);
    if (fieldType === undefined) out.push(`${path}.${k}: unknown field (not in ${type})`);
    else unknownFields(v, fieldType, `${path}.${k}`, out);
  }
}

function clientModelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop() as string;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** Every problem with one manifest; empty when it is valid. */
export function validateManifest(obj: { apiVersion: string; kind: string; metadata?: { name?: string } }): string[] {
  const errors = typeErrors(obj);
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  if (!CRD_MODULES[group]) {
    const type = clientModelName(obj.apiVersion, obj.kind);
    if (!(k8sClient as unknown as Record<string, unknown>)[type]) errors.push(`no field list for ${type}`);
    else unknownFields(obj, type, `${obj.kind}/${obj.metadata?.name ?? '?'}`, errors);
  }
  return errors;
}
