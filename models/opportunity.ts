import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { OPPORTUNITY_STAGE } from '../domain/statuses';
import { day, fk, money, pk, stamps, status, str } from './columns';
import { tableOptions } from './options';

export const OPPORTUNITY_NUMBER_INDEX = 'opportunities_number_unique';

/** Opportunities (C4): a stage, an amount and a close date; winning one starts the order chain. */
export function defineOpportunity(sequelize: Sequelize) {
  class Opportunity extends Model<InferAttributes<Opportunity>, InferCreationAttributes<Opportunity>> {
    declare id: CreationOptional<number>;
    /** OP-2026-0001: numbered per year of creation (models/sequence) */
    declare number: string;
    declare customerId: number;
    declare leadId: number | null;
    declare name: string;
    declare stage: CreationOptional<(typeof OPPORTUNITY_STAGE.values)[number]>;
    declare amountFen: number;
    declare expectedCloseDate: string | null;
    declare ownerUserId: number;
    declare winLossReason: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Opportunity.init(
    {
      id: pk(),
      number: str(32),
      customerId: fk('customers'),
      leadId: fk('leads', { nullable: true }),
      name: str(128),
      stage: status(OPPORTUNITY_STAGE.values, 'initial'),
      amountFen: money(),
      expectedCloseDate: day(true),
      ownerUserId: fk('users'),
      winLossReason: str(255, { nullable: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'opportunities', [
      { fields: ['stage', 'expected_close_date'] },
      { fields: ['customer_id'] },
      { fields: ['owner_user_id'] },
      { name: OPPORTUNITY_NUMBER_INDEX, unique: true, fields: ['number'] },
    ]),
  );
  return { Opportunity };
}
