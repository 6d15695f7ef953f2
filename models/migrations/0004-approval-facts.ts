import { DataTypes } from 'sequelize';
import type { MigrationFn } from 'umzug';
import type { Db } from '../db';
import { addColumnIfMissing, dropColumnIfPresent } from './columns';

/**
 * approval_steps.facts: what the approver was shown when the card was sent, so a click is
 * re-checked against that card, not against the figures of when the order opened.
 * Re-runnable: a database made by the baseline of this release already has the column.
 */
export const up: MigrationFn<Db> = ({ context: db }) =>
  addColumnIfMissing(db, 'approval_steps', 'facts', { type: DataTypes.JSON, allowNull: true });

export const down: MigrationFn<Db> = ({ context: db }) => dropColumnIfPresent(db, 'approval_steps', 'facts');
