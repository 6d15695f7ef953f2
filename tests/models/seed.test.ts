import { Op, QueryTypes } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../models/db';
import { Calendar } from '../../models/seed/calendar';
import { isValidUscc } from '../../models/seed/credit-code';
import { isEmpty, seedDemoCompany } from '../../models/seed/demo-company';
import { vatFen } from '../../models/seed/money';
import { nextDocumentNumber } from '../../models/sequence';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

const kinds = await dbKinds();
const cal = new Calendar('2026-11-23');
const OPEN_AR = ['open', 'partially_paid'];

async function rows<T extends object>(db: Db, sql: string): Promise<T[]> {
  return db.sequelize.query<T>(sql, { type: QueryTypes.SELECT });
}

describe.each(kinds)('the demo company on %s', (kind) => {
  let t: TestDb;
  let db: Db;
  let written: Record<string, number>;
  beforeAll(async () => {
    t = await freshDb(kind);
    db = t.db;
    expect(await isEmpty(db)).toBe(true);
    written = await seedDemoCompany(db);
  });
  afterAll(async () => t?.drop());

  it('has the roles, teams and fixed users', async () => {
    const { Role, Team, User, ChannelIdentity } = db.models;
    const roles = await Role.findAll({ order: [['code', 'ASC']], raw: true });
    expect(roles.map((r) => [r.code, r.nameZh, r.dataScope, Boolean(r.canSeeCost)])).toEqual([
      ['admin', '管理员', 'all', true],
      ['finance', '财务', 'all', true],
      ['purchasing', '采购', 'all', true],
      ['rep', '销售代表', 'own', false],
      ['sales_director', '销售总监', 'all', true],
      ['sales_manager', '销售经理', 'team', true],
      ['warehouse', '仓库', 'all', false],
    ]);
    const teams = await Team.findAll({ order: [['name', 'ASC']] });
    expect(teams.map((x) => [x.name, x.region])).toEqual([
      ['华东', '华东'],
      ['华南', '华南'],
    ]);
    const byLogin = new Map((await User.findAll()).map((u) => [u.login, u]));
    const teamName = new Map(teams.map((x) => [x.id, x.name]));
    const fixed = [
      ['zhangwei', '张伟', 'rep', '华东'],
      ['lina', '李娜', 'rep', '华南'],
      ['wangfang', '王芳', 'sales_manager', '华东'],
      ['liqiang', '李强', 'sales_director', null],
      ['liuyang', '刘洋', 'finance', null],
      ['chenjing', '陈静', 'warehouse', null],
      ['zhaolei', '赵磊', 'purchasing', null],
      ['admin', '管理员', 'admin', null],
    ];
    for (const [login, name, role, team] of fixed) {
      const u = byLogin.get(login as string);
      expect(u, login as string).toBeDefined();
      expect([u!.name, u!.roleCode, u!.teamId === null ? null : teamName.get(u!.teamId)]).toEqual([name, role, team]);
    }
    expect(teams.find((x) => x.name === '华东')!.managerUserId).toBe(byLogin.get('wangfang')!.id);
    const southManager = await User.findByPk(teams.find((x) => x.name === '华南')!.managerUserId!);
    expect([southManager!.roleCode, teamName.get(southManager!.teamId!)]).toEqual(['sales_manager', '华南']);
    for (const team of ['华东', '华南']) {
      expect(
        [...byLogin.values()].filter((u) => u.roleCode === 'rep' && teamName.get(u.teamId ?? 0) === team).length,
      ).toBeGreaterThanOrEqual(3);
    }
    for (const u of byLogin.values()) {
      expect(u.mobile).toMatch(/^138\d{8}$/);
      expect(u.email).toBe(`${u.login}@demo.q2c.cn`);
      expect(u.employeeNo).toBeTruthy();
      const identity = await ChannelIdentity.findOne({ where: { channel: 'console', externalId: u.login } });
      expect(identity?.userId).toBe(u.id);
    }
  });

  it('has warehouses, 200+ products and 50+ customers with contacts', async () => {
    const { Warehouse, Product, Customer, Contact } = db.models;
    const whs = await Warehouse.findAll();
    expect(whs.length).toBeGreaterThanOrEqual(3);
    expect(Object.fromEntries(whs.map((w) => [w.code, w.name]))).toMatchObject({ SH: '上海仓', SZ: '苏州仓', GZ: '广州仓' });
    const products = await Product.findAll();
    expect(products.length).toBeGreaterThanOrEqual(200);
    expect(new Set(products.map((p) => p.vatRateBp))).toEqual(new Set([1300, 900, 600]));
    expect(products.filter((p) => p.makeOrBuy === 'make').length).toBeGreaterThan(0);
    expect(await db.models.BomLine.count()).toBeGreaterThan(0);
    const customers = await Customer.findAll();
    expect(customers.length).toBeGreaterThanOrEqual(50);
    expect(new Set(customers.map((c) => c.grade))).toEqual(new Set(['VIP', 'A', 'B', 'C']));
    expect(customers.every((c) => [30, 45, 60].includes(c.paymentTermsDays))).toBe(true);
    expect(customers.every((c) => c.taxNo !== null && isValidUscc(c.taxNo))).toBe(true);
    const contacts = await rows<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM contacts GROUP BY customer_id');
    expect(contacts.length).toBe(customers.length);
    expect(contacts.every((c) => Number(c.n) >= 1 && Number(c.n) <= 3)).toBe(true);
    expect(await Contact.count()).toBe(written.contacts);
  });

  it('has A100 and B200 exactly as documented', async () => {
    const { Product, PriceTier, StockLevel, Reservation, PurchaseOrderLine, PurchaseOrder, Warehouse } = db.models;
    const code = new Map((await Warehouse.findAll()).map((w) => [w.id, w.code]));
    const a = await Product.findOne({ where: { sku: 'A100' } });
    expect(a).toMatchObject({ name: '不锈钢六角螺栓 M8', standardCostFen: 120, listPriceFen: 250, vatRateBp: 1300, safetyStock: 1000 });
    const tiers = await PriceTier.findAll({ where: { productId: a!.id }, order: [['minQty', 'ASC']] });
    expect(tiers.map((x) => [x.minQty, x.priceFen])).toEqual([
      [1000, 230],
      [5000, 210],
    ]);
    const aStock = await StockLevel.findAll({ where: { productId: a!.id } });
    expect(Object.fromEntries(aStock.map((l) => [code.get(l.warehouseId), [l.onHand, l.reserved]]))).toEqual({
      SH: [5000, 0],
      SZ: [800, 0],
    });
    expect(await Reservation.count({ where: { productId: a!.id } })).toBe(0);
    const openPos = (await PurchaseOrder.findAll({ where: { status: ['ordered', 'partially_received'] } })).map((p) => p.id);
    expect(await PurchaseOrderLine.count({ where: { productId: a!.id, purchaseOrderId: openPos } })).toBe(0);

    const b = await Product.findOne({ where: { sku: 'B200' } });
    expect(b).toMatchObject({ name: '工业轴承 6205', standardCostFen: 1800, listPriceFen: 3200, safetyStock: 200 });
    const bStock = await StockLevel.findAll({ where: { productId: b!.id } });
    expect(bStock.map((l) => [code.get(l.warehouseId), l.onHand, l.reserved])).toEqual([['SH', 150, 0]]);
    expect(await Reservation.count({ where: { productId: b!.id } })).toBe(0);
  });

  it('has 华东机电 with nothing open, and 广州恒通 with exactly 48,000 元 open', async () => {
    const { Customer, User, Team, Receivable, SalesOrder } = db.models;
    const huadong = await Customer.findOne({ where: { name: '华东机电有限公司' } });
    expect(huadong).toMatchObject({ grade: 'A', creditLimitFen: 50_000_000, paymentTermsDays: 30 });
    expect((await User.findByPk(huadong!.ownerUserId))!.login).toBe('zhangwei');
    expect((await Team.findByPk(huadong!.teamId!))!.name).toBe('华东');
    expect(await Receivable.count({ where: { customerId: huadong!.id, status: OPEN_AR } })).toBe(0);
    const hdOrders = await SalesOrder.findAll({ where: { customerId: huadong!.id } });
    expect(hdOrders.length).toBeGreaterThan(0);
    expect(hdOrders.every((o) => o.status === 'completed')).toBe(true);

    const hengtong = await Customer.findOne({ where: { name: '广州恒通贸易' } });
    expect(hengtong).toMatchObject({ grade: 'B', creditLimitFen: 5_000_000, paymentTermsDays: 45 });
    expect((await User.findByPk(hengtong!.ownerUserId))!.login).toBe('lina');
    expect((await Team.findByPk(hengtong!.teamId!))!.name).toBe('华南');
    const open = await Receivable.findAll({ where: { customerId: hengtong!.id, status: OPEN_AR }, order: [['dueDate', 'ASC']] });
    expect(open.map((r) => [r.amountFen, r.paidFen])).toEqual([
      [3_000_000, 0],
      [1_800_000, 0],
    ]);
    expect(open.reduce((s, r) => s + r.amountFen - r.paidFen, 0)).toBe(4_800_000);
    expect(cal.offsetOf(open[0]!.dueDate)).toBeLessThan(0);
    expect(cal.offsetOf(open[1]!.dueDate)).toBeGreaterThanOrEqual(0);
    const htOrders = await SalesOrder.findAll({ where: { customerId: hengtong!.id } });
    expect(htOrders.every((o) => o.status === 'completed' || o.status === 'delivered')).toBe(true);
  });

  it('keeps order totals equal to their lines, and VAT per line rounded half up', async () => {
    const bad = await rows<{ id: number }>(
      db,
      `SELECT o.id FROM sales_orders o LEFT JOIN (
         SELECT sales_order_id, SUM(net_fen) AS net, SUM(tax_fen) AS tax, SUM(cost_fen) AS cost FROM sales_order_lines GROUP BY sales_order_id
       ) l ON l.sales_order_id = o.id
       WHERE o.net_fen + o.tax_fen <> o.total_fen OR o.net_fen <> COALESCE(l.net, 0) OR o.tax_fen <> COALESCE(l.tax, 0) OR o.cost_fen <> COALESCE(l.cost, 0)`,
    );
    expect(bad).toEqual([]);
    const lines = await db.models.SalesOrderLine.findAll({ attributes: ['qty', 'unitPriceFen', 'netFen', 'taxFen', 'vatRateBp'] });
    expect(lines.length).toBeGreaterThan(300);
    for (const l of lines) {
      expect(l.netFen).toBe(l.qty * l.unitPriceFen);
      expect(l.taxFen).toBe(Number((BigInt(l.netFen) * BigInt(l.vatRateBp) + 5_000n) / 10_000n));
      expect(l.taxFen).toBe(vatFen(l.netFen, l.vatRateBp));
    }
  });

  it('books receivables, payments and allocations consistently, with overdue money in every aging bucket', async () => {
    const unbalanced = await rows(
      db,
      `SELECT r.id FROM receivables r LEFT JOIN (SELECT receivable_id, SUM(amount_fen) AS paid FROM payment_allocations GROUP BY receivable_id) a
         ON a.receivable_id = r.id WHERE r.paid_fen <> COALESCE(a.paid, 0) OR r.paid_fen > r.amount_fen`,
    );
    expect(unbalanced).toEqual([]);
    const open = await db.models.Receivable.findAll({ where: { status: OPEN_AR } });
    const overdue = open.map((r) => -cal.offsetOf(r.dueDate)).filter((d) => d > 0);
    const buckets = [
      [1, 30],
      [31, 60],
      [61, 90],
      [91, Number.POSITIVE_INFINITY],
    ];
    for (const [from, to] of buckets)
      expect(overdue.filter((d) => d >= from! && d <= to!).length, `${from}-${to}`).toBeGreaterThanOrEqual(2);
    expect(await db.models.Receivable.count({ where: { status: 'paid' } })).toBeGreaterThan(50);
    expect(await db.models.PaymentAllocation.count()).toBeGreaterThan(await db.models.Payment.count());
  });

  it('has SKUs below safety stock, open purchase orders and a back-order', async () => {
    const low = await rows(
      db,
      `SELECT p.id FROM products p JOIN stock_levels l ON l.product_id = p.id GROUP BY p.id, p.safety_stock HAVING SUM(l.on_hand) < p.safety_stock`,
    );
    expect(low.length).toBeGreaterThanOrEqual(5);
    const incoming = await db.models.PurchaseOrderLine.findAll({ where: { eta: { [Op.gt]: '2026-11-23' } } });
    expect(incoming.length).toBeGreaterThan(0);
    expect(await db.models.SalesOrderLine.count({ where: { backorderQty: { [Op.gt]: 0 } } })).toBeGreaterThan(0);
    expect(await db.models.Reservation.count({ where: { status: 'active' } })).toBeGreaterThan(0);
  });

  it('covers the CRM and after-sales states', async () => {
    const { Lead, SalesOrder, Contract, ServiceTicket, Return, Task, FollowUp } = db.models;
    const distinct = async (sql: string) => new Set((await rows<{ v: string }>(db, sql)).map((r) => r.v));
    expect(await distinct('SELECT DISTINCT status AS v FROM leads')).toEqual(
      new Set(['new', 'interested', 'strong', 'invalid', 'converted']),
    );
    expect(await distinct('SELECT DISTINCT source AS v FROM leads')).toEqual(new Set(['website', 'expo', 'phone', 'referral', 'manual']));
    const idle = await Lead.count({ where: { status: ['interested', 'strong'], lastFollowUpAt: { [Op.lt]: cal.at(-7, 0) } } });
    expect(idle).toBeGreaterThan(0);
    expect(await FollowUp.count()).toBeGreaterThan(100);
    expect(await distinct('SELECT DISTINCT stage AS v FROM opportunities')).toEqual(
      new Set(['initial', 'needs', 'proposal', 'negotiation', 'won', 'lost']),
    );
    const statuses = await distinct('SELECT DISTINCT status AS v FROM sales_orders');
    for (const s of ['completed', 'delivered', 'shipped', 'partially_shipped', 'to_ship', 'pending_approval', 'draft', 'cancelled'])
      expect(statuses).toContain(s);
    const expiring = await Contract.count({ where: { status: 'active', endDate: { [Op.between]: [cal.day(0), cal.day(30)] } } });
    expect(expiring).toBeGreaterThanOrEqual(1);
    expect(await ServiceTicket.count()).toBeGreaterThan(0);
    expect(await Return.count()).toBeGreaterThan(0);
    expect(await Task.count({ where: { status: 'open' } })).toBeGreaterThan(0);
    expect(await SalesOrder.count()).toBeGreaterThan(300);
  });

  it('leaves the counters and id sequences ready for the application', async () => {
    const used = new Set((await db.models.SalesOrder.findAll({ attributes: ['number'] })).map((o) => o.number));
    for (let i = 0; i < 3; i++) expect(used.has(await nextDocumentNumber(db, 'SO', '20261123'))).toBe(false);
    const before = (await db.models.Customer.max('id')) as number;
    const c = await db.models.Customer.create({
      code: 'C9999',
      name: '测试新客户有限公司',
      taxNo: null,
      grade: 'C',
      creditLimitFen: 0,
      paymentTermsDays: 30,
      ownerUserId: 1,
      teamId: null,
      region: null,
    });
    expect(c.id).toBeGreaterThan(before);
    await c.destroy();
  });

  it('refuses to seed a database that is not empty', async () => {
    expect(await isEmpty(db)).toBe(false);
    const customers = await db.models.Customer.count();
    await expect(seedDemoCompany(db)).rejects.toThrow(/not empty/);
    expect(await db.models.Customer.count()).toBe(customers);
  });
});
