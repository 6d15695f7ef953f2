import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { LEAD_SOURCE, LEAD_STATUS } from '../domain/statuses';
import { enumOf, fk, instant, looseId, pk, stamps, status, str, text } from './columns';
import { tableOptions } from './options';

export const LEAD_NUMBER_INDEX = 'leads_number_unique';

/** Leads (C3) and the follow-up records that reset their idle clock. */
export function defineLead(sequelize: Sequelize) {
  class Lead extends Model<InferAttributes<Lead>, InferCreationAttributes<Lead>> {
    declare id: CreationOptional<number>;
    /** LD-2026-0001: numbered per year of entry (models/sequence) */
    declare number: string;
    declare companyName: string;
    declare contactName: string | null;
    declare mobile: string | null;
    declare source: (typeof LEAD_SOURCE.values)[number];
    declare status: CreationOptional<(typeof LEAD_STATUS.values)[number]>;
    declare ownerUserId: number | null;
    declare teamId: number | null;
    declare lastFollowUpAt: Date | null;
    /** the next follow-up promised at the last one; its task is in the owner's 待办 */
    declare nextFollowUpAt: CreationOptional<Date | null>;
    /** what was typed with the lead beyond its fields (the product asked about, the booth) */
    declare note: CreationOptional<string | null>;
    declare convertedCustomerId: number | null;
    declare convertedOpportunityId: number | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Lead.init(
    {
      id: pk(),
      number: str(32),
      companyName: str(128),
      contactName: str(64, { nullable: true }),
      mobile: str(32, { nullable: true }),
      source: enumOf(LEAD_SOURCE.values),
      status: status(LEAD_STATUS.values, 'new'),
      ownerUserId: fk('users', { nullable: true }),
      teamId: fk('teams', { nullable: true }),
      lastFollowUpAt: instant(),
      nextFollowUpAt: instant(),
      note: str(255, { nullable: true }),
      convertedCustomerId: fk('customers', { nullable: true }),
      convertedOpportunityId: looseId(),
      ...stamps(),
    },
    // the idle-lead scan asks: status in (意向, 意向强烈) and last follow-up before a date
    // the number's uniqueness is an index, not a column constraint: SQLite cannot drop a UNIQUE column (0008's down)
    tableOptions(sequelize, 'leads', [
      { fields: ['status', 'last_follow_up_at'] },
      { fields: ['owner_user_id', 'status'] },
      { name: LEAD_NUMBER_INDEX, unique: true, fields: ['number'] },
    ]),
  );

  class FollowUp extends Model<InferAttributes<FollowUp>, InferCreationAttributes<FollowUp>> {
    declare id: CreationOptional<number>;
    declare leadId: number | null;
    declare customerId: number | null;
    declare userId: number;
    declare method: string;
    declare content: string;
    declare followedAt: Date;
    declare nextFollowUpAt: Date | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  FollowUp.init(
    {
      id: pk(),
      leadId: fk('leads', { nullable: true, onDelete: 'CASCADE' }),
      customerId: fk('customers', { nullable: true, onDelete: 'CASCADE' }),
      userId: fk('users'),
      method: str(16, { defaultValue: 'phone' }),
      content: text(false),
      followedAt: instant(false),
      nextFollowUpAt: instant(),
      ...stamps(),
    },
    tableOptions(sequelize, 'follow_ups', [{ fields: ['lead_id', 'followed_at'] }, { fields: ['customer_id', 'followed_at'] }]),
  );
  return { Lead, FollowUp };
}
