import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { SHIPMENT_STATUS } from '../domain/statuses';
import { fk, instant, pk, qty, stamps, status, str } from './columns';
import { tableOptions } from './options';

/** Shipments (O4, O5): partial shipments allowed, each with carrier and tracking number. */
export function defineShipment(sequelize: Sequelize) {
  class Shipment extends Model<InferAttributes<Shipment>, InferCreationAttributes<Shipment>> {
    declare id: CreationOptional<number>;
    declare number: string;
    declare salesOrderId: number;
    declare warehouseId: number;
    declare carrier: string;
    declare trackingNo: string;
    declare status: CreationOptional<(typeof SHIPMENT_STATUS.values)[number]>;
    declare shippedAt: Date;
    declare deliveredAt: Date | null;
    declare shippedByUserId: number | null;
    declare idempotencyKey: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Shipment.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      salesOrderId: fk('sales_orders'),
      warehouseId: fk('warehouses'),
      carrier: str(32),
      trackingNo: str(64),
      status: status(SHIPMENT_STATUS.values, 'shipped'),
      shippedAt: instant(false),
      deliveredAt: instant(),
      shippedByUserId: fk('users', { nullable: true }),
      idempotencyKey: str(128, { nullable: true, unique: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'shipments', [{ fields: ['sales_order_id'] }, { fields: ['tracking_no'] }]),
  );

  class ShipmentLine extends Model<InferAttributes<ShipmentLine>, InferCreationAttributes<ShipmentLine>> {
    declare id: CreationOptional<number>;
    declare shipmentId: number;
    declare salesOrderLineId: number;
    declare productId: number;
    declare qty: number;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  ShipmentLine.init(
    {
      id: pk(),
      shipmentId: fk('shipments', { onDelete: 'CASCADE' }),
      salesOrderLineId: fk('sales_order_lines'),
      productId: fk('products'),
      qty: qty(),
      ...stamps(),
    },
    tableOptions(sequelize, 'shipment_lines', [{ fields: ['shipment_id'] }, { fields: ['sales_order_line_id'] }]),
  );
  return { Shipment, ShipmentLine };
}
