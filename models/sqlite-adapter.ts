import type { Sequelize, Transaction } from 'sequelize';

/**
 * The one place that knows the insides of Sequelize's SQLite dialect and of sqlite3, which the
 * SQLite tuning (sqlite-connections, sqlite-table-info, write-lock) leans on. Everything here
 * is true of the versions in PINNED, and both packages are pinned to exactly those in
 * package.json; tests/models/sqlite-adapter.test.ts checks each fact on a plain Sequelize, so
 * an upgrade that moves one fails there, naming it, instead of slowing or breaking the app
 * quietly. To upgrade: bump the pin, run that test, adapt what it names here, bump PINNED.
 */
export const PINNED = { sequelize: '6.37.8', sqlite3: '5.1.7' } as const;

/** The statement methods of a sqlite3 Database, as Sequelize calls them: sql, then parameters and a callback. */
export interface SqliteMethods {
  all(sql: string, ...rest: unknown[]): unknown;
  run(sql: string, ...rest: unknown[]): unknown;
  exec(sql: string, ...rest: unknown[]): unknown;
}

export interface SqliteStatement {
  all(params: unknown[], cb: (err: Error | null, rows: unknown[]) => void): void;
  finalize(cb: () => void): void;
}

/** The part of a sqlite3 Database we use (its public API), plus the id Sequelize pins on it. */
export interface SqliteConnection extends SqliteMethods {
  configure(opt: 'busyTimeout', ms: number): void;
  prepare(sql: string, cb: (err: Error | null) => void): SqliteStatement;
  close(cb?: (err: Error | null) => void): void;
  serialize(cb?: () => void): void;
  on(event: 'trace', listener: (sql: string) => void): unknown;
  /** sqlite3: the file it opened, ':memory:' for a memory database */
  readonly filename: string;
  /** Sequelize: the id of the transaction it is lent to, undefined between transactions */
  uuid?: string;
}

/** Sequelize's SQLite ConnectionManager (lib/dialects/sqlite/connection-manager.js). */
interface ConnectionManager {
  /** every open connection: 'default' (the shared one) and one per transaction, under its id */
  connections: Record<string, SqliteConnection>;
  /** `{ uuid }` is a transaction's id; without one (or 'default') the shared connection */
  getConnection(o?: { uuid?: string; type?: string }): Promise<SqliteConnection>;
  /** a transaction's connection after COMMIT or ROLLBACK: closes it and forgets it */
  releaseConnection(c: SqliteConnection, force?: boolean): unknown;
  /** closes every connection in `connections`; what sequelize.close() ends with */
  _onProcessExit(): Promise<void>;
}

/** What a missing piece is called in the messages: the contract test and openDb show them. */
const MEMBERS = [
  ['connections', 'object'],
  ['getConnection', 'function'],
  ['releaseConnection', 'function'],
  ['_onProcessExit', 'function'],
] as const;

/** What of the connection manager the installed Sequelize lacks ([] when all is there). */
export function missingInternals(sequelize: Sequelize): string[] {
  const cm = (sequelize as unknown as { connectionManager?: Record<string, unknown> }).connectionManager;
  if (!cm) return ['sequelize.connectionManager'];
  return MEMBERS.filter(([name, type]) => typeof cm[name] !== type || cm[name] === null).map(
    ([name, type]) => `sequelize.connectionManager.${name} (${type})`,
  );
}

function managerOf(sequelize: Sequelize): ConnectionManager {
  const missing = missingInternals(sequelize);
  if (missing.length) {
    throw new Error(
      `Sequelize's SQLite internals are not what models/sqlite-adapter.ts was written for (sequelize ${PINNED.sequelize}): missing ${missing.join(', ')}`,
    );
  }
  return (sequelize as unknown as { connectionManager: ConnectionManager }).connectionManager;
}

/** Every connection Sequelize holds open, by its key ('default', a transaction id, ours). */
export function openConnections(sequelize: Sequelize): Record<string, SqliteConnection> {
  return managerOf(sequelize).connections;
}

/** The shared connection: the one Sequelize's reads outside a transaction use. */
export function sharedConnection(sequelize: Sequelize): Promise<SqliteConnection> {
  return managerOf(sequelize).getConnection({ type: 'SELECT' });
}

export function isShared(sequelize: Sequelize, conn: SqliteConnection): boolean {
  return managerOf(sequelize).connections.default === conn;
}

/** The connection a transaction runs on. */
export function connectionOf(t: Transaction): SqliteConnection {
  return (t as unknown as { connection: SqliteConnection }).connection;
}

/** The id Sequelize files a transaction's connection under (and sets as its uuid). */
export function transactionId(t: Transaction): string {
  return (t as unknown as { id: string }).id;
}

/** Sequelize's SQL logger as set now (`logging` of its options), so our own statements log alike. */
export function sqlLogging(sequelize: Sequelize): ((sql: string) => void) | undefined {
  const log = (sequelize as unknown as { options: { logging?: unknown } }).options.logging;
  return typeof log === 'function' ? (log as (sql: string) => void) : undefined;
}

export interface ConnectionHooks {
  /** asked for the connection of transaction `transactionId` (undefined: the shared one) */
  acquire(next: () => Promise<SqliteConnection>, transactionId: string | undefined): Promise<SqliteConnection>;
  /** handed back a transaction's connection after COMMIT or ROLLBACK (force: it had to be cleaned) */
  release(next: () => unknown, conn: SqliteConnection, force: boolean | undefined): unknown;
  /** closing every connection, at sequelize.close() */
  closeAll(next: () => Promise<void>): Promise<void>;
}

/** Puts the hooks around the connection manager's getConnection, releaseConnection and _onProcessExit. */
export function hookConnectionManager(sequelize: Sequelize, hooks: ConnectionHooks): void {
  const cm = managerOf(sequelize);
  const getConnection = cm.getConnection.bind(cm);
  cm.getConnection = (o) => {
    const uuid = o?.uuid && o.uuid !== 'default' ? o.uuid : undefined;
    return hooks.acquire(() => getConnection(o), uuid);
  };
  const release = cm.releaseConnection.bind(cm);
  cm.releaseConnection = (conn, force) => hooks.release(() => release(conn, force), conn, force);
  const exit = cm._onProcessExit.bind(cm);
  cm._onProcessExit = () => hooks.closeAll(exit);
}

/**
 * Sequelize asks `PRAGMA table_info` for every table of every SELECT, in exactly this form,
 * as `conn.all(sql, callback)`, to learn which columns to parse as dates or JSON.
 */
export const TABLE_INFO = /^PRAGMA table_info\(`([^`]+)`\)$/;

/**
 * Sequelize's SQLite dialect runs every statement inside `serialize(cb)`, and cb's first act is
 * `new Error()`, whose stack it reads once the statement is done, success or not, to give a
 * failed statement the caller's stack. With source maps on (tsx turns them on) formatting that
 * stack maps every frame back to its source: about a sixth of the CPU of a plain read. Errors
 * made during that synchronous window get no frames instead; a failed statement still says
 * what failed, with its SQL (err.sql), and the activity or request it failed in says where.
 */
export function withoutQueryStacks(conn: SqliteConnection): void {
  const serialize = conn.serialize.bind(conn);
  conn.serialize = (cb?: () => void) => {
    if (!cb) return serialize();
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      serialize(cb);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}
