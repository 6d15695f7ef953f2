import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { LEAD_SOURCE, LEAD_STATUS } from '../domain/statuses';
import { enumOf, fk, instant, looseId, pk, stamps, status, str, text } from './columns';
import { tableOptions } from './options';

/** Leads (C3) and the follow-up records that reset their idle clock. */
export function defineLead(sequelize: Sequelize) {
  class Lead extends Model<InferAttributes<Lead>, InferCreationAttributes<Lead>> {
    declare id: CreationOptional<number>;
    declare companyName: string;
    declare contactName: string | null;
    declare mobile: string | null;
    declare source: (typeof LEAD_SOURCE.values)[number];
    declare status: CreationOptional<(typeof LEAD_STATUS.values)[number]>;
    declare ownerUserId: number | null;
    declare teamId: number | null;
    declare lastFollowUpAt: Date | null;
    declare convertedCustomerId: number | null;
    declare convertedOpportunityId: number | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Lead.init(
    {
      id: pk(),
      companyName: str(128),
      contactName: str(64, { nullable: true }),
      mobile: str(32, { nullable: true }),
      source: enumOf(LEAD_SOURCE.values),
      status: status(LEAD_STATUS.values, 'new'),
      ownerUserId: fk('users', { nullable: true }),
      teamId: fk('teams', { nullable: true }),
      lastFollowUpAt: instant(),
      convertedCustomerId: fk('customers', { nullable: true }),
      convertedOpportunityId: looseId(),
      ...stamps(),
    },
    // the idle-lead scan asks: status in (意向, 意向强烈) and last follow-up before a date
    tableOptions(sequelize, 'leads', [{ fields: ['status', 'last_follow_up_at'] }, { fields: ['owner_user_id', 'status'] }]),
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
