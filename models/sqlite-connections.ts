import { QueryTypes, type Sequelize } from 'sequelize';
import {
  type SqliteConnection as Connection,
  hookConnectionManager,
  isShared,
  openConnections,
  type SqliteStatement as Statement,
  sharedConnection,
  sqlLogging,
  withoutQueryStacks,
} from './sqlite-adapter';
import { TableInfoCache } from './sqlite-table-info';
import { queueSharedWrites, type WriteLock } from './write-lock';

const prepared = new WeakMap<Connection, Map<string, Promise<Statement>>>();

/** Finalises a connection's prepared statements: SQLite refuses to close a connection that has any. */
async function finalizeAll(conn: Connection): Promise<void> {
  const statements = prepared.get(conn);
  if (!statements) return;
  prepared.delete(conn);
  const settled = await Promise.allSettled(statements.values());
  await Promise.all(
    settled.map((s) => (s.status === 'fulfilled' ? new Promise<void>((resolve) => s.value.finalize(() => resolve())) : undefined)),
  );
}

/** Transaction connections kept open for the next transaction; more than this are closed. */
const IDLE_MAX = 4;

/**
 * Sequelize opens a fresh sqlite3 connection per transaction and closes it afterwards: an open,
 * three settings and a parse of the whole schema by SQLite, all while the write lock is held.
 * Here a transaction's connection is kept for the next one instead (SQLite leaves it clean
 * after COMMIT or ROLLBACK; one that Sequelize had to force-clean is never handed back), the
 * per-connection settings (wait for locks instead of failing, synchronous=NORMAL under WAL) are
 * made once per connection, writes on the shared connection queue on the write lock
 * (write-lock.ts), Sequelize's column-type lookups are answered from memory
 * (sqlite-table-info), and prepared statements (sqliteAll) are finalised before a close.
 * Whatever this needs of Sequelize's insides it asks of sqlite-adapter.ts.
 */
export function tuneSqliteConnections(sequelize: Sequelize, lock: WriteLock): void {
  const tuned = new WeakSet<Connection>();
  const idle: Connection[] = [];
  const poolKey = new WeakMap<Connection, string>();
  let keys = 0;
  const tableInfo = new TableInfoCache();
  const open = openConnections(sequelize);
  hookConnectionManager(sequelize, {
    acquire: async (next, transactionId) => {
      if (transactionId && !(transactionId in open)) {
        const kept = idle.pop();
        if (kept) return kept;
      }
      const conn = await next();
      if (!tuned.has(conn)) {
        conn.configure('busyTimeout', 15_000);
        conn.run('PRAGMA synchronous=NORMAL');
        tableInfo.attach(conn);
        withoutQueryStacks(conn);
        if (isShared(sequelize, conn)) queueSharedWrites(conn, lock);
        tuned.add(conn);
      }
      return conn;
    },
    release: (next, conn, force) => {
      // only transaction connections carry a uuid; the default one stays open anyway
      if (!conn.uuid || conn.filename === ':memory:') return next();
      let key = poolKey.get(conn);
      if (!key) {
        // Sequelize filed it under the transaction's id: file it under a key of its own, so
        // that a close at exit still finds it while it waits here
        key = `pooled-${++keys}`;
        delete open[conn.uuid];
        open[key] = conn;
        poolKey.set(conn, key);
      }
      if (!force && idle.length < IDLE_MAX) {
        idle.push(conn);
        return;
      }
      delete open[key];
      void finalizeAll(conn).then(() => conn.close());
    },
    closeAll: async (next) => {
      idle.length = 0;
      await Promise.all(Object.values(open).map(finalizeAll));
      return next();
    },
  });
}

/**
 * Runs a read on Sequelize's default SQLite connection (the one its own reads outside a
 * transaction use: same snapshot rules) through a statement prepared once per connection.
 * For the hottest reads only: preparing the statement again for every call costs about as much
 * CPU as running it, and Sequelize's own wrapping of a query several times more. Logged the way
 * Sequelize logs its statements when SQL logging is on.
 */
export async function sqliteAll<T>(sequelize: Sequelize, sql: string, params: unknown[]): Promise<T[]> {
  const conn = await sharedConnection(sequelize);
  let statements = prepared.get(conn);
  if (!statements) {
    statements = new Map();
    prepared.set(conn, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = new Promise<Statement>((resolve, reject) => {
      const s = conn.prepare(sql, (err) => (err ? reject(err) : resolve(s)));
    });
    statements.set(sql, statement);
    statement.catch(() => statements.delete(sql)); // a failed prepare is tried again next time
  }
  const ready = await statement;
  const log = sqlLogging(sequelize);
  if (log) log(`Executing (default): ${sql}; ${JSON.stringify(params)}`);
  return new Promise((resolve, reject) => ready.all(params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
}

/**
 * A hot read in one place for both dialects: on SQLite the statement prepared once (sqliteAll),
 * elsewhere an ordinary sequelize.query with the same `?` placeholders. Column aliases that
 * must keep their case are written in double quotes, which both dialects read as identifiers.
 */
export function hotRead<T extends object>(sequelize: Sequelize, sql: string, params: unknown[]): Promise<T[]> {
  if (sequelize.getDialect() === 'sqlite') return sqliteAll<T>(sequelize, sql, params);
  return sequelize.query<T>(sql, { type: QueryTypes.SELECT, replacements: params as unknown[] });
}
