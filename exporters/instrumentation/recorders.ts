/**
 * Typed recorders for the app's business events. Every label value is drawn from a closed set or
 * bounded here, so a caller cannot leak personal data or an unbounded id into a label.
 */
import type { AppMetrics } from './app-metrics.js';

export type UploadOutcome = 'success' | 'failure';
export type Responder = 'ai' | 'human';
import { UNAUTHORIZED_REASONS, type UnauthorizedReason } from './reasons.js';

export { UNAUTHORIZED_REASONS, type UnauthorizedReason };

/** Agency ids are business identifiers (not personal data); their count is still capped. */
const AGENCY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const OTHER_AGENCY = 'other';

const finiteNonNegative = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v >= 0;

export class BusinessRecorders {
  private readonly agencies = new Set<string>();

  constructor(
    private readonly metrics: AppMetrics,
    private readonly maxAgencies = 1000,
  ) {}

  /** A document upload finished (successfully or not). */
  documentUpload(e: { outcome: UploadOutcome; sizeBytes?: number; processingSeconds?: number }): void {
    this.metrics.documentUploads.inc({ outcome: e.outcome === 'success' ? 'success' : 'failure' });
    if (finiteNonNegative(e.sizeBytes)) this.metrics.documentUploadSize.observe(e.sizeBytes);
    if (finiteNonNegative(e.processingSeconds)) this.metrics.documentProcessingDuration.observe(e.processingSeconds);
  }

  /** The virus scanner rejected an uploaded document. */
  virusDetected(): void {
    this.metrics.documentVirusDetections.inc();
  }

  chatConversationStarted(): void {
    this.metrics.chatConversations.inc();
  }

  /** A chat answer, timed from the user's message. */
  chatResponse(e: { responder: Responder; durationSeconds: number }): void {
    const responder = e.responder === 'human' ? 'human' : 'ai';
    this.metrics.chatResponses.inc({ responder });
    if (finiteNonNegative(e.durationSeconds)) this.metrics.chatResponseDuration.observe({ responder }, e.durationSeconds);
  }

  /** A 1..5 satisfaction rating of a chat conversation; out-of-range values are ignored. */
  chatRating(rating: number): void {
    if (Number.isFinite(rating) && rating >= 1 && rating <= 5) this.metrics.chatSatisfactionRating.observe(rating);
  }

  sessionEnded(durationSeconds: number): void {
    if (finiteNonNegative(durationSeconds)) this.metrics.sessionDuration.observe(durationSeconds);
  }

  userRegistered(): void {
    this.metrics.userRegistrations.inc();
  }

  unauthorizedAttempt(reason: UnauthorizedReason): void {
    const r = (UNAUTHORIZED_REASONS as readonly string[]).includes(reason) ? reason : 'other';
    this.metrics.unauthorizedAccessAttempts.inc({ reason: r });
  }

  caseCompleted(e: { agencyId: string; durationSeconds: number }): void {
    const agency_id = this.agencyLabel(e.agencyId);
    this.metrics.agencyCasesCompleted.inc({ agency_id });
    if (finiteNonNegative(e.durationSeconds)) this.metrics.agencyCaseCompletionDuration.observe({ agency_id }, e.durationSeconds);
  }

  private agencyLabel(id: string): string {
    if (typeof id !== 'string' || !AGENCY_ID.test(id)) return OTHER_AGENCY;
    if (this.agencies.has(id)) return id;
    if (this.agencies.size >= this.maxAgencies) return OTHER_AGENCY;
    this.agencies.add(id);
    return id;
  }
}
