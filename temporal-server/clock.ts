/**
 * Server time. Real mode follows the wall clock. Virtual mode (for tests) adds an offset that
 * jumps forward to the next due timer whenever the server is idle — no task waiting for or
 * held by a worker — so a 30-day timer fires as soon as nothing else can happen first.
 */
export class Clock {
  private offsetMs = 0;
  constructor(readonly virtual: boolean) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves virtual time forward (never back); returns the new time. */
  advanceTo(ms: number): number {
    const delta = ms - this.now();
    if (delta > 0) this.offsetMs += delta;
    return this.now();
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** At start: the offset saved by the last run (negative when virtual time began in the past). */
  restoreOffset(ms: number): void {
    this.offsetMs = ms;
  }
}

export interface Due<T> {
  at: number;
  seq: number;
  item: T;
}

/** A min-heap of things that become due at a time: timers, timeouts, retry backoffs. */
export class DueQueue<T> {
  private heap: Due<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(at: number, item: T): void {
    this.heap.push({ at, seq: this.seq++, item });
    this.up(this.heap.length - 1);
  }

  peek(): Due<T> | undefined {
    return this.heap[0];
  }

  pop(): Due<T> | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (this.heap.length > 0 && last) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a] as Due<T>;
    const y = this.heap[b] as Due<T>;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private swap(a: number, b: number): void {
    const t = this.heap[a] as Due<T>;
    this.heap[a] = this.heap[b] as Due<T>;
    this.heap[b] = t;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.heap.length && this.less(l, m)) m = l;
      if (r < this.heap.length && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
