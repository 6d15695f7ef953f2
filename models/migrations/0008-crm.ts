import { DataTypes } from 'sequelize';
import type { MigrationFn } from 'umzug';
import type { Db } from '../db';
import { LEAD_NUMBER_INDEX } from '../lead';
import { OPPORTUNITY_NUMBER_INDEX } from '../opportunity';
import { addColumnIfMissing, dropColumnIfPresent } from './columns';

/**
 * The CRM front in chat (issue 14): leads and opportunities get numbers people can type
 * (LD-2026-0001, OP-2026-0001), a lead its next follow-up and a note, and each team a
 * round-robin pointer (lead_assignment_pointers). Rows already there are numbered in id order
 * within the year they were made (Shanghai time), and the year's counter is set past them,
 * so the next number drawn never repeats one. Re-runnable.
 */

const NUMBERED = [
  { table: 'leads', prefix: 'LD', index: LEAD_NUMBER_INDEX },
  { table: 'opportunities', prefix: 'OP', index: OPPORTUNITY_NUMBER_INDEX },
] as const;

/** Numbers the rows that have none, set-based, and moves each year's counter past them. */
async function backfillNumbers(db: Db, table: string, prefix: string): Promise<void> {
  const pg = db.dialect === 'postgres';
  const year = pg ? "to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY')" : "strftime('%Y', substr(created_at, 1, 19), '+8 hours')";
  const seq = 'row_number() OVER (PARTITION BY y ORDER BY id)';
  const padded = pg ? `lpad(${seq}::text, 4, '0')` : `printf('%04d', ${seq})`;
  await db.sequelize.query(
    `UPDATE ${table} SET number = n.number FROM (
       SELECT id, '${prefix}-' || y || '-' || ${padded} AS number FROM (SELECT id, ${year} AS y FROM ${table} WHERE number IS NULL) s
     ) n WHERE ${table}.id = n.id`,
  );
  const greatest = pg ? 'GREATEST' : 'MAX';
  await db.sequelize.query(
    `INSERT INTO document_sequences (key, last_value)
     SELECT substr(number, 1, ${prefix.length + 5}), COUNT(*) FROM ${table} WHERE number LIKE '${prefix}-%' GROUP BY substr(number, 1, ${prefix.length + 5})
     ON CONFLICT (key) DO UPDATE SET last_value = ${greatest}(document_sequences.last_value, excluded.last_value)`,
  );
}

export const up: MigrationFn<Db> = async ({ context: db }) => {
  const qi = db.sequelize.getQueryInterface();
  for (const { table, prefix, index } of NUMBERED) {
    const added = await addColumnIfMissing(db, table, 'number', { type: DataTypes.STRING(32), allowNull: true });
    if (added) {
      await backfillNumbers(db, table, prefix);
      // SQLite cannot add NOT NULL to a column in place; the application always sets it
      if (db.dialect === 'postgres') await db.sequelize.query(`ALTER TABLE ${table} ALTER COLUMN number SET NOT NULL`);
    }
    const indexes = (await qi.showIndex(table)) as { name: string }[];
    if (!indexes.some((i) => i.name === index)) await qi.addIndex(table, ['number'], { name: index, unique: true });
  }
  await addColumnIfMissing(db, 'leads', 'next_follow_up_at', { type: DataTypes.DATE, allowNull: true });
  await addColumnIfMissing(db, 'leads', 'note', { type: DataTypes.STRING(255), allowNull: true });
  await db.models.LeadAssignmentPointer.sync();
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  const qi = db.sequelize.getQueryInterface();
  await db.models.LeadAssignmentPointer.drop();
  for (const col of ['note', 'next_follow_up_at']) await dropColumnIfPresent(db, 'leads', col);
  for (const { table, index } of NUMBERED) {
    const indexes = (await qi.showIndex(table)) as { name: string }[];
    if (indexes.some((i) => i.name === index)) await qi.removeIndex(table, index);
    await dropColumnIfPresent(db, table, 'number');
  }
};
