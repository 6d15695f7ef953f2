import type { TestClock } from './channel-harness';

/**
 * Time for a test that must live through minutes or days of a platform's limits in moments:
 * `now()` is the machine's time plus an offset, and a wait on it moves the offset instead of
 * sleeping. A dispatcher waiting for room under a per-minute or per-day budget gets it at
 * once, while the fake platform, reading the same clock, sees that time go by. Time only moves
 * forward, and only as far as a waiter asked.
 */
export class JumpingClock implements TestClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += Math.max(0, ms);
  }

  async sleep(ms: number): Promise<void> {
    this.advance(ms);
    await new Promise((r) => setImmediate(r));
  }
}
