import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import type { Construct } from 'constructs';
import type { MonitoringConfig } from '../contract/config/index.js';
import { PART_OF } from './labels.js';

/** The monitoring namespace, with the "restricted" Pod Security Standard enforced. */
export class NamespaceChart extends Chart {
  constructor(scope: Construct, id: string, config: MonitoringConfig) {
    super(scope, id, { disableResourceNameHashes: true });
    new kplus.Namespace(this, 'namespace', {
      metadata: {
        name: config.namespace,
        labels: {
          'app.kubernetes.io/part-of': PART_OF,
          'immigration-ai/environment': config.environment,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
  }
}
