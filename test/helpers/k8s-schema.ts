/**
 * Validates generated Kubernetes objects against the Kubernetes API schemas, strictly:
 * - types, required fields and formats through kubernetes-models' validators (built from the
 *   official OpenAPI spec);
 * - unknown fields (a typo the API server would drop or reject) through the field lists that
 *   @kubernetes/client-node generates from the same spec, the way kubeconform's --strict does.
 */
import * as k8sClient from '@kubernetes/client-node';
import * as ts from 'typescript';

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

/**
 * Unknown fields of custom resources. Their validators (generated from the CRDs' OpenAPI schemas)
 * accept extra properties, so the field lists come from the same package's TypeScript declarations
 * (`I<Kind>` interfaces, also generated from the CRDs), read with the TypeScript compiler API.
 */
const crdTypes = new Map<string, { checker: ts.TypeChecker; type: ts.Type; node: ts.Node } | null>();

function crdType(apiVersion: string, kind: string): { checker: ts.TypeChecker; type: ts.Type; node: ts.Node } | null {
  const id = `${apiVersion}/${kind}`;
  if (!crdTypes.has(id)) {
    const [group, version] = apiVersion.split('/');
    let file: string;
    try {
      file = require.resolve(`${CRD_MODULES[group]}/${group}/${version}/${kind}`).replace(/\.js$/, '.d.ts');
    } catch {
      crdTypes.set(id, null);
      return null;
    }
    const program = ts.createProgram([file], { noEmit: true, skipLibCheck: true, types: [] });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file);
    const decl = source?.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === `I${kind}`);
    crdTypes.set(id, decl ? { checker, type: checker.getTypeAtLocation(decl), node: decl } : null);
  }
  return crdTypes.get(id) ?? null;
}

function crdUnknownFields(value: unknown, type: ts.Type, checker: ts.TypeChecker, node: ts.Node, path: string, out: string[]): void {
  if (value === null || value === undefined || type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return;
  if (type.isUnion()) {
    const objects = type.types.filter((t) => t.flags & ts.TypeFlags.Object);
    if (objects.length === 1) crdUnknownFields(value, objects[0], checker, node, path, out);
    return; // scalars, enums, or ambiguous unions: the schema validator checks those
  }
  if (checker.isArrayType(type)) {
    const element = checker.getTypeArguments(type as ts.TypeReference)[0];
    if (Array.isArray(value)) value.forEach((v, i) => crdUnknownFields(v, element, checker, node, `${path}[${i}]`, out));
    return;
  }
  if (!(type.flags & ts.TypeFlags.Object) || typeof value !== 'object' || Array.isArray(value)) return;
  const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
  const props = checker.getPropertiesOfType(type);
  if (props.length === 0 && !index) return; // free-form object
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const prop = type.getProperty(k);
    if (prop) crdUnknownFields(v, checker.getTypeOfSymbolAtLocation(prop, node), checker, node, `${path}.${k}`, out);
    else if (index) crdUnknownFields(v, index.type, checker, node, `${path}.${k}`, out);
    else out.push(`${path}.${k}: unknown field`);
  }
}

/** Every problem with one manifest; empty when it is valid. */
export function validateManifest(obj: { apiVersion: string; kind: string; metadata?: { name?: string } } & Record<string, unknown>): string[] {
  const errors = typeErrors(obj);
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  if (CRD_MODULES[group]) {
    const t = crdType(obj.apiVersion, obj.kind);
    if (!t) errors.push(`no field list for ${obj.apiVersion} ${obj.kind}`);
    else crdUnknownFields(obj, t.type, t.checker, t.node, `${obj.kind}/${obj.metadata?.name ?? '?'}`, errors);
  } else {
    const type = clientModelName(obj.apiVersion, obj.kind);
    if (!(k8sClient as unknown as Record<string, unknown>)[type]) errors.push(`no field list for ${type}`);
    else unknownFields(obj, type, `${obj.kind}/${obj.metadata?.name ?? '?'}`, errors);
  }
  return errors;
}
