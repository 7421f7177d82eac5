/**
 * Typed recorders for the app's business events. Every label value is drawn from a closed set or
 * bounded here, so a caller cannot leak personal data or an unbounded id into a label.
 *
 * An agency id usually comes from a request, so it is attacker-controlled: its shape cannot make
 * it safe (an SSN, a card number or an A-number all look like ids). It becomes a label value only
 * when the app vouches for it: it is on the allow-list the app declares (or its lookup function
 * accepts it), or the app opted in to keyed-hash pseudonyms. Anything else is `unknown`.
 */
import { createHmac } from 'node:crypto';
import type { AppMetrics } from './app-metrics.js';

export type UploadOutcome = 'success' | 'failure';
export type Responder = 'ai' | 'human';
import { UNAUTHORIZED_REASONS, type UnauthorizedReason } from './reasons.js';

export { UNAUTHORIZED_REASONS, type UnauthorizedReason };

/** The shape an allow-listed agency id must have (checked once, when the app declares it). */
const AGENCY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Any agency id the app did not vouch for. */
export const UNKNOWN_AGENCY = 'unknown';
/** Admitted agency ids past `maxAgencies` (a cardinality guard, not a privacy one). */
export const OTHER_AGENCY = 'other';

export interface BusinessRecordersOptions {
  /**
   * The agency ids that may appear as `agency_id` values: a list (from the app's configuration or
   * its agencies table), or a lookup in the app's own data (synchronous, e.g. a cached set).
   */
  agencies?: Iterable<string> | ((agencyId: string) => boolean);
  /**
   * Opt-in alternative for apps that cannot list their agencies: every agency id becomes a stable
   * pseudonym, `a_` + the first 16 hex digits of HMAC-SHA-256(key, id). The key (at least 16
   * bytes, from a Kubernetes Secret) keeps the mapping from being reversed by hashing guesses; the
   * same key gives the same pseudonyms across pods and restarts.
   */
  agencyPseudonymKey?: string | Buffer;
  /** Distinct agency_id values at most (default 1000); more become `other`. */
  maxAgencies?: number;
}

const finiteNonNegative = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && v >= 0;

export class BusinessRecorders {
  private readonly seen = new Set<string>();
  private readonly admitted: (agencyId: string) => boolean;
  private readonly pseudonymKey?: Buffer;
  private readonly maxAgencies: number;

  constructor(
    private readonly metrics: AppMetrics,
    options: BusinessRecordersOptions = {},
  ) {
    this.maxAgencies = options.maxAgencies ?? 1000;
    const { agencies, agencyPseudonymKey } = options;
    if (agencies !== undefined && agencyPseudonymKey !== undefined) throw new Error('BusinessRecorders: set agencies or agencyPseudonymKey, not both');
    if (agencyPseudonymKey !== undefined) {
      this.pseudonymKey = Buffer.isBuffer(agencyPseudonymKey) ? agencyPseudonymKey : Buffer.from(agencyPseudonymKey, 'utf8');
      if (this.pseudonymKey.length < 16) throw new Error('BusinessRecorders: agencyPseudonymKey must be at least 16 bytes (use a random key from a Secret)');
    }
    if (typeof agencies === 'function') this.admitted = agencies;
    else {
      const list = new Set(agencies ?? []);
      const bad = [...list].filter((a) => !AGENCY_ID.test(a)).length;
      if (bad > 0) throw new Error(`BusinessRecorders: ${bad} agency id(s) in the allow-list are not 1-64 letters, digits, '_', '.', '-'`);
      this.admitted = (id) => list.has(id);
    }
  }

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

  /** The agency_id label value of `id`: itself when allowed, its pseudonym when opted in, else `unknown`. */
  agencyLabel(id: unknown): string {
    if (typeof id !== 'string' || id.length === 0 || id.length > 256) return UNKNOWN_AGENCY;
    let value: string;
    if (this.pseudonymKey) value = `a_${createHmac('sha256', this.pseudonymKey).update(id, 'utf8').digest('hex').slice(0, 16)}`;
    else if (AGENCY_ID.test(id) && this.admitted(id)) value = id;
    else return UNKNOWN_AGENCY;
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.maxAgencies) return OTHER_AGENCY;
    this.seen.add(value);
    return value;
  }
}
