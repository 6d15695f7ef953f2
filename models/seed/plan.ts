import type { ModelName, RowOf } from './insert';

/** Tables keyed by something other than an autoincrement id. */
const NATURAL_KEYS: ReadonlySet<ModelName> = new Set(['Role', 'DocumentSequence']);

type Stored<K extends ModelName> = RowOf<K> & { id: number };

/**
 * The demo company as rows in memory, before anything is written. Rows get their ids here,
 * in generation order, so that references between tables are plain numbers and the whole
 * company can be written set-based, table by table, in one transaction.
 */
export class Plan {
  private readonly tables = new Map<ModelName, object[]>();

  /** adds a row and returns its id (0 for tables with a natural key) */
  add<K extends ModelName>(name: K, row: Omit<RowOf<K>, 'id'>): number {
    let list = this.tables.get(name);
    if (!list) {
      list = [];
      this.tables.set(name, list);
    }
    if (NATURAL_KEYS.has(name)) {
      list.push(row);
      return 0;
    }
    const id = list.length + 1;
    list.push({ id, ...row });
    return id;
  }

  rows<K extends ModelName>(name: K): Stored<K>[] {
    return (this.tables.get(name) ?? []) as Stored<K>[];
  }

  /** the row with this id; rows are mutable until the plan is written */
  get<K extends ModelName>(name: K, id: number): Stored<K> {
    const row = this.rows(name)[id - 1];
    if (!row || row.id !== id) throw new Error(`${name} ${id} is not in the plan`);
    return row;
  }

  names(): ModelName[] {
    return [...this.tables.keys()];
  }
}
