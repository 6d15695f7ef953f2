import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { QUOTE_STATUS } from '../domain/statuses';
import { bp, day, fk, money, pk, qty, stamps, status, str, text } from './columns';
import { tableOptions } from './options';

/** Quotes (Q3) with their priced lines; an approved quote becomes an order field for field. */
export function defineQuote(sequelize: Sequelize) {
  class Quote extends Model<InferAttributes<Quote>, InferCreationAttributes<Quote>> {
    declare id: CreationOptional<number>;
    declare number: string;
    declare customerId: number;
    declare ownerUserId: number;
    declare opportunityId: number | null;
    declare status: CreationOptional<(typeof QUOTE_STATUS.values)[number]>;
    declare validUntil: string;
    declare gradeDiscountBp: number;
    declare manualDiscountBp: number;
    declare netFen: number;
    declare taxFen: number;
    declare totalFen: number;
    declare costFen: number;
    declare marginBp: number;
    declare workflowId: string | null;
    declare notes: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Quote.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      customerId: fk('customers'),
      ownerUserId: fk('users'),
      opportunityId: fk('opportunities', { nullable: true }),
      status: status(QUOTE_STATUS.values, 'draft'),
      validUntil: day(),
      gradeDiscountBp: bp(),
      manualDiscountBp: bp(),
      netFen: money(),
      taxFen: money(),
      totalFen: money(),
      costFen: money(),
      marginBp: bp(),
      workflowId: str(128, { nullable: true }),
      notes: text(),
      ...stamps(),
    },
    tableOptions(sequelize, 'quotes', [{ fields: ['customer_id', 'status'] }, { fields: ['owner_user_id', 'status'] }]),
  );

  class QuoteLine extends Model<InferAttributes<QuoteLine>, InferCreationAttributes<QuoteLine>> {
    declare id: CreationOptional<number>;
    declare quoteId: number;
    declare lineNo: number;
    declare productId: number;
    declare qty: number;
    declare listPriceFen: number;
    /** the tier price for this quantity, before discounts */
    declare unitPriceFen: number;
    declare netFen: number;
    declare taxFen: number;
    declare vatRateBp: number;
    declare costFen: number;
    declare availableQty: number;
    declare earliestShipDate: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  QuoteLine.init(
    {
      id: pk(),
      quoteId: fk('quotes', { onDelete: 'CASCADE' }),
      lineNo: qty(),
      productId: fk('products'),
      qty: qty(),
      listPriceFen: money(),
      unitPriceFen: money(),
      netFen: money(),
      taxFen: money(),
      vatRateBp: bp(),
      costFen: money(),
      availableQty: qty({ defaultValue: 0 }),
      earliestShipDate: day(true),
      ...stamps(),
    },
    tableOptions(sequelize, 'quote_lines', [{ unique: true, fields: ['quote_id', 'line_no'] }]),
  );
  return { Quote, QuoteLine };
}
