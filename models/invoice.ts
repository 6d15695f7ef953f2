import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { INVOICE_STATUS } from '../domain/statuses';
import { fk, instant, money, pk, stamps, status, str } from './columns';
import { tableOptions } from './options';

/** VAT invoices (F2): requested, then issued with the tax bureau's invoice number. */
export function defineInvoice(sequelize: Sequelize) {
  class Invoice extends Model<InferAttributes<Invoice>, InferCreationAttributes<Invoice>> {
    declare id: CreationOptional<number>;
    declare number: string;
    /** 发票号码, known once issued */
    declare vatInvoiceNo: string | null;
    declare customerId: number;
    declare salesOrderId: number;
    declare receivableId: number | null;
    declare status: CreationOptional<(typeof INVOICE_STATUS.values)[number]>;
    declare netFen: number;
    declare taxFen: number;
    declare totalFen: number;
    declare issuedAt: Date | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Invoice.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      vatInvoiceNo: str(32, { nullable: true, unique: true }),
      customerId: fk('customers'),
      salesOrderId: fk('sales_orders'),
      receivableId: fk('receivables', { nullable: true }),
      status: status(INVOICE_STATUS.values, 'requested'),
      netFen: money(),
      taxFen: money(),
      totalFen: money(),
      issuedAt: instant(),
      ...stamps(),
    },
    tableOptions(sequelize, 'invoices', [{ fields: ['customer_id', 'status'] }, { fields: ['sales_order_id'] }]),
  );
  return { Invoice };
}
