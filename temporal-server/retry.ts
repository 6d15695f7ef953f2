import type { Obj } from './proto';
import { msFromDuration } from './proto';
import type { RetryPolicy } from './run';

/** The real server's defaults for a retry policy left (partly) empty. */
export function normaliseRetryPolicy(p: Obj | null | undefined): RetryPolicy {
  const initialIntervalMs = msFromDuration(p?.initialInterval) || 1000;
  return {
    initialIntervalMs,
    backoffCoefficient: p?.backoffCoefficient && p.backoffCoefficient >= 1 ? p.backoffCoefficient : 2,
    maximumIntervalMs: msFromDuration(p?.maximumInterval) || initialIntervalMs * 100,
    maximumAttempts: p?.maximumAttempts ?? 0,
    nonRetryableErrorTypes: p?.nonRetryableErrorTypes ?? [],
  };
}

export function retryPolicyToProto(r: RetryPolicy): Obj {
  return {
    initialInterval: { seconds: Math.floor(r.initialIntervalMs / 1000), nanos: (r.initialIntervalMs % 1000) * 1e6 },
    backoffCoefficient: r.backoffCoefficient,
    maximumInterval: { seconds: Math.floor(r.maximumIntervalMs / 1000), nanos: (r.maximumIntervalMs % 1000) * 1e6 },
    maximumAttempts: r.maximumAttempts,
    nonRetryableErrorTypes: r.nonRetryableErrorTypes,
  };
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; retryState: string };

/**
 * Whether a failed or timed-out attempt is tried again, and after how long:
 * initial × coefficient^(attempt−1), capped at the maximum interval, unless attempts run out,
 * the failure is marked non-retryable, or the next attempt would start past schedule-to-close.
 */
export function decideRetry(opts: {
  policy: RetryPolicy;
  attempt: number;
  failure: Obj | null;
  nowMs: number;
  scheduledMs: number;
  scheduleToCloseMs: number;
  isTimeout?: boolean;
}): RetryDecision {
  const { policy, attempt, failure } = opts;
  const app = failure?.applicationFailureInfo;
  if (app?.nonRetryable) return { retry: false, retryState: 'RETRY_STATE_NON_RETRYABLE_FAILURE' };
  if (app?.type && policy.nonRetryableErrorTypes.includes(app.type))
    return { retry: false, retryState: 'RETRY_STATE_NON_RETRYABLE_FAILURE' };
  if (policy.maximumAttempts > 0 && attempt >= policy.maximumAttempts)
    return { retry: false, retryState: 'RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED' };
  const explicit = app?.nextRetryDelay ? msFromDuration(app.nextRetryDelay) : 0;
  const delayMs = explicit || Math.min(policy.initialIntervalMs * policy.backoffCoefficient ** (attempt - 1), policy.maximumIntervalMs);
  if (opts.scheduleToCloseMs > 0 && opts.nowMs + delayMs >= opts.scheduledMs + opts.scheduleToCloseMs) {
    return { retry: false, retryState: 'RETRY_STATE_TIMEOUT' };
  }
  return { retry: true, delayMs: Math.round(delayMs) };
}
