/** The two facts every object's metadata needs, and nothing else of the configuration. */
export interface ChartContext {
  /** The monitoring namespace. */
  namespace: string;
  /** dev, staging, production (the `immigration-ai/environment` label). */
  environment: string;
}

export const PART_OF = 'immigration-ai-observability';
export const ENVIRONMENT_LABEL = 'immigration-ai/environment';

/** Recommended Kubernetes labels shared by every object of a component. */
export function componentLabels(ctx: ChartContext, component: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': component,
    'app.kubernetes.io/part-of': PART_OF,
    'app.kubernetes.io/managed-by': 'cdk8s',
    [ENVIRONMENT_LABEL]: ctx.environment,
  };
}

/** The subset used in selectors: stable across releases, so never includes versions. */
export function selectorLabels(component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/part-of': PART_OF };
}
