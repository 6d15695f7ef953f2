import { DataTypes } from 'sequelize';
import type { MigrationFn } from 'umzug';
import type { Db } from '../db';

/**
 * sales_orders.credit_approved_at: an order that passed the credit check counts against the
 * customer's credit from that moment, so a second order checked just after it sees it (issue
 * 11). Re-runnable: a database made by the baseline of this release already has the column.
 */
export const up: MigrationFn<Db> = async ({ context: db }) => {
  const qi = db.sequelize.getQueryInterface();
  const cols = await qi.describeTable('sales_orders');
  if (!cols.credit_approved_at) await qi.addColumn('sales_orders', 'credit_approved_at', { type: DataTypes.DATE, allowNull: true });
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  const qi = db.sequelize.getQueryInterface();
  const cols = await qi.describeTable('sales_orders');
  if (cols.credit_approved_at) await qi.removeColumn('sales_orders', 'credit_approved_at');
};
