import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { CONTRACT_STATUS } from '../domain/statuses';
import { day, fk, money, pk, stamps, status, str, text } from './columns';
import { tableOptions } from './options';

/** Contracts (K1); the expiry scan reads active contracts by end date. */
export function defineContract(sequelize: Sequelize) {
  class Contract extends Model<InferAttributes<Contract>, InferCreationAttributes<Contract>> {
    declare id: CreationOptional<number>;
    declare number: string;
    declare customerId: number;
    declare quoteId: number | null;
    declare ownerUserId: number;
    declare status: CreationOptional<(typeof CONTRACT_STATUS.values)[number]>;
    declare startDate: string;
    declare endDate: string;
    declare amountFen: number;
    declare terms: string | null;
    declare attachmentUrl: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Contract.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      customerId: fk('customers'),
      quoteId: fk('quotes', { nullable: true }),
      ownerUserId: fk('users'),
      status: status(CONTRACT_STATUS.values, 'draft'),
      startDate: day(),
      endDate: day(),
      amountFen: money(),
      terms: text(),
      attachmentUrl: str(512, { nullable: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'contracts', [{ fields: ['status', 'end_date'] }, { fields: ['customer_id'] }]),
  );
  return { Contract };
}
