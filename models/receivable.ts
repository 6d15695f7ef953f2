import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { RECEIVABLE_STATUS } from '../domain/statuses';
import { day, fk, money, pk, stamps, status, str } from './columns';
import { tableOptions } from './options';

/** Receivables (F1, F4): one per shipment by default, due from the customer's payment terms. */
export function defineReceivable(sequelize: Sequelize) {
  class Receivable extends Model<InferAttributes<Receivable>, InferCreationAttributes<Receivable>> {
    declare id: CreationOptional<number>;
    declare number: string;
    declare customerId: number;
    declare salesOrderId: number | null;
    declare shipmentId: number | null;
    declare ownerUserId: number;
    declare amountFen: number;
    declare paidFen: CreationOptional<number>;
    declare status: CreationOptional<(typeof RECEIVABLE_STATUS.values)[number]>;
    declare issuedDate: string;
    declare dueDate: string;
    declare workflowId: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Receivable.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      customerId: fk('customers'),
      salesOrderId: fk('sales_orders', { nullable: true }),
      shipmentId: fk('shipments', { nullable: true }),
      ownerUserId: fk('users'),
      amountFen: money(),
      paidFen: money(),
      status: status(RECEIVABLE_STATUS.values, 'open'),
      issuedDate: day(),
      dueDate: day(),
      workflowId: str(128, { nullable: true }),
      ...stamps(),
    },
    tableOptions(
      sequelize,
      'receivables',
      [
        // overdue scan and aging: status + due date; customer 360 and write-off: customer + status + due date
        { fields: ['status', 'due_date'] },
        { fields: ['customer_id', 'status', 'due_date'] },
        { fields: ['owner_user_id', 'status'] },
        { unique: true, fields: ['shipment_id'] },
      ],
      {
        validate: {
          paidWithinAmount(this: Receivable) {
            if ((this.paidFen ?? 0) > this.amountFen) throw new Error('paid must not exceed the amount');
          },
        },
      },
    ),
  );
  return { Receivable };
}
