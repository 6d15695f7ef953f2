import type { FakeClock } from './clock';
import type { LarkLimits, SlidingLimiter } from './limits';
import type { FakeStore } from './store';

/** What the route handlers and pushers share. */
export interface FakeState {
  appId: string;
  appSecret: string;
  encryptKey: string;
  verificationToken: string;
  tenantKey: string;
  bot: { openId: string; appName: string };
  clock: FakeClock;
  store: FakeStore;
  limiter: SlidingLimiter;
  limits: LarkLimits;
}
