import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { ORDER_STATUS } from '../domain/statuses';
import { bool, bp, day, fk, instant, money, pk, qty, stamps, status, str, text } from './columns';
import { tableOptions } from './options';

/**
 * Sales orders (O1) and lines. Lines carry copies of order date, customer and rep: the
 * reports group a million lines by those, and a join per line would make every report scan.
 */
export function defineSalesOrder(sequelize: Sequelize) {
  class SalesOrder extends Model<InferAttributes<SalesOrder>, InferCreationAttributes<SalesOrder>> {
    declare id: CreationOptional<number>;
    declare number: string;
    declare customerId: number;
    declare quoteId: number | null;
    declare contractId: number | null;
    declare ownerUserId: number;
    declare teamId: number | null;
    declare status: CreationOptional<(typeof ORDER_STATUS.values)[number]>;
    declare orderDate: string;
    declare gradeDiscountBp: number;
    declare manualDiscountBp: number;
    declare netFen: number;
    declare taxFen: number;
    declare totalFen: number;
    declare costFen: number;
    declare paymentTermsDays: number;
    declare requiresPrepayment: CreationOptional<boolean>;
    declare workflowId: string | null;
    declare cancelReason: string | null;
    /** when the order passed the credit check: from then on it counts against the customer's
     *  credit, before it is confirmed (models/credit-position.ts) */
    declare creditApprovedAt: CreationOptional<Date | null>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  SalesOrder.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      customerId: fk('customers'),
      quoteId: fk('quotes', { nullable: true }),
      contractId: fk('contracts', { nullable: true }),
      ownerUserId: fk('users'),
      teamId: fk('teams', { nullable: true }),
      status: status(ORDER_STATUS.values, 'draft'),
      orderDate: day(),
      gradeDiscountBp: bp(),
      manualDiscountBp: bp(),
      netFen: money(),
      taxFen: money(),
      totalFen: money(),
      costFen: money(),
      paymentTermsDays: qty({ defaultValue: 30 }),
      requiresPrepayment: bool(false),
      workflowId: str(128, { nullable: true }),
      cancelReason: text(),
      creditApprovedAt: instant(true),
      ...stamps(),
    },
    tableOptions(sequelize, 'sales_orders', [
      { fields: ['customer_id', 'status'] },
      { fields: ['owner_user_id', 'status'] },
      { fields: ['status', 'order_date'] },
      { unique: true, fields: ['quote_id'] },
    ]),
  );

  class SalesOrderLine extends Model<InferAttributes<SalesOrderLine>, InferCreationAttributes<SalesOrderLine>> {
    declare id: CreationOptional<number>;
    declare salesOrderId: number;
    declare lineNo: number;
    declare productId: number;
    declare qty: number;
    declare shippedQty: CreationOptional<number>;
    declare backorderQty: CreationOptional<number>;
    declare unitPriceFen: number;
    declare netFen: number;
    declare taxFen: number;
    declare vatRateBp: number;
    declare costFen: number;
    declare orderDate: string;
    declare customerId: number;
    declare ownerUserId: number;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  SalesOrderLine.init(
    {
      id: pk(),
      salesOrderId: fk('sales_orders', { onDelete: 'CASCADE' }),
      lineNo: qty(),
      productId: fk('products'),
      qty: qty(),
      shippedQty: qty({ defaultValue: 0 }),
      backorderQty: qty({ defaultValue: 0 }),
      unitPriceFen: money(),
      netFen: money(),
      taxFen: money(),
      vatRateBp: bp(),
      costFen: money(),
      orderDate: day(),
      customerId: fk('customers'),
      ownerUserId: fk('users'),
      ...stamps(),
    },
    tableOptions(sequelize, 'sales_order_lines', [
      { unique: true, fields: ['sales_order_id', 'line_no'] },
      { fields: ['order_date'] },
      { fields: ['customer_id', 'order_date'] },
      { fields: ['product_id', 'order_date'] },
      { fields: ['owner_user_id', 'order_date'] },
    ]),
  );
  return { SalesOrder, SalesOrderLine };
}
