import type { TestClock } from './channel-harness';

interface Sleeper {
  until: number;
  wake: () => void;
}

/**
 * Real time plus whatever the test added with `advance`: a minute-long rate-limit window
 * passes at once, everything else keeps running at its own pace. A sleep on this clock ends
 * when its time comes on it, by the passing of real time or by `advance`, whichever first;
 * `sleeping` lets a test see that something waits, and for how long, instead of guessing.
 */
export class MovingClock implements TestClock {
  private offsetMs = 0;
  private readonly sleepers = new Set<Sleeper>();

  now = (): number => Date.now() + this.offsetMs;

  sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const s: Sleeper = {
        until: this.now() + ms,
        wake: () => {
          clearTimeout(timer);
          this.sleepers.delete(s);
          resolve();
        },
      };
      const timer = setTimeout(s.wake, ms);
      this.sleepers.add(s);
    });

  advance(ms: number): void {
    this.offsetMs += ms;
    for (const s of [...this.sleepers]) if (s.until <= this.now()) s.wake();
  }

  /** how long each sleep still has to go, in ms of this clock, longest first */
  sleeping(): number[] {
    return [...this.sleepers].map((s) => s.until - this.now()).sort((a, b) => b - a);
  }
}
