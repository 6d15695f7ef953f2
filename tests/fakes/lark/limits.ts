import type { FakeClock } from './clock';

export interface LarkLimits {
  /** messages created or replied into one user's p2p chat */
  perUserPerSecond: number;
  /** messages created or replied into one group chat */
  perChatPerSecond: number;
  /** message PATCHes by the whole app */
  patchPerAppPerSecond: number;
  /** PATCHes of one message */
  patchPerMessagePerSecond: number;
}

export const DEFAULT_LIMITS: LarkLimits = {
  perUserPerSecond: 5,
  perChatPerSecond: 5,
  patchPerAppPerSecond: 50,
  patchPerMessagePerSecond: 5,
};

/** Every limit answer the fake gave; a test of the app asserts `total === 0`. */
export interface Violations {
  total: number;
  /** e.g. `user:ou_…`, `chat:oc_…`, `patch-app`, `patch-message:om_…` */
  byKey: Record<string, number>;
}

/**
 * Sliding one-second windows on the fake's clock. A refused request does not take a slot
 * (Lark refuses it before doing anything), so a caller that backs off gets through.
 */
export class SlidingLimiter {
  private readonly hits = new Map<string, number[]>();
  readonly violations: Violations = { total: 0, byKey: {} };

  constructor(private readonly clock: FakeClock) {}

  /** ms until a slot frees when `key` is full, else undefined (and nothing is taken) */
  wouldExceed(key: string, perSecond: number): number | undefined {
    const now = this.clock.now();
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - 1000);
    this.hits.set(key, recent);
    if (recent.length < perSecond) return undefined;
    return recent[0]! + 1000 - now;
  }

  take(key: string): void {
    const list = this.hits.get(key) ?? [];
    list.push(this.clock.now());
    this.hits.set(key, list);
  }

  countViolation(key: string): void {
    this.violations.total++;
    this.violations.byKey[key] = (this.violations.byKey[key] ?? 0) + 1;
  }
}
