import type { Sequelize } from 'sequelize';

/** The part of a sqlite3 Database this module uses. */
interface Statement {
  all(params: unknown[], cb: (err: Error | null, rows: unknown[]) => void): void;
  finalize(cb: () => void): void;
}
interface Connection {
  configure(opt: 'busyTimeout', ms: number): void;
  run(sql: string): void;
  prepare(sql: string, cb: (err: Error | null) => void): Statement;
  close(cb?: (err: Error | null) => void): void;
  uuid?: string;
}
interface ConnectionManager {
  getConnection(o?: object): Promise<Connection>;
  releaseConnection(c: Connection, force?: boolean): unknown;
  _onProcessExit(): Promise<void>;
}

const prepared = new WeakMap<Connection, Map<string, Promise<Statement>>>();

function managerOf(sequelize: Sequelize): ConnectionManager {
  return (sequelize as unknown as { connectionManager: ConnectionManager }).connectionManager;
}

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

/**
 * Sequelize opens a fresh sqlite3 connection per transaction and offers no hook for it, so the
 * per-connection settings (wait for locks instead of failing, synchronous=NORMAL under WAL) go
 * in here, and so does the finalising of prepared statements (sqliteAll) before a close.
 */
export function tuneSqliteConnections(sequelize: Sequelize): void {
  const cm = managerOf(sequelize);
  const tuned = new WeakSet<Connection>();
  const getConnection = cm.getConnection.bind(cm);
  cm.getConnection = async (o?: object) => {
    const conn = await getConnection(o);
    if (!tuned.has(conn)) {
      conn.configure('busyTimeout', 15_000);
      conn.run('PRAGMA synchronous=NORMAL');
      tuned.add(conn);
    }
    return conn;
  };
  const release = cm.releaseConnection.bind(cm);
  cm.releaseConnection = (conn: Connection, force?: boolean) => {
    // only transaction connections (with a uuid) are closed on release; none of them prepares
    if (conn.uuid && prepared.has(conn)) void finalizeAll(conn).then(() => release(conn, force));
    else release(conn, force);
  };
  const exit = cm._onProcessExit.bind(cm);
  cm._onProcessExit = async () => {
    const open = Object.values((cm as unknown as { connections: Record<string, Connection> }).connections);
    await Promise.all(open.map(finalizeAll));
    return exit();
  };
}

/**
 * Runs a read on Sequelize's default SQLite connection (the one its own reads outside a
 * transaction use: same snapshot rules) through a statement prepared once per connection.
 * For the hottest reads only: preparing the statement again for every call costs about as much
 * CPU as running it, and Sequelize's own wrapping of a query several times more. Logged the way
 * Sequelize logs its statements when SQL logging is on.
 */
export async function sqliteAll<T>(sequelize: Sequelize, sql: string, params: unknown[]): Promise<T[]> {
  const conn = await managerOf(sequelize).getConnection({ type: 'SELECT' });
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
  const log = (sequelize as unknown as { options: { logging?: unknown } }).options.logging;
  if (typeof log === 'function') log(`Executing (default): ${sql}; ${JSON.stringify(params)}`);
  return new Promise((resolve, reject) => ready.all(params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
}
