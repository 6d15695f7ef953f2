import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { GRADES, type Grade } from '../config/schema';
import { bool, enumOf, fk, json, money, pk, qty, stamps, str } from './columns';
import { tableOptions } from './options';

/** Customer master (C1) and its contacts (C2). */
export function defineCustomer(sequelize: Sequelize) {
  class Customer extends Model<InferAttributes<Customer>, InferCreationAttributes<Customer>> {
    declare id: CreationOptional<number>;
    declare code: string;
    declare name: string;
    /** 统一社会信用代码 */
    declare taxNo: string | null;
    declare grade: Grade;
    declare creditLimitFen: number;
    declare paymentTermsDays: number;
    declare ownerUserId: number;
    declare teamId: number | null;
    declare region: string | null;
    declare tags: CreationOptional<string[]>;
    declare customFields: CreationOptional<Record<string, unknown>>;
    /** F5: set by finance; a held customer gets no new orders approved */
    declare creditHold: CreationOptional<boolean>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Customer.init(
    {
      id: pk(),
      code: str(32, { unique: true }),
      name: str(128, { unique: true }),
      taxNo: str(32, { nullable: true }),
      grade: enumOf(GRADES),
      creditLimitFen: money(),
      paymentTermsDays: qty({ defaultValue: 30 }),
      ownerUserId: fk('users'),
      teamId: fk('teams', { nullable: true }),
      region: str(32, { nullable: true }),
      tags: json([]),
      customFields: json({}),
      creditHold: bool(false),
      ...stamps(),
    },
    tableOptions(sequelize, 'customers', [{ fields: ['owner_user_id'] }, { fields: ['team_id'] }]),
  );

  class Contact extends Model<InferAttributes<Contact>, InferCreationAttributes<Contact>> {
    declare id: CreationOptional<number>;
    declare customerId: number;
    declare name: string;
    declare title: string | null;
    declare mobile: string | null;
    declare email: string | null;
    declare imId: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Contact.init(
    {
      id: pk(),
      customerId: fk('customers', { onDelete: 'CASCADE' }),
      name: str(64),
      title: str(64, { nullable: true }),
      mobile: str(32, { nullable: true }),
      email: str(128, { nullable: true }),
      imId: str(128, { nullable: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'contacts', [{ fields: ['customer_id'] }]),
  );
  return { Customer, Contact };
}
