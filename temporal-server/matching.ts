/**
 * Task queues with long polls: a task offered while a poller waits goes straight to it;
 * otherwise it waits in the backlog, first in first out. A poller that gives up (deadline,
 * cancelled call) is removed, so no task is ever handed to a caller that has gone.
 */
interface Waiter<T> {
  give(task: T): void;
}

export class TaskQueue<T> {
  private backlog: T[] = [];
  private head = 0;
  private waiters: Waiter<T>[] = [];
  /** wall-clock ms a poller was last here (or the queue was made): how gone workers are told */
  lastPollMs = Date.now();

  get backlogSize(): number {
    return this.backlog.length - this.head;
  }

  get pollersWaiting(): number {
    return this.waiters.length;
  }

  offer(task: T): void {
    const w = this.waiters.shift();
    if (w) w.give(task);
    else this.backlog.push(task);
  }

  /** Next task, or null after timeoutMs or when `cancelled` fires first. */
  take(timeoutMs: number, onCancel: (fn: () => void) => () => void): Promise<T | null> {
    this.lastPollMs = Date.now();
    if (this.head < this.backlog.length) {
      const t = this.backlog[this.head++] as T;
      if (this.head > 1024 && this.head * 2 > this.backlog.length) {
        this.backlog = this.backlog.slice(this.head);
        this.head = 0;
      }
      return Promise.resolve(t);
    }
    return new Promise((resolve) => {
      let done = false;
      const finish = (t: T | null) => {
        if (done) return;
        done = true;
        this.lastPollMs = Date.now();
        clearTimeout(timer);
        unsubscribe();
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(t);
      };
      const waiter: Waiter<T> = { give: (t) => finish(t) };
      const timer = setTimeout(() => finish(null), timeoutMs);
      const unsubscribe = onCancel(() => finish(null));
      this.waiters.push(waiter);
    });
  }

  /** No poller waits and none has come for `ms`: the worker that polled here is gone. */
  unpolledFor(ms: number, now = Date.now()): boolean {
    return this.waiters.length === 0 && now - this.lastPollMs >= ms;
  }

  /** Wake every waiting poller with nothing (shutdown). */
  drain(): void {
    for (const w of this.waiters.splice(0)) w.give(null as T);
  }
}

export class TaskQueues<T> {
  private queues = new Map<string, TaskQueue<T>>();

  get(name: string): TaskQueue<T> {
    let q = this.queues.get(name);
    if (!q) {
      q = new TaskQueue<T>();
      this.queues.set(name, q);
    }
    return q;
  }

  /** The queue if it exists: looking must not make one. */
  find(name: string): TaskQueue<T> | undefined {
    return this.queues.get(name);
  }

  /** Forgets a queue and its backlog; pollers still waiting there are answered empty. */
  delete(name: string): void {
    this.queues.get(name)?.drain();
    this.queues.delete(name);
  }

  /** Forgets queues that hold nothing and that no poller has visited for `idleMs`. */
  sweep(idleMs: number): void {
    const now = Date.now();
    for (const [name, q] of this.queues) if (q.backlogSize === 0 && q.unpolledFor(idleMs, now)) this.queues.delete(name);
  }

  names(): string[] {
    return [...this.queues.keys()].sort();
  }

  backlog(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.backlogSize;
    return n;
  }

  pollers(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.pollersWaiting;
    return n;
  }

  drainAll(): void {
    for (const q of this.queues.values()) q.drain();
  }
}
