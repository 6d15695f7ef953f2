import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { RETURN_STATUS, RETURN_TYPE } from '../domain/statuses';
import { enumOf, fk, money, pk, qty, stamps, status, str, text } from './columns';
import { tableOptions } from './options';

/** Returns and exchanges (A2): goods back into stock, a credit note against receivables. */
export function defineReturn(sequelize: Sequelize) {
  class Return extends Model<InferAttributes<Return>, InferCreationAttributes<Return>> {
    declare id: CreationOptional<number>;
    declare number: string;
    declare customerId: number;
    declare salesOrderId: number;
    declare type: (typeof RETURN_TYPE.values)[number];
    declare status: CreationOptional<(typeof RETURN_STATUS.values)[number]>;
    declare reason: string | null;
    declare creditNoteFen: CreationOptional<number>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Return.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      customerId: fk('customers'),
      salesOrderId: fk('sales_orders'),
      type: enumOf(RETURN_TYPE.values),
      status: status(RETURN_STATUS.values, 'requested'),
      reason: text(),
      creditNoteFen: money(),
      ...stamps(),
    },
    tableOptions(sequelize, 'returns', [{ fields: ['customer_id'] }, { fields: ['sales_order_id'] }]),
  );

  class ReturnLine extends Model<InferAttributes<ReturnLine>, InferCreationAttributes<ReturnLine>> {
    declare id: CreationOptional<number>;
    declare returnId: number;
    declare salesOrderLineId: number | null;
    declare productId: number;
    declare warehouseId: number;
    declare qty: number;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  ReturnLine.init(
    {
      id: pk(),
      returnId: fk('returns', { onDelete: 'CASCADE' }),
      salesOrderLineId: fk('sales_order_lines', { nullable: true }),
      productId: fk('products'),
      warehouseId: fk('warehouses'),
      qty: qty(),
      ...stamps(),
    },
    tableOptions(sequelize, 'return_lines', [{ fields: ['return_id'] }]),
  );
  return { Return, ReturnLine };
}
