import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { fk, instant, money, pk, stamps, str } from './columns';
import { tableOptions } from './options';

/** Payments received (F3) and how they were written off against receivables. */
export function definePayment(sequelize: Sequelize) {
  class Payment extends Model<InferAttributes<Payment>, InferCreationAttributes<Payment>> {
    declare id: CreationOptional<number>;
    declare number: string;
    declare customerId: number;
    declare amountFen: number;
    /** what could not be applied to an open receivable (prepayment, overpayment) */
    declare unappliedFen: CreationOptional<number>;
    declare receivedAt: Date;
    declare method: string;
    declare reference: string | null;
    declare recordedByUserId: number | null;
    declare idempotencyKey: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Payment.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      customerId: fk('customers'),
      amountFen: money(),
      unappliedFen: money(),
      receivedAt: instant(false),
      method: str(16, { defaultValue: 'bank' }),
      reference: str(64, { nullable: true }),
      recordedByUserId: fk('users', { nullable: true }),
      idempotencyKey: str(128, { nullable: true, unique: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'payments', [{ fields: ['customer_id', 'received_at'] }]),
  );

  class PaymentAllocation extends Model<InferAttributes<PaymentAllocation>, InferCreationAttributes<PaymentAllocation>> {
    declare id: CreationOptional<number>;
    declare paymentId: number;
    declare receivableId: number;
    declare amountFen: number;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  PaymentAllocation.init(
    {
      id: pk(),
      paymentId: fk('payments', { onDelete: 'CASCADE' }),
      receivableId: fk('receivables'),
      amountFen: money(),
      ...stamps(),
    },
    tableOptions(sequelize, 'payment_allocations', [
      { unique: true, fields: ['payment_id', 'receivable_id'] },
      { fields: ['receivable_id'] },
    ]),
  );
  return { Payment, PaymentAllocation };
}
