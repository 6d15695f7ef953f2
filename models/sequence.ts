import { type InferAttributes, type InferCreationAttributes, Model, QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { qty, str } from './columns';
import type { Db } from './db';
import { tableOptions } from './options';

/** Counters behind document numbers such as SO-20261123-0001, one row per prefix and day. */
export function defineSequence(sequelize: Sequelize) {
  class DocumentSequence extends Model<InferAttributes<DocumentSequence>, InferCreationAttributes<DocumentSequence>> {
    declare key: string;
    declare lastValue: number;
  }
  DocumentSequence.init(
    { key: { ...str(48), primaryKey: true }, lastValue: qty({ defaultValue: 0 }) },
    tableOptions(sequelize, 'document_sequences', [], { timestamps: false }),
  );
  return { DocumentSequence };
}

/**
 * Next document number for a prefix and day, e.g. SO-20261123-0001. The counter is bumped and
 * read in one statement inside a write transaction, so concurrent callers never draw the same number.
 */
export async function nextDocumentNumber(
  db: Db,
  prefix: string,
  yyyymmdd: string,
  opts: { transaction?: Transaction } = {},
): Promise<string> {
  const key = `${prefix}-${yyyymmdd}`;
  const draw = async (transaction: Transaction) => {
    // One statement: bumped and read back by RETURNING (SQLite ≥ 3.35, PostgreSQL). The leading
    // comment keeps Sequelize's SQLite dialect from taking it for a plain INSERT, whose rows it drops.
    const rows = await db.sequelize.query<{ lastValue: number }>(
      `/* next document number */ INSERT INTO document_sequences (key, last_value) VALUES (:key, 1)
       ON CONFLICT (key) DO UPDATE SET last_value = document_sequences.last_value + 1
       RETURNING last_value AS "lastValue"`,
      { replacements: { key }, type: QueryTypes.SELECT, transaction },
    );
    const value = Number(rows[0]?.lastValue);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`document sequence ${key}: no value came back`);
    return `${key}-${String(value).padStart(4, '0')}`;
  };
  return opts.transaction ? draw(opts.transaction) : db.writeTx(draw);
}
