/**
 * The documented exceptions to the restricted Pod Security Standard. A workload that needs one runs
 * alone in its own namespace, which enforces `privileged` (hostPath volumes exist only at that
 * level) but audits and warns at `restricted`, so nothing else slips in unnoticed; namespace and
 * pods carry the exception label and the reason, for people and for policy tooling.
 */
import type { Construct } from 'constructs';
import { type ChartContext, ENVIRONMENT_LABEL, PART_OF } from './labels.js';
import { emit } from './workload.js';

/** Marks a documented exception to the restricted Pod Security Standard; the value names it. */
export const PSS_EXCEPTION_LABEL = 'immigration-ai/pod-security-exception';
/** Why, in words, on the namespace and the pods. */
export const PSS_EXCEPTION_REASON_ANNOTATION = 'immigration-ai/pod-security-exception-reason';

export interface PodSecurityException {
  /** The label value, e.g. `host-log-mounts`. */
  value: string;
  reason: string;
}

/** Labels and annotations a pod (or its workload) of the exception carries. */
export const exceptionLabels = (e: PodSecurityException): Record<string, string> => ({ [PSS_EXCEPTION_LABEL]: e.value });
export const exceptionAnnotations = (e: PodSecurityException): Record<string, string> => ({ [PSS_EXCEPTION_REASON_ANNOTATION]: e.reason });

/** The exception's own namespace. */
export function exceptionNamespace(scope: Construct, ctx: ChartContext, name: string, e: PodSecurityException): void {
  emit(scope, 'namespace', {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        'app.kubernetes.io/part-of': PART_OF,
        [ENVIRONMENT_LABEL]: ctx.environment,
        ...exceptionLabels(e),
        // hostPath volumes exist only at the "privileged" level; audit and warn still report
        // every deviation from "restricted", so nothing else slips in unnoticed.
        'pod-security.kubernetes.io/enforce': 'privileged',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      },
      annotations: exceptionAnnotations(e),
    },
  });
}
