import { DataTypes } from 'sequelize';
import type { MigrationFn } from 'umzug';
import type { Db } from '../db';
import { addColumnIfMissing, dropColumnIfPresent } from './columns';

/**
 * sales_orders.credit_approved_at: an order that passed the credit check counts against the
 * customer's credit from that moment, so a second order checked just after it sees it (issue
 * 11). Re-runnable: a database made by the baseline of this release already has the column.
 */
export const up: MigrationFn<Db> = ({ context: db }) =>
  addColumnIfMissing(db, 'sales_orders', 'credit_approved_at', { type: DataTypes.DATE, allowNull: true });

export const down: MigrationFn<Db> = ({ context: db }) => dropColumnIfPresent(db, 'sales_orders', 'credit_approved_at');
