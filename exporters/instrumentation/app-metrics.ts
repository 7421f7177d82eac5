/**
 * The app-owned catalog metrics (job `immigration-ai`), created in one registry the app serves on
 * its own /metrics.
 */
import { Registry } from 'prom-client';
import { METRICS } from '../catalog.js';
import { UNAUTHORIZED_REASONS } from './reasons.js';
import { createCounter, createGauge, createHistogram, registerDefaultMetrics } from '../metric-factory.js';

export function createAppMetrics(registry: Registry = new Registry(), options: { defaultMetrics?: boolean } = {}) {
  if (options.defaultMetrics ?? true) registerDefaultMetrics(registry);
  const m = build(registry);
  initialiseKnownSeries(m);
  return m;
}

function build(registry: Registry) {
  const c = <K extends keyof typeof METRICS>(k: K) => createCounter(METRICS[k], registry);
  const g = <K extends keyof typeof METRICS>(k: K) => createGauge(METRICS[k], registry);
  const h = <K extends keyof typeof METRICS>(k: K) => createHistogram(METRICS[k], registry);
  return {
    registry,
    httpRequests: c('httpRequests'),
    httpRequestDuration: h('httpRequestDuration'),
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
    backupLastSuccess: g('backupLastSuccess'),
    backupVerificationFailures: c('backupVerificationFailures'),
  };
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
