import { type Model, type ModelStatic, QueryTypes, type Transaction } from 'sequelize';
import type { Db, Dialect } from '../db';
import type { Models } from '../index';

/**
 * Set-based writes for the seeds: one INSERT per batch of plain rows keyed by model attribute
 * (literal VALUES on SQLite, column arrays through unnest() on PostgreSQL). Going around
 * Model.bulkCreate is deliberate: building and validating a model instance per row costs more
 * than the database does, and a million rows must load in minutes. The generators only
 * produce values from the status lists, so skipping the validators loses nothing; the
 * database still checks keys and foreign keys.
 */

export type ModelName = keyof Models;
type AttributesOf<M> = M extends { prototype: { _attributes: infer A } } ? A : never;
/**
 * A row with every column spelled out (the type makes the seeds say what they write rather
 * than lean on model defaults); ids come from the seeds, timestamps default to the run's stamp.
 */
export type RowOf<K extends ModelName> = Omit<AttributesOf<Models[K]>, 'id' | 'createdAt' | 'updatedAt'> & {
  id?: number;
  createdAt?: Date;
  updatedAt?: Date;
};

interface Column {
  attr: string;
  field: string;
  /** the PostgreSQL array type a batch of this column is bound as */
  pgArray: string;
  defaultValue: unknown;
  isStamp: boolean;
  isAutoId: boolean;
}

const columnCache = new WeakMap<object, Column[]>();

function columnsOf(db: Db, name: ModelName): Column[] {
  const model = db.models[name] as unknown as ModelStatic<Model>;
  let cols = columnCache.get(model);
  if (!cols) {
    cols = Object.entries(model.getAttributes()).map(([attr, a]) => ({
      attr,
      field: a.field ?? attr,
      pgArray: PG_ARRAY[(a.type as { key?: string }).key ?? ''] ?? 'text[]',
      defaultValue: typeof a.defaultValue === 'function' ? undefined : a.defaultValue,
      isStamp: attr === 'createdAt' || attr === 'updatedAt',
      isAutoId: Boolean(a.autoIncrement),
    }));
    columnCache.set(model, cols);
  }
  return cols;
}

export function tableOf(db: Db, name: ModelName): string {
  return db.models[name].tableName;
}

const PG_ARRAY: Record<string, string> = {
  INTEGER: 'integer[]',
  BIGINT: 'bigint[]',
  STRING: 'text[]',
  TEXT: 'text[]',
  DATEONLY: 'date[]',
  DATE: 'timestamptz[]',
  BOOLEAN: 'boolean[]',
  JSON: 'json[]',
};

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Dates go in as Sequelize writes them (UTC with offset), so both dialects read them back alike. */
function instant(d: Date): string {
  return `'${d.toISOString().replace('T', ' ').replace('Z', ' +00:00')}'`;
}

export function sqlLiteral(v: unknown, dialect: Dialect): string {
  if (v === null || v === undefined) return 'NULL';
  switch (typeof v) {
    case 'number':
      if (!Number.isSafeInteger(v)) throw new Error(`seed values are integers (fen, bp, qty, ids): ${v}`);
      return String(v);
    case 'boolean':
      return dialect === 'postgres' ? String(v) : v ? '1' : '0';
    case 'string':
      return quote(v);
    case 'object':
      return v instanceof Date ? instant(v) : quote(JSON.stringify(v));
    default:
      throw new Error(`cannot write a ${typeof v} into the database`);
  }
}

function columnValue(c: Column, r: Record<string, unknown>, name: string, stamp: Date): unknown {
  const v = r[c.attr];
  if (v !== undefined) return v;
  if (c.isStamp) return r.createdAt ?? stamp;
  if (c.isAutoId) throw new Error(`${name}: the seed gives every row its id`);
  return c.defaultValue;
}

export interface Statement {
  sql: string;
  bind?: unknown[];
}

/**
 * The INSERT for one batch; `stamp` fills createdAt/updatedAt the rows do not set themselves.
 * SQLite gets literal VALUES; PostgreSQL gets one array per column and unnest(), which it
 * parses and plans once instead of once per value (several times faster for big batches).
 */
export function insertStatement<K extends ModelName>(
  db: Db,
  name: K,
  rows: readonly RowOf<K>[],
  stamp: Date,
  conflictDoNothing = false,
): Statement {
  const cols = columnsOf(db, name);
  const head = `INSERT INTO "${tableOf(db, name)}" (${cols.map((c) => `"${c.field}"`).join(',')}) `;
  const tail = conflictDoNothing ? ' ON CONFLICT DO NOTHING' : '';
  if (db.dialect === 'postgres') {
    const bind = cols.map((c) =>
      rows.map((row) => {
        const v = columnValue(c, row as Record<string, unknown>, name, stamp);
        if (v instanceof Date) return v.toISOString();
        if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new Error(`seed values are integers (fen, bp, qty, ids): ${v}`);
        return v !== null && typeof v === 'object' ? JSON.stringify(v) : (v ?? null);
      }),
    );
    return { sql: `${head}SELECT * FROM unnest(${cols.map((c, i) => `$${i + 1}::${c.pgArray}`).join(', ')})${tail}`, bind };
  }
  const values = rows.map(
    (row) => `(${cols.map((c) => sqlLiteral(columnValue(c, row as Record<string, unknown>, name, stamp), db.dialect)).join(',')})`,
  );
  return { sql: `${head}VALUES ${values.join(',\n')}${tail}` };
}

export async function runStatement(db: Db, s: Statement, transaction: Transaction): Promise<void> {
  await db.sequelize.query(s.sql, { transaction, type: QueryTypes.RAW, ...(s.bind ? { bind: s.bind } : {}) });
}

/** Writes rows in batches of `batchSize` within the caller's transaction. */
export async function insertRows<K extends ModelName>(
  db: Db,
  name: K,
  rows: readonly RowOf<K>[],
  opts: { transaction: Transaction; stamp: Date; batchSize?: number; conflictDoNothing?: boolean },
): Promise<void> {
  const size = opts.batchSize ?? 500;
  for (let i = 0; i < rows.length; i += size) {
    await runStatement(db, insertStatement(db, name, rows.slice(i, i + size), opts.stamp, opts.conflictDoNothing), opts.transaction);
  }
}

/** Highest id in a table (0 when empty): the seeds number their rows on from there. */
export async function maxId(db: Db, name: ModelName, transaction: Transaction): Promise<number> {
  const rows = await db.sequelize.query<{ m: number | string | null }>(`SELECT MAX(id) AS m FROM "${tableOf(db, name)}"`, {
    type: QueryTypes.SELECT,
    transaction,
  });
  return Number(rows[0]?.m ?? 0);
}

/**
 * Explicit ids do not move a PostgreSQL serial sequence; without this the application's next
 * insert would draw id 1 and collide. (SQLite's AUTOINCREMENT follows explicit ids itself.)
 */
export async function syncIdSequences(db: Db, names: readonly ModelName[], transaction: Transaction): Promise<void> {
  if (db.dialect !== 'postgres') return;
  for (const name of names) {
    if (!columnsOf(db, name).some((c) => c.attr === 'id' && c.isAutoId)) continue;
    const table = tableOf(db, name);
    await db.sequelize.query(
      `SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM "${table}"), 1), (SELECT COUNT(*) > 0 FROM "${table}"))`,
      { transaction, type: QueryTypes.SELECT },
    );
  }
}
