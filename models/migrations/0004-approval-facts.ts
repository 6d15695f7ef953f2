import { DataTypes } from 'sequelize';
import type { MigrationFn } from 'umzug';
import type { Db } from '../db';

/**
 * approval_steps.facts: what the approver was shown when the card was sent, so a click is
 * re-checked against that card, not against the figures of when the order opened.
 * Re-runnable: a database made by the baseline of this release already has the column.
 */
export const up: MigrationFn<Db> = async ({ context: db }) => {
  const qi = db.sequelize.getQueryInterface();
  const cols = await qi.describeTable('approval_steps');
  if (!cols.facts) await qi.addColumn('approval_steps', 'facts', { type: DataTypes.JSON, allowNull: true });
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  const qi = db.sequelize.getQueryInterface();
  const cols = await qi.describeTable('approval_steps');
  if (cols.facts) await qi.removeColumn('approval_steps', 'facts');
};
