import type { ModelAttributeColumnOptions } from 'sequelize';
import type { Db } from '../db';

/**
 * Column changes every re-runnable migration makes the same way: add a column only where it is
 * missing (a database made by the baseline of a later release already has it), drop it only
 * where it is there. Dropping is a plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35 and
 * PostgreSQL): Sequelize's removeColumn on SQLite rebuilds the table and drops the original,
 * which with foreign keys on fails as soon as any row points at it (seen with sales_orders and
 * its lines on the demo company). An indexed column must lose its indexes first.
 */
export async function addColumnIfMissing(
  db: Db,
  table: string,
  field: string,
  attrs: Pick<ModelAttributeColumnOptions, 'type' | 'allowNull' | 'defaultValue'>,
): Promise<boolean> {
  const qi = db.sequelize.getQueryInterface();
  if ((await qi.describeTable(table))[field]) return false;
  await qi.addColumn(table, field, attrs);
  return true;
}

export async function dropColumnIfPresent(db: Db, table: string, field: string): Promise<void> {
  if ((await db.sequelize.getQueryInterface().describeTable(table))[field])
    await db.sequelize.query(`ALTER TABLE ${table} DROP COLUMN ${field}`);
}
