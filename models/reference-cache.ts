import type { Sequelize, Transaction } from 'sequelize';
import { sqliteAll } from './sqlite-connections';

/**
 * Reference data the bot reads on every message — who a login is and what their role may see,
 * the product catalogue that names are resolved against — kept in memory, per database, and
 * read again when it may have changed:
 *
 *  - at once after any statement in this process that writes one of the tables it comes from
 *    (models, raw SQL, seeds, migrations: all go through sequelize.query, watched by an
 *    afterQuery hook), and once more when that statement's transaction commits;
 *  - otherwise when it is older than `maxAgeMs`: the bound on how stale it can be after a
 *    write by another process (a second instance, a CLI, SQL typed by hand). Where the
 *    database can say cheaply whether anything was committed since (SQLite's data_version),
 *    that is asked first and an unchanged value is kept, so a busy but unchanging server does
 *    not rebuild its catalogue twice a second.
 *
 * Only for data that changes rarely and by hand. Never for stock, prices, credit or anything
 * else a decision is made on: those are read fresh on every request.
 */
export const REFERENCE_MAX_AGE_MS = 1000;

/** Beyond this many keys a cache starts again: whatever it is keyed by, it must not grow without bound. */
const MAX_ENTRIES = 10_000;

interface Entry<V> {
  value: V;
  at: number;
  /** what `changed` answered before this value was read */
  version?: unknown;
}

/** A cheap probe of the source: equal answers mean nothing was committed in between. */
export type VersionProbe = () => Promise<unknown>;

export class ReferenceCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly loading = new Map<K, { generation: number; promise: Promise<V> }>();
  private generation = 0;

  constructor(
    private readonly load: (key: K) => Promise<V>,
    private readonly maxAgeMs = REFERENCE_MAX_AGE_MS,
    private readonly clock: () => number = () => performance.now(),
    private readonly probe?: VersionProbe,
  ) {}

  /** Forget everything; a load already under way is not kept either. */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }

  /**
   * The value, from memory while it is younger than maxAgeMs. Past half that age a request
   * still gets it at once but starts a read in the background, so that under steady traffic
   * nobody waits for a reload and nothing served is older than maxAgeMs.
   *
   * A caller inside a transaction passes `readInTx`, which reads through that transaction: on
   * PostgreSQL a reload needs a connection of the pool, and when every connection is held by a
   * transaction waiting for the same reload, none is ever given back. What it reads is not kept
   * (it may include the transaction's own uncommitted writes).
   */
  get(key: K, readInTx?: () => Promise<V>): Promise<V> {
    const e = this.entries.get(key);
    if (e) {
      const age = this.clock() - e.at;
      if (age < this.maxAgeMs) {
        if (age >= this.maxAgeMs / 2) this.refresh(key).catch(() => undefined); // a failure shows on the next blocking read
        return Promise.resolve(e.value);
      }
    }
    return readInTx ? readInTx() : this.refresh(key);
  }

  /** Reads the key, one read per key at a time: a burst of messages waits for the same read. */
  private refresh(key: K): Promise<V> {
    const pending = this.loading.get(key);
    if (pending && pending.generation === this.generation) return pending.promise;
    const generation = this.generation;
    const at = this.clock(); // the age counts from before the read: never younger than the data
    const promise = this.read(key).then(
      ({ value, version }) => {
        if (generation === this.generation) {
          if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
          this.entries.set(key, { value, at, version });
        }
        if (this.loading.get(key)?.promise === promise) this.loading.delete(key);
        return value;
      },
      (error: unknown) => {
        if (this.loading.get(key)?.promise === promise) this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, { generation, promise });
    return promise;
  }

  /**
   * The probe is asked before the load, so a commit landing during the load shows as a new
   * version next time. An entry whose version is unchanged is kept as it is.
   */
  private async read(key: K): Promise<{ value: V; version?: unknown }> {
    if (!this.probe) return { value: await this.load(key) };
    const kept = this.entries.get(key);
    const version = await this.probe();
    if (kept && kept.version !== undefined && kept.version === version) return { value: kept.value, version };
    return { value: await this.load(key), version };
  }
}

