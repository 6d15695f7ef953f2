import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../activities/stock';
import { quoteToCashId } from '../../workflows/messages';
import { dbKinds } from '../helpers/db';
import { cardOf, eventually, type Q2cEnv, startQ2c, textOf } from './harness';

describe.each(await dbKinds())('quote to cash, happy path (%s)', (kind) => {
  let env: Q2cEnv;
  beforeAll(async () => {
    env = await startQ2c({ kind });
  }, 60_000);
  afterAll(async () => env?.stop());

  it('quote → 王芳 and 李强 approve → two shipments → two payments → 已完成', async () => {
    const quoteCard = cardOf(await env.say('zhangwei', '报价 华东机电 A100×2000 折扣12%'));
    const submitted = await env.click('zhangwei', quoteCard, 'quote.submit');
    expect(textOf(submitted)).toContain('已提交');
    const quote = await env.db.models.Quote.findOne({ order: [['id', 'DESC']] });
    const wfId = quoteToCashId(quote!.number);

    const wangCard = await eventually(() => env.latestCard('wangfang', 'approval:'), 'approval card for 王芳');
    expect(wangCard.status?.text).toContain('王芳');
    // 李强 may not decide 王芳's step
    const wrong = await env.click('liqiang', wangCard, 'approval.approve');
    expect(textOf(wrong)).toContain('只有 王芳');
    const ok1 = await env.click('wangfang', wangCard, 'approval.approve');
    expect(textOf(ok1)).toContain('已同意');
    const again = await env.click('wangfang', wangCard, 'approval.approve');
    expect(textOf(again)).toMatch(/已由 王芳 于 .* 同意/);

    const liCard = await eventually(() => env.latestCard('liqiang', 'approval:'), 'approval card for 李强');
    await env.click('liqiang', liCard, 'approval.approve');

    const order = await eventually(
      async () => env.db.models.SalesOrder.findOne({ where: { quoteId: quote!.id, status: 'to_ship' } }),
      'order confirmed',
    );
    const notice = await eventually(() => env.latestCard('chenjing', 'shipnotice:'), 'shipping notice');
    expect(notice.title).toContain(order.number);

    const s1 = await env.say('chenjing', `发货 ${order.number} A100×1200 顺丰 SF1234567890`);
    expect(textOf(s1)).toContain('已登记发货');
    const s2 = await env.say('chenjing', `发货 ${order.number} A100×800 顺丰 SF1234567891`);
    expect(textOf(s2)).toContain('已登记发货');
    const over = await env.say('chenjing', `发货 ${order.number} A100×1 顺丰 SF1234567892`);
    // the flow refuses in its validator: all is shipped, nothing reaches the books
    expect(textOf(over)).toBe('订单已全部发货');

    const recs = await env.db.models.Receivable.findAll({ where: { salesOrderId: order.id } });
    expect(recs).toHaveLength(2);
    expect(recs.reduce((s, r) => s + r.amountFen, 0)).toBe(order.totalFen);

    const first = recs[0]!.amountFen;
    await env.say('liuyang', `回款 华东机电 ${first / 100}`);
    await env.say('liuyang', `回款 华东机电 ${(order.totalFen - first) / 100}`);
    await eventually(async () => (await env.db.models.SalesOrder.findByPk(order.id))?.status === 'completed', 'order completed');
    // the books complete inside the settling activity; the flow's own phase follows when it answers
    const state = await eventually(async () => {
      const s = await env.flows.orderState(wfId);
      return s?.phase === 'completed' ? s : null;
    }, 'flow completed');
    expect(state.phase).toBe('completed');
    const shown = textOf(await env.say('zhangwei', `订单 ${order.number}`));
    expect(shown).toContain('已完成');
    const open = await env.db.models.Receivable.findAll({ where: { customerId: order.customerId, status: ['open', 'partially_paid'] } });
    expect(open).toHaveLength(0);
    expect(await ledgerDiscrepancies(env.db)).toEqual([]);
  }, 90_000);

  it('every history the flows produced replays deterministically', async () => {
    expect(await env.replayAll()).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
