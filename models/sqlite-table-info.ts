import { type SqliteMethods, TABLE_INFO } from './sqlite-adapter';
import { isSchemaChange } from './sqlite-statements';

/**
 * Sequelize's SQLite dialect asks `PRAGMA table_info` for every table of every SELECT, before
 * the SELECT itself, to learn which columns to parse as dates or JSON: one more statement and
 * thread-pool round trip per read, inside write transactions too, where each round trip is
 * time the single write lock is held. The answer only changes with the schema, so it is kept
 * per database file and given from memory; any CREATE, ALTER or DROP that runs on one of that
 * file's connections in this process forgets it all. (A schema change by another process needs
 * a restart anyway: the models are defined at start.)
 */

type Callback = (err: Error | null, rows?: unknown) => void;

export class TableInfoCache {
  private readonly tables = new Map<string, unknown[]>();
  /** Bumped by every schema change, so that an answer read before it is not kept after it. */
  private generation = 0;

  forget(): void {
    this.generation++;
    this.tables.clear();
  }

  /** Wraps one connection's all/run/exec; call once per connection. */
  attach(conn: SqliteMethods): void {
    const all = conn.all.bind(conn);
    conn.all = (sql: string, ...rest: unknown[]) => {
      const table = rest.length === 1 && typeof rest[0] === 'function' ? TABLE_INFO.exec(sql)?.[1] : undefined;
      if (table === undefined) {
        this.watch(sql);
        return all(sql, ...rest);
      }
      const cb = rest[0] as Callback;
      const known = this.tables.get(table);
      // asynchronous like the real answer: the caller's code after all() runs first either way
      if (known) return void process.nextTick(cb, null, known);
      const asked = this.generation;
      return all(sql, (err: Error | null, rows: unknown[]) => {
        // a table that does not exist yet answers no rows: not worth keeping
        if (!err && rows.length > 0 && asked === this.generation) this.tables.set(table, rows);
        cb(err, rows);
      });
    };
    for (const method of ['run', 'exec'] as const) {
      const original = conn[method].bind(conn);
      conn[method] = (sql: string, ...rest: unknown[]) => {
        this.watch(sql);
        return original(sql, ...rest);
      };
    }
  }

  private watch(sql: unknown): void {
    if (isSchemaChange(sql)) this.forget();
  }
}
