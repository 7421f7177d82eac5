import type { MonitoringConfig } from '../contract/config/index.js';

export const PART_OF = 'immigration-ai-observability';

/** Recommended Kubernetes labels shared by every object of a component. */
export function componentLabels(config: MonitoringConfig, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'cdk8s',
    'immigration-ai/environment': config.environment,
  };
}

/** The subset used in selectors: stable across releases, so never includes versions. */
export function selectorLabels(component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/part-of': PART_OF };
}
