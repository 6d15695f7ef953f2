import { seededRandom } from './clock';

/** Injected failures and slowness for HTTP answers (not the WS endpoint discovery). */
export class FakeFaults {
  private failures: number[] = [];
  private ratio: { p: number; status: number } | undefined;
  private readonly random: () => number;
  delayMs = 0;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  failNext(n: number, status = 500): void {
    for (let i = 0; i < n; i++) this.failures.push(status);
  }

  failRatio(p: number, status = 503): void {
    this.ratio = p > 0 ? { p, status } : undefined;
  }

  /** the status to fail this request with, if any */
  next(): number | undefined {
    const queued = this.failures.shift();
    if (queued !== undefined) return queued;
    if (this.ratio && this.random() < this.ratio.p) return this.ratio.status;
    return undefined;
  }

  reset(): void {
    this.failures = [];
    this.ratio = undefined;
    this.delayMs = 0;
  }
}
