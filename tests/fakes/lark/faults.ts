import { seededRandom } from './clock';
import type { LarkAnswer } from './codes';

/** what an injected failure answers; body and headers default to a bare `{code: status}` */
export interface InjectedAnswer {
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Injected failures and slowness for HTTP answers (not the WS endpoint discovery). */
export class FakeFaults {
  private failures: LarkAnswer[] = [];
  private ratio: { p: number; status: number } | undefined;
  private readonly random: () => number;
  delayMs = 0;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  failNext(n: number, status = 500, answer: InjectedAnswer = {}): void {
    for (let i = 0; i < n; i++) this.failures.push(injected(status, answer));
  }

  failRatio(p: number, status = 503): void {
    this.ratio = p > 0 ? { p, status } : undefined;
  }

  /** the answer to fail this request with, if any */
  next(): LarkAnswer | undefined {
    const queued = this.failures.shift();
    if (queued) return queued;
    if (this.ratio && this.random() < this.ratio.p) return injected(this.ratio.status, {});
    return undefined;
  }

  reset(): void {
    this.failures = [];
    this.ratio = undefined;
    this.delayMs = 0;
  }
}

function injected(status: number, answer: InjectedAnswer): LarkAnswer {
  return { status, body: answer.body ?? { code: status, msg: 'fake lark: injected failure' }, headers: answer.headers };
}
