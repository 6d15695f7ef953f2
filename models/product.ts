import { type CreationOptional, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';
import { bool, bp, enumOf, fk, money, pk, qty, stamps, str } from './columns';
import { tableOptions } from './options';

export const MAKE_OR_BUY = ['make', 'buy'] as const;

/** Product master (Q1): prices, cost, VAT, safety stock, tier prices and the BOM. */
export function defineProduct(sequelize: Sequelize) {
  class Product extends Model<InferAttributes<Product>, InferCreationAttributes<Product>> {
    declare id: CreationOptional<number>;
    declare sku: string;
    declare name: string;
    declare spec: string | null;
    declare unit: string;
    declare category: string;
    declare standardCostFen: number;
    declare listPriceFen: number;
    declare vatRateBp: number;
    declare safetyStock: number;
    declare leadTimeDays: number;
    declare makeOrBuy: (typeof MAKE_OR_BUY)[number];
    declare active: CreationOptional<boolean>;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  Product.init(
    {
      id: pk(),
      sku: str(32, { unique: true }),
      name: str(128),
      spec: str(128, { nullable: true }),
      unit: str(8, { defaultValue: '个' }),
      category: str(32),
      standardCostFen: money(),
      listPriceFen: money(),
      vatRateBp: bp(1300),
      safetyStock: qty({ defaultValue: 0 }),
      leadTimeDays: qty({ defaultValue: 7 }),
      makeOrBuy: enumOf(MAKE_OR_BUY),
      active: bool(true),
      ...stamps(),
    },
    tableOptions(sequelize, 'products', [{ fields: ['category'] }, { fields: ['name'] }]),
  );

  class PriceTier extends Model<InferAttributes<PriceTier>, InferCreationAttributes<PriceTier>> {
    declare id: CreationOptional<number>;
    declare productId: number;
    declare minQty: number;
    declare priceFen: number;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  PriceTier.init(
    { id: pk(), productId: fk('products', { onDelete: 'CASCADE' }), minQty: qty(), priceFen: money(), ...stamps() },
    tableOptions(sequelize, 'product_price_tiers', [{ unique: true, fields: ['product_id', 'min_qty'] }]),
  );

  class BomLine extends Model<InferAttributes<BomLine>, InferCreationAttributes<BomLine>> {
    declare id: CreationOptional<number>;
    declare productId: number;
    declare componentProductId: number;
    declare qtyPer: number;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  BomLine.init(
    {
      id: pk(),
      productId: fk('products', { onDelete: 'CASCADE' }),
      componentProductId: fk('products'),
      qtyPer: qty(),
      ...stamps(),
    },
    tableOptions(sequelize, 'bom_lines', [{ unique: true, fields: ['product_id', 'component_product_id'] }]),
  );
  return { Product, PriceTier, BomLine };
}
