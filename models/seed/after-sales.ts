import { TASK_SOURCE } from '../../domain/tasks';
import { docNumber, PREFIX, type SeedContext } from './context';
import type { CustomerInfo } from './customers';
import type { History } from './history';
import { lineAmounts } from './money';
import type { Org } from './organisation';
import type { StockBook } from './stock-book';

/** Contracts (one expiring within 30 days), service tickets, returns and everyone's to-dos. */

const TICKETS = [
  { type: 'complaint', subject: '到货包装破损，部分螺栓散落' },
  { type: 'complaint', subject: '发货延迟两天，影响客户产线' },
  { type: 'repair', subject: '冲击钻电池无法充电，申请保修' },
  { type: 'repair', subject: '变频器上电报警 OC1，需上门检查' },
  { type: 'revisit', subject: '季度回访：轴承使用情况' },
  { type: 'revisit', subject: '新客户首单回访' },
  { type: 'complaint', subject: '发票抬头有误，需重开' },
  { type: 'repair', subject: '气缸漏气，申请更换密封件' },
] as const;

export function seedAfterSales(ctx: SeedContext, org: Org, customers: CustomerInfo[], book: StockBook, h: History): void {
  const { plan, cal } = ctx;
  const rng = ctx.rng.fork('after-sales');
  const random = customers.filter((c) => !c.fixed);
  const huadong = customers.find((c) => c.fixed === 'huadong') as CustomerInfo;

  // Contracts: 华东机电's annual frame agreement runs out in 18 days (the expiry reminder's case).
  const contracts: {
    c: CustomerInfo;
    status: 'active' | 'expired' | 'draft' | 'pending_approval' | 'terminated';
    start: number;
    end: number;
  }[] = [
    { c: huadong, status: 'active', start: -347, end: 18 },
    ...rng.sample(random, 6).map((c, i) => {
      const kind = (['active', 'active', 'expired', 'draft', 'pending_approval', 'terminated'] as const)[i] ?? 'active';
      const start =
        kind === 'draft' || kind === 'pending_approval' ? rng.int(3, 15) : kind === 'expired' ? -rng.int(420, 500) : -rng.int(30, 300);
      return { c, status: kind, start, end: kind === 'active' && i === 1 ? 45 : start + 365 };
    }),
  ];
  for (const k of contracts) {
    plan.add('Contract', {
      number: docNumber(ctx, PREFIX.contract, Math.min(0, k.start - 5)),
      customerId: k.c.id,
      quoteId: null,
      ownerUserId: k.c.ownerId,
      status: k.status,
      startDate: cal.day(k.start),
      endDate: cal.day(k.end),
      amountFen: rng.int(20, 200) * 1_000_000,
      terms: `年度框架采购协议；含税价（增值税专用发票）；账期 ${k.c.termsDays} 天；质保 12 个月`,
      attachmentUrl: null,
      createdAt: cal.at(Math.min(0, k.start - 5), 15),
    });
  }

  // Service tickets against delivered or completed orders.
  const done = h.orders.filter((o) => (o.status === 'completed' || o.status === 'delivered') && !o.customer.fixed);
  TICKETS.forEach((t, i) => {
    const o = rng.pick(done);
    const status = (['open', 'in_progress', 'resolved', 'closed'] as const)[i % 4] as 'open' | 'in_progress' | 'resolved' | 'closed';
    const opened = Math.max(o.orderDay + 3, -rng.int(1, 60));
    const solved = status === 'resolved' || status === 'closed';
    plan.add('ServiceTicket', {
      number: docNumber(ctx, PREFIX.ticket, Math.min(0, opened)),
      customerId: o.customer.id,
      salesOrderId: o.id,
      type: t.type,
      status,
      subject: t.subject,
      assigneeUserId: t.type === 'repair' ? (org.user.chenjing as number) : o.customer.ownerId,
      resolution: solved ? rng.pick(['已补发并致歉', '已上门处理，客户确认恢复正常', '已重开发票并快递寄出']) : null,
      resolvedAt: solved ? cal.at(Math.min(0, opened + 3), 16) : null,
      createdAt: cal.at(Math.min(0, opened), 10),
    });
  });

  // A return taken back into stock (with its credit note), and an exchange just requested.
  const candidates = done.filter((o) => o.status === 'completed' && o.lines.some((l) => !l.product.service && l.qty >= 2));
  const returned = rng.pick(candidates);
  const line = returned.lines.find((l) => !l.product.service && l.qty >= 2);
  const qty = line ? Math.min(Math.max(1, Math.floor(line.qty / 10)), book.headroom(line.product.id, returned.warehouseId)) : 0;
  if (line && qty > 0) {
    const day = Math.min(-1, returned.orderDay + 15);
    const at = cal.at(day, 14);
    const number = docNumber(ctx, PREFIX.return, day);
    const id = plan.add('Return', {
      number,
      customerId: returned.customer.id,
      salesOrderId: returned.id,
      type: 'return',
      status: 'completed',
      reason: '部分产品规格与订单不符',
      creditNoteFen: lineAmounts(qty, line.unitPriceFen, line.product.vatRateBp).totalFen,
      createdAt: at,
    });
    plan.add('ReturnLine', {
      returnId: id,
      salesOrderLineId: line.id,
      productId: line.product.id,
      warehouseId: returned.warehouseId,
      qty,
      createdAt: at,
    });
    book.move({
      productId: line.product.id,
      warehouseId: returned.warehouseId,
      type: 'return',
      qty,
      at,
      reason: `退货入库 ${number}`,
      refType: 'return',
      refId: id,
      userId: org.user.chenjing as number,
    });
  }
  const exchanged = rng.pick(h.orders.filter((o) => o.status === 'delivered' && !o.customer.fixed && !o.lines[0]?.product.service));
  const exLine = exchanged.lines[0];
  if (exLine) {
    const id = plan.add('Return', {
      number: docNumber(ctx, PREFIX.return, -1),
      customerId: exchanged.customer.id,
      salesOrderId: exchanged.id,
      type: 'exchange',
      status: 'requested',
      reason: '收到的规格错误，申请换货',
      creditNoteFen: 0,
      createdAt: cal.at(-1, 10),
    });
    plan.add('ReturnLine', {
      returnId: id,
      salesOrderLineId: exLine.id,
      productId: exLine.product.id,
      warehouseId: exchanged.warehouseId,
      qty: 1,
      createdAt: cal.at(-1, 10),
    });
  }

  // To-dos: collections for the reps, shipping for the warehouse, approvals and purchasing.
  const overdue = h.billing.receivables.filter((r) => r.dueDay < 0 && r.paidFen < r.amountFen);
  for (const r of rng.sample(overdue, 8)) {
    const owner = (customers.find((c) => c.id === r.customerId) as CustomerInfo).ownerId;
    const number = String(plan.get('Receivable', r.id).number);
    // asked by the dunning ladder, as the running system's collection tasks are: paying it off closes them
    plan.add('Task', {
      ...task(ctx, owner, `催收逾期货款 ${number}（逾期 ${-r.dueDay} 天）`, 0, -r.dueDay > 30 ? 'high' : 'normal', 'receivable', r.id),
      source: TASK_SOURCE.dunning,
    });
  }
  for (const o of h.orders.filter((x) => x.status === 'to_ship').slice(-5)) {
    plan.add(
      'Task',
      task(ctx, org.user.chenjing as number, `备货发货 ${o.number}（${o.customer.name}）`, 1, 'normal', 'sales_order', o.id),
    );
  }
  for (const o of h.awaitingCredit) {
    plan.add('Task', task(ctx, org.user.liuyang as number, `审批超信用额度订单 ${o.number}`, 0, 'urgent', 'sales_order', o.id));
  }
  plan.add(
    'Task',
    task(ctx, org.user.zhaolei as number, `处理欠货采购：${h.backorder.product.name}`, 2, 'high', 'sales_order', h.backorder.order.id),
  );
  plan.add('Task', {
    ...task(ctx, org.user.zhangwei as number, '给华东机电续签年度框架合同', 7, 'high', 'customer', huadong.id),
    status: 'open',
  });
  plan.add('Task', {
    ...task(
      ctx,
      org.user.lina as number,
      '拜访广州恒通，沟通逾期货款',
      -3,
      'normal',
      'customer',
      (customers.find((c) => c.fixed === 'hengtong') as CustomerInfo).id,
    ),
    status: 'done',
  });
}

function task(
  ctx: SeedContext,
  userId: number,
  title: string,
  dueIn: number,
  priority: 'low' | 'normal' | 'high' | 'urgent',
  refType: string,
  refId: number,
) {
  return {
    userId,
    title,
    dueAt: ctx.cal.at(dueIn, 18),
    priority,
    status: 'open' as const,
    refType,
    refId,
    source: null,
    createdAt: ctx.cal.at(Math.min(0, dueIn - 2), 9),
  };
}
