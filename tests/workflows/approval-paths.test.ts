import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../activities/stock';
import { cardOf, eventually, type Q2cEnv, startQ2c, textOf } from './harness';

const HOUR = 3_600_000;

/** Submits a quote as `rep` and returns its number and the id of the order the flow opens. */
async function submit(env: Q2cEnv, rep: string, text: string) {
  const card = cardOf(await env.say(rep, text));
  await env.click(rep, card, 'quote.submit');
  const quoteId = Number(card.id.split(':')[1]);
  const order = await eventually(() => env.db.models.SalesOrder.findOne({ where: { quoteId } }), 'order opened');
  return { quoteId, order };
}

const pushedTexts = async (env: Q2cEnv, login: string) => textOf(await env.inbox(login));

describe('approval paths (SQLite, manual virtual clock)', () => {
  let env: Q2cEnv;
  beforeAll(async () => {
    env = await startQ2c({ virtualClock: 'manual' });
  }, 60_000);
  afterAll(async () => env?.stop());

  it('the manager rejects: the rep is told why, the order is closed, nothing stays reserved', async () => {
    await env.inbox('zhangwei');
    const { order } = await submit(env, 'zhangwei', '报价 华东机电 A100×100 折扣8%');
    const card = await eventually(() => env.latestCard('wangfang', `approval:`), 'approval card');
    const replies = await env.click('wangfang', card, 'approval.reject', '价格太低');
    expect(cardOf(replies).status?.text).toContain('王芳 已驳回');
    expect(cardOf(replies).fields?.find((f) => f.label === '意见')?.value).toBe('价格太低');
    expect(cardOf(replies).buttons).toEqual([]);
    await eventually(async () => (await env.db.models.SalesOrder.findByPk(order.id))?.status === 'cancelled', 'order closed');
    const told = await pushedTexts(env, 'zhangwei');
    expect(told).toContain('被驳回');
    expect(told).toContain('价格太低');
    expect(textOf(await env.say('zhangwei', `订单 ${order.number}`))).toContain('已驳回');
    expect(await env.db.models.Reservation.count({ where: { salesOrderId: order.id } })).toBe(0);
  }, 60_000);

  it('over the credit limit: finance overrides and the flow goes on to shipping', async () => {
    const quoteCard = cardOf(await env.say('lina', '报价 广州恒通 A100×1000'));
    expect(quoteCard.notes?.join('\n')).toContain('提交后需财务 刘洋审批');
    await env.click('lina', quoteCard, 'quote.submit');
    const order = await eventually(
      () => env.db.models.SalesOrder.findOne({ where: { quoteId: Number(quoteCard.id.split(':')[1]) } }),
      'order',
    );
    // under every approval threshold: only the credit override stands between it and shipping
    expect(quoteCard.notes?.[0]).toBe('无需审批，可直接转订单');
    const credit = await eventually(async () => {
      const c = await env.latestCard('liuyang', 'approval:');
      return c?.title.startsWith('超信用额度审批') ? c : null;
    }, 'credit override card');
    expect(credit.fields?.find((f) => f.label === '超出')?.value).toMatch(/¥/);
    const state = await env.flows.orderState(order.workflowId ?? `q2c-`);
    expect(state?.phase).toBe('credit_approval');
    await env.click('liuyang', credit, 'approval.approve');
    await eventually(async () => (await env.db.models.SalesOrder.findByPk(order.id))?.status === 'to_ship', 'order to ship');
    const notice = await eventually(() => env.latestCard('chenjing', `shipnotice:${order.id}`), 'shipping notice to the warehouse');
    expect(notice.status?.text).toBe('待发货');
  }, 60_000);

  it('a click is re-checked: stock gone since the card was sent → refused with the reason, the card says so', async () => {
    const { order } = await submit(env, 'zhangwei', '报价 华东机电 B200×100 折扣8%');
    const card = await eventually(async () => {
      const c = await env.latestCard('wangfang', 'approval:');
      return c?.fields?.some((f) => f.value.includes(order.number)) ? c : null;
    }, 'approval card');
    // someone else takes B200's stock meanwhile
    await env.db.sequelize.query(
      "UPDATE stock_levels SET reserved = on_hand WHERE product_id = (SELECT id FROM products WHERE sku = 'B200')",
    );
    const refused = await env.click('wangfang', card, 'approval.approve');
    expect(textOf(refused)).toContain('B200 可用库存已从');
    expect(cardOf(refused).status?.text).toContain('无法同意');
    expect(cardOf(refused).buttons?.map((b) => b.action)).toEqual(['approval.approve', 'approval.reject']);
    // deciding on the new figures works
    const ok = await env.click('wangfang', cardOf(refused), 'approval.approve');
    expect(textOf(ok)).toContain('已同意');
    await env.db.sequelize.query("UPDATE stock_levels SET reserved = 0 WHERE product_id = (SELECT id FROM products WHERE sku = 'B200')");
    await env.flows.cancel(order.workflowId as string, { userId: await env.userId('zhangwei'), reason: '测试结束' }, 'cleanup-b200');
  }, 60_000);

  it('reminder after 4 h, escalation after 24 h; 订单 says whose approval it waits for and how long', async () => {
    const { order } = await submit(env, 'zhangwei', '报价 华东机电 A100×50 折扣8%');
    await eventually(async () => {
      const c = await env.latestCard('wangfang', 'approval:');
      return c?.fields?.some((f) => f.value.includes(order.number)) ? c : null;
    }, 'approval card');
    await env.inbox('wangfang');
    await env.inbox('liqiang');
    // the card is out before the flow sets its reminder timer: move the clock only after that
    const handle = env.client.workflow.getHandle(order.workflowId as string);
    await eventually(async () => (await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes), 'reminder timer set');
    await env.server.advanceTime(2 * HOUR);
    expect(textOf(await env.say('zhangwei', `订单 ${order.number}`))).toContain('等待 王芳 审批，已等待 2 小时');
    await env.server.advanceTime(2 * HOUR + 1000);
    await eventually(async () => (await pushedTexts(env, 'wangfang')).includes('提醒'), 'reminder');
    expect(textOf(await env.say('zhangwei', `订单 ${order.number}`))).toContain('（已提醒）');
    await eventually(
      async () => ((await handle.fetchHistory()).events ?? []).filter((e) => e.timerStartedEventAttributes).length >= 2,
      'escalation timer set',
    );
    await env.server.advanceTime(20 * HOUR);
    await eventually(async () => (await pushedTexts(env, 'liqiang')).includes('升级提醒'), 'escalation to the director');
    const step = await env.db.models.ApprovalStep.findOne({
      where: { approverUserId: await env.userId('wangfang') },
      order: [['id', 'DESC']],
    });
    expect(step?.remindedAt).not.toBeNull();
    expect(step?.escalatedAt).not.toBeNull();
    await env.flows.cancel(order.workflowId as string, { userId: await env.userId('zhangwei'), reason: '测试结束' }, 'cleanup-remind');
  }, 60_000);

  it('each approver is re-checked against what their own card showed, not what the order opened with', async () => {
    const { Product, StockLevel } = env.db.models;
    const a100 = await Product.findOne({ where: { sku: 'A100' } });
    const levels = await StockLevel.findAll({ where: { productId: a100!.id } });
    const { order } = await submit(env, 'zhangwei', '报价 华东机电 A100×2000 折扣12%');
    const first = await eventually(async () => {
      const c = await env.latestCard('wangfang', 'approval:');
      return c?.fields?.some((f) => f.value.includes(order.number)) && c.buttons?.length ? c : null;
    }, 'manager card');
    // everything of A100 is taken after the order opened and before anyone decided
    const sql = (q: string, replacements: Record<string, number>) => env.db.sequelize.query(q, { replacements });
    await sql('UPDATE stock_levels SET reserved = on_hand WHERE product_id = :p', { p: a100!.id });
    try {
      const refused = await env.click('wangfang', first, 'approval.approve');
      expect(textOf(refused)).toContain('可用库存已从');
      expect(cardOf(refused).status?.text).toContain('无法同意');
      expect(textOf(await env.click('wangfang', cardOf(refused), 'approval.approve'))).toContain('王芳 已同意');
      // the director's card goes out now, showing 0 available: that is what his click is checked against
      const second = await eventually(async () => {
        const c = await env.latestCard('liqiang', 'approval:');
        return c?.fields?.some((f) => f.value.includes(order.number)) && c.buttons?.length ? c : null;
      }, 'director card');
      expect(second.table?.rows[0]?.[3]).toBe('0');
      const decided = await env.click('liqiang', second, 'approval.approve');
      expect(textOf(decided)).toContain('李强 已同意');
      await eventually(async () => (await env.db.models.SalesOrder.findByPk(order.id))?.status === 'to_ship', 'order confirmed');
    } finally {
      for (const l of levels) await sql('UPDATE stock_levels SET reserved = :r WHERE id = :id', { r: l.reserved, id: l.id });
    }
  }, 60_000);

  /** a quote under every threshold: the policy asks nobody, so its order goes straight to shipping */
  async function approvedToShip(text: string) {
    const quoteCard = cardOf(await env.say('zhangwei', text));
    expect(quoteCard.notes?.[0]).toBe('无需审批，可直接转订单');
    await env.click('zhangwei', quoteCard, 'quote.submit');
    const quoteId = Number(quoteCard.id.split(':')[1]);
    const order = await eventually(() => env.db.models.SalesOrder.findOne({ where: { quoteId } }), 'order opened');
    await eventually(async () => (await env.db.models.SalesOrder.findByPk(order.id))?.status === 'to_ship', 'order to ship');
    expect(await env.db.models.ApprovalRequest.count({ where: { subjectType: 'quote', subjectId: quoteId } })).toBe(0);
    return order;
  }

  it('cancel before shipping: reservations released, the warehouse told and its notice closed', async () => {
    const order = await approvedToShip('报价 华东机电 A100×300');
    expect(await env.db.models.Reservation.count({ where: { salesOrderId: order.id, status: 'active' } })).toBeGreaterThan(0);
    const orderCard = cardOf(await env.say('zhangwei', `订单 ${order.number}`));
    const replies = await env.click('zhangwei', orderCard, 'order.cancel', '客户取消');
    expect(textOf(replies)).toContain('已取消');
    expect(await env.db.models.Reservation.count({ where: { salesOrderId: order.id, status: 'active' } })).toBe(0);
    expect(await pushedTexts(env, 'chenjing')).toContain(`订单 ${order.number} 已取消`);
    expect(await env.latestCard('chenjing', `shipnotice:${order.id}`)).toMatchObject({ status: { text: '订单已取消，请勿发货' } });
    expect(await ledgerDiscrepancies(env.db)).toEqual([]);
    // a second cancel is answered, not repeated
    expect(await env.replayAll()).toBeGreaterThanOrEqual(5);
    expect(textOf(await env.click('zhangwei', orderCard, 'order.cancel', '再点一次'))).toMatch(/订单 SO-\S+ 已取消（张伟 取消：客户取消）/);
  }, 60_000);

  it('cancel after a partial shipment is refused: stock, the receivable and the order stay as they are', async () => {
    const order = await approvedToShip('报价 华东机电 A100×300');
    const orderCard = cardOf(await env.say('zhangwei', `订单 ${order.number}`));
    expect(textOf(await env.say('chenjing', `发货 ${order.number} A100×100 顺丰 SF2000000001`))).toContain('已登记发货');
    const reserved = await env.db.models.Reservation.count({ where: { salesOrderId: order.id, status: 'active' } });
    // the card the rep opened before the shipment still has its button: the flow refuses the click
    const replies = await env.click('zhangwei', orderCard, 'order.cancel', '客户取消');
    expect(textOf(replies)).toContain('已有发货，不能取消');
    expect((await env.db.models.SalesOrder.findByPk(order.id))?.status).toBe('partially_shipped');
    expect(await env.db.models.Reservation.count({ where: { salesOrderId: order.id, status: 'active' } })).toBe(reserved);
    const recs = await env.db.models.Receivable.findAll({ where: { salesOrderId: order.id } });
    expect(recs.map((r) => r.status)).toEqual(['open']);
    // and a fresh order card offers no cancel any more
    expect(cardOf(await env.say('zhangwei', `订单 ${order.number}`)).buttons ?? []).toEqual([]);
    expect(await ledgerDiscrepancies(env.db)).toEqual([]);
  }, 60_000);
});
