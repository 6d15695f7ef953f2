import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { TestActivities } from './workflows';

/** Real activities for the conformance workflows; `calls` lets a test see retries happen. */
export function createTestActivities(calls: Map<string, number> = new Map()): TestActivities {
  return {
    async echo(s) {
      return s;
    },
    async flaky(key, failTimes) {
      const n = (calls.get(key) ?? 0) + 1;
      calls.set(key, n);
      if (n <= failTimes) throw new Error(`attempt ${n} fails`);
      return n;
    },
    async failNonRetryable(msg) {
      throw ApplicationFailure.nonRetryable(msg, 'Fatal');
    },
    async slow(ms) {
      await new Promise((r) => setTimeout(r, ms));
      return 'slow done';
    },
    async heartbeating(ms) {
      const ctx = Context.current();
      const end = Date.now() + ms;
      while (Date.now() < end) {
        ctx.heartbeat();
        await ctx.sleep(50);
      }
      return 'done';
    },
  };
}
