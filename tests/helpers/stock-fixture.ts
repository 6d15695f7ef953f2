import type { Db } from '../../models/db';

/** The least a stock test needs: a user, a product and warehouses, with no stock yet. */
export async function stockFixture(db: Db, warehouses = ['上海仓']) {
  const { Role, User, Product, Warehouse } = db.models;
  await Role.create({ code: 'warehouse', nameZh: '仓库', nameEn: 'Warehouse', dataScope: 'all', canSeeCost: false });
  const user = await User.create({
    login: 'chenjing',
    name: '陈静',
    roleCode: 'warehouse',
    teamId: null,
    mobile: null,
    email: null,
    employeeNo: null,
  });
  const product = await Product.create({
    sku: 'T100',
    name: '测试螺栓',
    spec: 'M8',
    unit: '个',
    category: '紧固件',
    standardCostFen: 120,
    listPriceFen: 250,
    vatRateBp: 1300,
    safetyStock: 10,
    leadTimeDays: 7,
    makeOrBuy: 'buy',
  });
  const whs = [];
  for (const [i, name] of warehouses.entries()) whs.push(await Warehouse.create({ code: `W${i + 1}`, name }));
  return { user, product, warehouses: whs };
}
