import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { type ChartContext, ENVIRONMENT_LABEL, PART_OF } from './lib/labels.js';
import { emit } from './lib/workload.js';

/** The monitoring namespace, with the "restricted" Pod Security Standard enforced. */
export class NamespaceChart extends Chart {
  constructor(scope: Construct, id: string, ctx: ChartContext) {
    super(scope, id, { disableResourceNameHashes: true });
    emit(this, 'namespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ctx.namespace,
        labels: {
          'app.kubernetes.io/part-of': PART_OF,
          [ENVIRONMENT_LABEL]: ctx.environment,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
      spec: {},
    });
  }
}
