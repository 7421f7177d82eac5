/** The closed set of `reason` values of immigration_ai_unauthorized_access_attempts_total. */
export const UNAUTHORIZED_REASONS = ['invalid_token', 'expired_token', 'forbidden', 'bad_credentials', 'rate_limited', 'other'] as const;
export type UnauthorizedReason = (typeof UNAUTHORIZED_REASONS)[number];
