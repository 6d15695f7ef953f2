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
 * read inside one write transaction, so concurrent callers never draw the same number.
 */
export async function nextDocumentNumber(
  db: Db,
  prefix: string,
  yyyymmdd: string,
  opts: { transaction?: Transaction } = {},
): Promise<string> {
  const key = `${prefix}-${yyyymmdd}`;
  const draw = async (transaction: Transaction) => {
    await db.sequelize.query(
      `INSERT INTO document_sequences (key, last_value) VALUES (:key, 1)
       ON CONFLICT (key) DO UPDATE SET last_value = document_sequences.last_value + 1`,
      { replacements: { key }, transaction },
    );
    const rows = await db.sequelize.query<{ lastValue: number }>(
      'SELECT last_value AS "lastValue" FROM document_sequences WHERE key = :key',
      {
        replacements: { key },
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    return `${key}-${String(Number(rows[0]?.lastValue)).padStart(4, '0')}`;
  };
  return opts.transaction ? draw(opts.transaction) : db.writeTx(draw);
}
