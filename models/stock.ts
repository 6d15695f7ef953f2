import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { RESERVATION_STATUS, STOCK_MOVE_TYPE } from '../domain/statuses';
import { enumOf, fk, instant, looseId, pk, qty, stamps, status, str } from './columns';
import { tableOptions } from './options';

/**
 * Warehouses and stock (I1). Invariants the reservation code keeps and the tests check:
 * Σ stock_moves.qty = stock_levels.on_hand, Σ active reservations = stock_levels.reserved,
 * 0 ≤ reserved ≤ on_hand.
 */
export function defineStock(sequelize: Sequelize) {
  class Warehouse extends Model<InferAttributes<Warehouse>, InferCreationAttributes<Warehouse>> {
    declare id: CreationOptional<number>;
    declare code: string;
    declare name: string;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Warehouse.init(
    { id: pk(), code: str(16, { unique: true }), name: str(64, { unique: true }), ...stamps() },
    tableOptions(sequelize, 'warehouses'),
  );

  class StockLevel extends Model<InferAttributes<StockLevel>, InferCreationAttributes<StockLevel>> {
    declare id: CreationOptional<number>;
    declare productId: number;
    declare warehouseId: number;
    declare onHand: number;
    declare reserved: CreationOptional<number>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  StockLevel.init(
    {
      id: pk(),
      productId: fk('products'),
      warehouseId: fk('warehouses'),
      onHand: qty({ defaultValue: 0 }),
      reserved: qty({ defaultValue: 0 }),
      ...stamps(),
    },
    tableOptions(sequelize, 'stock_levels', [{ unique: true, fields: ['product_id', 'warehouse_id'] }, { fields: ['warehouse_id'] }], {
      validate: {
        reservedWithinOnHand(this: StockLevel) {
          if ((this.reserved ?? 0) > this.onHand) throw new Error('reserved must not exceed on hand');
        },
      },
    }),
  );

  class StockMove extends Model<InferAttributes<StockMove>, InferCreationAttributes<StockMove>> {
    declare id: CreationOptional<number>;
    declare productId: number;
    declare warehouseId: number;
    declare type: (typeof STOCK_MOVE_TYPE.values)[number];
    /** signed: + into stock, − out of stock */
    declare qty: number;
    declare reason: string | null;
    declare refType: string | null;
    declare refId: number | null;
    declare userId: number | null;
    /** makes a retried activity write the move once */
    declare idempotencyKey: string | null;
    declare occurredAt: Date;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  StockMove.init(
    {
      id: pk(),
      productId: fk('products'),
      warehouseId: fk('warehouses'),
      type: enumOf(STOCK_MOVE_TYPE.values),
      qty: qty({ signed: true }),
      reason: str(255, { nullable: true }),
      refType: str(32, { nullable: true }),
      refId: looseId(),
      userId: fk('users', { nullable: true }),
      idempotencyKey: str(128, { nullable: true, unique: true }),
      occurredAt: instant(false),
      ...stamps(),
    },
    tableOptions(sequelize, 'stock_moves', [{ fields: ['product_id', 'warehouse_id', 'occurred_at'] }, { fields: ['ref_type', 'ref_id'] }]),
  );

  class Reservation extends Model<InferAttributes<Reservation>, InferCreationAttributes<Reservation>> {
    declare id: CreationOptional<number>;
    declare productId: number;
    declare warehouseId: number;
    declare qty: number;
    declare status: CreationOptional<(typeof RESERVATION_STATUS.values)[number]>;
    declare salesOrderId: number | null;
    declare salesOrderLineId: number | null;
    declare idempotencyKey: string;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Reservation.init(
    {
      id: pk(),
      productId: fk('products'),
      warehouseId: fk('warehouses'),
      qty: qty(),
      status: status(RESERVATION_STATUS.values, 'active'),
      salesOrderId: fk('sales_orders', { nullable: true }),
      salesOrderLineId: fk('sales_order_lines', { nullable: true }),
      idempotencyKey: str(128, { unique: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'reservations', [{ fields: ['product_id', 'warehouse_id', 'status'] }, { fields: ['sales_order_id'] }]),
  );
  return { Warehouse, StockLevel, StockMove, Reservation };
}
