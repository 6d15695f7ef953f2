import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqliteMethods } from './sqlite-adapter';
import { isWrite } from './sqlite-statements';

/**
 * SQLite has one writer at a time. Letting concurrent transactions race for the file lock
 * turns into SQLITE_BUSY errors under load, so writes in this process queue here instead;
 * PostgreSQL needs no such queue (row locks and conditional updates do the work).
 */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  /**
   * Seen by whatever runs under the lock and everything started on its behalf; a timer or a
   * background read started there that outlives the turn sees it ended.
   */
  private readonly holder = new AsyncLocalStorage<{ holding: boolean }>();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const held = async () => {
      const turn = { holding: true };
      try {
        return await this.holder.run(turn, fn);
      } finally {
        turn.holding = false;
      }
    };
    const result = this.tail.then(held, held);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Whether the caller runs under this lock, during its turn (inside a `db.writeTx`, say). */
  heldHere(): boolean {
    return this.holder.getStore()?.holding === true;
  }
}

type Callback = (this: unknown, err: Error | null, ...rest: unknown[]) => void;

export class WriteOutsideTransaction extends Error {
  constructor(sql: string) {
    super(`a write inside db.writeTx that is not part of its transaction (pass { transaction }): ${sql.slice(0, 200)}`);
  }
}

/**
 * A write on the shared connection, outside any transaction (a model call without
 * `transaction`), takes its turn on the write lock too. Left to SQLite it would wait for the
 * file lock inside a thread of the pool, holding the shared connection that every plain read
 * and the lock's holder may need: the whole process stalls until SQLite gives up. Made inside a
 * writeTx it can never get the lock its own transaction holds: that is a bug, answered at once.
 */
export function queueSharedWrites(conn: SqliteMethods, lock: WriteLock): void {
  for (const method of ['run', 'all'] as const) {
    const original = conn[method].bind(conn);
    conn[method] = (sql: string, ...rest: unknown[]) => {
      const cb = rest.at(-1);
      if (typeof cb !== 'function' || !isWrite(sql)) return original(sql, ...rest);
      const done = cb as Callback;
      if (lock.heldHere()) return void process.nextTick(() => done.call(conn, new WriteOutsideTransaction(sql)));
      void lock.run(
        () =>
          new Promise<void>((resolve) => {
            // sqlite3 calls back with the statement as `this` (lastID, changes): keep it
            original(sql, ...rest.slice(0, -1), function (this: unknown, err: Error | null, ...results: unknown[]) {
              resolve();
              done.call(this, err, ...results);
            });
          }),
      );
      return conn;
    };
  }
}
