import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { PURCHASE_ORDER_STATUS, REQUISITION_STATUS } from '../domain/statuses';
import { day, fk, instant, money, pk, qty, stamps, status, str, text } from './columns';
import { tableOptions } from './options';

/**
 * Purchasing (I2, I3): requisition → purchase order → goods receipt. Open PO lines
 * (qty − receivedQty, with an ETA) are the "incoming" stock that ATP counts on.
 */
export function definePurchasing(sequelize: Sequelize) {
  class PurchaseRequisition extends Model<InferAttributes<PurchaseRequisition>, InferCreationAttributes<PurchaseRequisition>> {
    declare id: CreationOptional<number>;
    declare number: string;
    declare productId: number;
    declare warehouseId: number | null;
    declare qty: number;
    declare suggestedQty: number;
    declare reason: string;
    declare status: CreationOptional<(typeof REQUISITION_STATUS.values)[number]>;
    declare salesOrderId: number | null;
    declare requestedByUserId: number | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  PurchaseRequisition.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      productId: fk('products'),
      warehouseId: fk('warehouses', { nullable: true }),
      qty: qty(),
      suggestedQty: qty(),
      reason: text(false),
      status: status(REQUISITION_STATUS.values, 'pending'),
      salesOrderId: fk('sales_orders', { nullable: true }),
      requestedByUserId: fk('users', { nullable: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'purchase_requisitions', [{ fields: ['status', 'product_id'] }, { fields: ['sales_order_id'] }]),
  );

  class PurchaseOrder extends Model<InferAttributes<PurchaseOrder>, InferCreationAttributes<PurchaseOrder>> {
    declare id: CreationOptional<number>;
    declare number: string;
    declare supplierName: string;
    declare requisitionId: number | null;
    declare status: CreationOptional<(typeof PURCHASE_ORDER_STATUS.values)[number]>;
    declare expectedDate: string;
    declare totalFen: number;
    declare createdByUserId: number | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  PurchaseOrder.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      supplierName: str(128),
      requisitionId: fk('purchase_requisitions', { nullable: true }),
      status: status(PURCHASE_ORDER_STATUS.values, 'ordered'),
      expectedDate: day(),
      totalFen: money(),
      createdByUserId: fk('users', { nullable: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'purchase_orders', [{ fields: ['status', 'expected_date'] }]),
  );

  class PurchaseOrderLine extends Model<InferAttributes<PurchaseOrderLine>, InferCreationAttributes<PurchaseOrderLine>> {
    declare id: CreationOptional<number>;
    declare purchaseOrderId: number;
    declare productId: number;
    declare warehouseId: number;
    declare qty: number;
    declare receivedQty: CreationOptional<number>;
    declare unitCostFen: number;
    declare eta: string;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  PurchaseOrderLine.init(
    {
      id: pk(),
      purchaseOrderId: fk('purchase_orders', { onDelete: 'CASCADE' }),
      productId: fk('products'),
      warehouseId: fk('warehouses'),
      qty: qty(),
      receivedQty: qty({ defaultValue: 0 }),
      unitCostFen: money(),
      eta: day(),
      ...stamps(),
    },
    tableOptions(sequelize, 'purchase_order_lines', [{ fields: ['product_id', 'eta'] }, { fields: ['purchase_order_id'] }]),
  );

  class GoodsReceipt extends Model<InferAttributes<GoodsReceipt>, InferCreationAttributes<GoodsReceipt>> {
    declare id: CreationOptional<number>;
    declare number: string;
    declare purchaseOrderId: number;
    declare warehouseId: number;
    declare receivedAt: Date;
    declare receivedByUserId: number | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  GoodsReceipt.init(
    {
      id: pk(),
      number: str(32, { unique: true }),
      purchaseOrderId: fk('purchase_orders'),
      warehouseId: fk('warehouses'),
      receivedAt: instant(false),
      receivedByUserId: fk('users', { nullable: true }),
      ...stamps(),
    },
    tableOptions(sequelize, 'goods_receipts', [{ fields: ['purchase_order_id'] }]),
  );

  class GoodsReceiptLine extends Model<InferAttributes<GoodsReceiptLine>, InferCreationAttributes<GoodsReceiptLine>> {
    declare id: CreationOptional<number>;
    declare goodsReceiptId: number;
    declare purchaseOrderLineId: number;
    declare productId: number;
    declare qty: number;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  GoodsReceiptLine.init(
    {
      id: pk(),
      goodsReceiptId: fk('goods_receipts', { onDelete: 'CASCADE' }),
      purchaseOrderLineId: fk('purchase_order_lines'),
      productId: fk('products'),
      qty: qty(),
      ...stamps(),
    },
    tableOptions(sequelize, 'goods_receipt_lines', [{ fields: ['goods_receipt_id'] }]),
  );
  return { PurchaseRequisition, PurchaseOrder, PurchaseOrderLine, GoodsReceipt, GoodsReceiptLine };
}
