import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { WORK_ORDER_STATUS } from '../domain/statuses';
import { day, fk, pk, qty, stamps, status, str } from './columns';
import { tableOptions } from './options';

/** Production work orders (O3, O7) for make items, from the BOM. */
export function defineWorkOrder(sequelize: Sequelize) {
  class WorkOrder extends Model<InferAttributes<WorkOrder>, InferCreationAttributes<WorkOrder>> {
    declare id: CreationOptional<number>;
    declare number: string;
    declare productId: number;
    declare warehouseId: number;
    declare qty: number;
    declare status: CreationOptional<(typeof WORK_ORDER_STATUS.values)[number]>;
    declare salesOrderId: number | null;
    declare dueDate: string;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  WorkOrder.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      productId: fk('products'),
      warehouseId: fk('warehouses'),
      qty: qty(),
      status: status(WORK_ORDER_STATUS.values, 'planned'),
      salesOrderId: fk('sales_orders', { nullable: true }),
      dueDate: day(),
      ...stamps(),
    },
    tableOptions(sequelize, 'work_orders', [{ fields: ['status', 'due_date'] }, { fields: ['sales_order_id'] }]),
  );
  return { WorkOrder };
}
