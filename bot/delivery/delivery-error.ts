/**
 * What a channel throws when a send did not go through. The dispatcher (bot/delivery) reads
 * only these two facts: whether trying again can help (network errors, 5xx, the platform's
 * rate-limit answers) and, when the platform said so, how long to wait first.
 */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  /** the platform asked to wait this long (a rate-limit answer's reset header) */
  readonly retryAfterMs: number | undefined;
  /** the platform's own code, for the delivery's last error */
  readonly code: string | undefined;
  /** a rate-limit answer: the limiter slows down that lane instead of counting a failure */
  readonly rateLimited: boolean;
  /** whom the rate limit was about: this recipient or chat (target), or the whole app */
  readonly limitScope: 'target' | 'app';

  constructor(
    message: string,
    opts: { retryable: boolean; retryAfterMs?: number; code?: string | number; rateLimited?: boolean; limitScope?: 'target' | 'app' },
  ) {
    super(message);
    this.name = 'DeliveryError';
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.code = opts.code === undefined ? undefined : String(opts.code);
    this.rateLimited = opts.rateLimited ?? false;
    this.limitScope = opts.limitScope ?? 'target';
  }
}
