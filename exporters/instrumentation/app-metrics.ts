/**
 * The app-owned catalog metrics (job `immigration-ai`), created in one registry the app serves on
 * its own /metrics.
 */
import { Registry } from 'prom-client';
import { METRICS } from '../../contract/metric-catalog.js';
import { HttpMetricsStore } from './http-metrics-store.js';
import { UNAUTHORIZED_REASONS } from './reasons.js';
import { createCounter, createHistogram, registerDefaultMetrics } from '../metric-factory.js';

/**
 * A prom-client registry that appends pre-rendered text collectors (the HTTP metrics store) to
 * its exposition, so the app serves one /metrics.
 */
export class AppRegistry extends Registry {
  private readonly textCollectors: (() => string)[] = [];

  addTextCollector(render: () => string): void {
    this.textCollectors.push(render);
  }

  override async metrics(): Promise<string> {
    const base = await super.metrics();
    return base + this.textCollectors.map((r) => r()).join('');
  }
}

export function createAppMetrics(options: { defaultMetrics?: boolean; registry?: AppRegistry } = {}) {
  const registry = options.registry ?? new AppRegistry();
  if (options.defaultMetrics ?? true) registerDefaultMetrics(registry);
  const m = build(registry);
  initialiseKnownSeries(m);
  return m;
}

function build(registry: AppRegistry) {
  const c = <K extends keyof typeof METRICS>(k: K) => createCounter(METRICS[k], registry);
  const h = <K extends keyof typeof METRICS>(k: K) => createHistogram(METRICS[k], registry);
  return {
    registry,
    /** immigration_ai_http_requests_total and immigration_ai_http_request_duration_seconds. */
    http: withCollector(registry, new HttpMetricsStore(METRICS.httpRequests, METRICS.httpRequestDuration)),
    userRegistrations: c('userRegistrations'),
    sessionDuration: h('sessionDuration'),
    documentUploads: c('documentUploads'),
    documentUploadSize: h('documentUploadSize'),
    documentProcessingDuration: h('documentProcessingDuration'),
    documentVirusDetections: c('documentVirusDetections'),
    chatConversations: c('chatConversations'),
    chatResponses: c('chatResponses'),
    chatResponseDuration: h('chatResponseDuration'),
    chatSatisfactionRating: h('chatSatisfactionRating'),
    agencyCasesCompleted: c('agencyCasesCompleted'),
    agencyCaseCompletionDuration: h('agencyCaseCompletionDuration'),
    unauthorizedAccessAttempts: c('unauthorizedAccessAttempts'),
  };
}

function withCollector(registry: AppRegistry, store: HttpMetricsStore): HttpMetricsStore {
  registry.addTextCollector(() => store.render());
  return store;
}

/**
 * Starts every known label combination at 0, so the first event shows up in increase() and rate()
 * (a series born at 1 has no earlier sample to rise from).
 */
function initialiseKnownSeries(m: ReturnType<typeof build>): void {
  for (const outcome of ['success', 'failure']) m.documentUploads.inc({ outcome }, 0);
  for (const responder of ['ai', 'human']) m.chatResponses.inc({ responder }, 0);
  for (const reason of UNAUTHORIZED_REASONS) m.unauthorizedAccessAttempts.inc({ reason }, 0);
}

export type AppMetrics = ReturnType<typeof build>;
