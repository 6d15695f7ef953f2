import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { TICKET_STATUS, TICKET_TYPE } from '../domain/statuses';
import { enumOf, fk, instant, pk, stamps, status, str, text } from './columns';
import { tableOptions } from './options';

/** After-sales service tickets (A1): complaints, repairs, follow-up visits. */
export function defineServiceTicket(sequelize: Sequelize) {
  class ServiceTicket extends Model<InferAttributes<ServiceTicket>, InferCreationAttributes<ServiceTicket>> {
    declare id: CreationOptional<number>;
    declare number: string;
    declare customerId: number;
    declare salesOrderId: number | null;
    declare type: (typeof TICKET_TYPE.values)[number];
    declare status: CreationOptional<(typeof TICKET_STATUS.values)[number]>;
    declare subject: string;
    declare assigneeUserId: number | null;
    declare resolution: string | null;
    declare resolvedAt: Date | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  ServiceTicket.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      customerId: fk('customers'),
      salesOrderId: fk('sales_orders', { nullable: true }),
      type: enumOf(TICKET_TYPE.values),
      status: status(TICKET_STATUS.values, 'open'),
      subject: str(255),
      assigneeUserId: fk('users', { nullable: true }),
      resolution: text(),
      resolvedAt: instant(),
      ...stamps(),
    },
    tableOptions(sequelize, 'service_tickets', [{ fields: ['customer_id', 'status'] }, { fields: ['assignee_user_id', 'status'] }]),
  );
  return { ServiceTicket };
}