/** INSERT INTO t, UPDATE t, DELETE FROM t …: the table a plain write names first (backticks, quotes or a schema allowed). */
const TARGET =
  /^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?(?:\s+ONLY)?|DELETE\s+FROM(?:\s+ONLY)?|ALTER\s+TABLE(?:\s+IF\s+EXISTS)?(?:\s+ONLY)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|TRUNCATE(?:\s+TABLE)?(?:\s+ONLY)?)\s+(?:[`"]?\w+[`"]?\.)?[`"]?(\w+)[`"]?/i;
/** Any other statement that may write: a CTE with a write in it, DDL, MERGE, UPSERT … */
const OTHER_WRITE = /^\s*(?:WITH|CREATE|MERGE|UPSERT|INSERT|REPLACE|UPDATE|DELETE|ALTER|DROP|TRUNCATE)\b/i;

/**
 * Whether a statement may write one of `tables` (names in lower case): the target of a plain
 * write exactly (values in it do not count), for other writes any mention of the name.
 * Erring towards yes only costs a reload.
 */
export function mayWrite(sql: string, tables: ReadonlySet<string>, mention: RegExp): boolean {
  const target = TARGET.exec(sql);
  if (target) return tables.has((target[1] as string).toLowerCase());
  return OTHER_WRITE.test(sql) && mention.test(sql);
}

type Listener = { tables: ReadonlySet<string>; mention: RegExp; onWrite: () => void };
const listeners = new WeakMap<Sequelize, Listener[]>();

/**
 * Calls onWrite after every statement run through this Sequelize instance that may write one
 * of `tables`, and again when its transaction commits.
 */
export function onTableWrite(sequelize: Sequelize, tables: readonly string[], onWrite: () => void): void {
  let list = listeners.get(sequelize);
  if (!list) {
    const registered: Listener[] = [];
    list = registered;
    listeners.set(sequelize, registered);
    sequelize.addHook('afterQuery', 'referenceCache', (options: { transaction?: Transaction | null }, query: unknown) => {
      const sql = (query as { sql?: unknown }).sql;
      if (typeof sql !== 'string' || !OTHER_WRITE.test(sql)) return; // reads: the common case, one test
      for (const l of registered) {
        if (!mayWrite(sql, l.tables, l.mention)) continue;
        l.onWrite();
        options.transaction?.afterCommit(() => l.onWrite());
      }
    });
  }
  list.push({
    tables: new Set(tables.map((t) => t.toLowerCase())),
    mention: new RegExp(`\\b(?:${tables.join('|')})\\b`, 'i'),
    onWrite,
  });
}

/**
 * SQLite's data_version, read on the connection Sequelize reads through: it changes whenever
 * another connection (a transaction of this process, another process) commits. Writes on that
 * same connection do not change it; the afterQuery hook catches those. PostgreSQL has no such
 * cheap counter: there the value is read again.
 */
function commitProbe(sequelize: Sequelize): VersionProbe | undefined {
  if (sequelize.getDialect() !== 'sqlite') return undefined;
  return async () => (await sqliteAll<{ data_version: number }>(sequelize, 'PRAGMA data_version', []))[0]?.data_version;
}

const caches = new WeakMap<Sequelize, Map<string, ReferenceCache<unknown, unknown>>>();

/**
 * The cache named `name` of this database, made on first use: `load` reads one key, and the
 * whole cache is forgotten when any of `tables` is written.
 */
export function referenceCache<K, V>(
  sequelize: Sequelize,
  name: string,
  tables: readonly string[],
  load: (key: K) => Promise<V>,
): ReferenceCache<K, V> {
  let byName = caches.get(sequelize);
  if (!byName) {
    byName = new Map();
    caches.set(sequelize, byName);
  }
  let cache = byName.get(name) as ReferenceCache<K, V> | undefined;
  if (!cache) {
    const made = new ReferenceCache(load, REFERENCE_MAX_AGE_MS, undefined, commitProbe(sequelize));
    onTableWrite(sequelize, tables, () => made.invalidate());
    byName.set(name, made as ReferenceCache<unknown, unknown>);
    cache = made;
  }
  return cache;
}
