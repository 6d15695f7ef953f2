/**
 * SQLite has one writer at a time. Letting concurrent transactions race for the file lock
 * turns into SQLITE_BUSY errors under load, so writes in this process queue here instead;
 * PostgreSQL needs no such queue (row locks and conditional updates do the work).
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
