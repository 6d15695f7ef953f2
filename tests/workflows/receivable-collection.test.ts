import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receivableCollectionId, receivableStateQuery } from '../../workflows/messages';
import { cardOf, eventually, type Q2cEnv, startQ2c, textOf } from './harness';

const DAY = 86_400_000;

/**
 * The dunning ladder on the virtual clock: a shipment's receivable waits for its due date,
 * then D+1 rep, D+7 rep and finance, D+15 the manager, D+30 the director (config defaults);
 * a partial payment shows in the next notice; the full payment ends the flow at once.
 */
describe('receivable collection (SQLite, manual virtual clock)', () => {
  let env: Q2cEnv;
  beforeAll(async () => {
    env = await startQ2c({ virtualClock: 'manual' });
  }, 60_000);
  afterAll(async () => env?.stop());

  it('walks the ladder, shows partial payments, stops when paid', async () => {
    const card = cardOf(await env.say('zhangwei', '报价 华东机电 A100×10'));
    await env.click('zhangwei', card, 'quote.submit');
    const quoteId = Number(card.id.split(':')[1]);
    const order = await eventually(
      () => env.db.models.SalesOrder.findOne({ where: { quoteId, status: 'to_ship' } }),
      'order to ship (no approval needed)',
    );
    expect(textOf(await env.say('chenjing', `发货 ${order.number} A100×10 顺丰 SF3000000001`))).toContain('已登记发货');
    const rec = await eventually(() => env.db.models.Receivable.findOne({ where: { salesOrderId: order.id } }), 'receivable');
    const wf = env.client.workflow.getHandle(receivableCollectionId(rec.number));
    for (const who of ['zhangwei', 'liuyang', 'wangfang', 'liqiang']) await env.inbox(who);
    const dunned = async (who: string) => textOf(await env.inbox(who));

    const untilDue = new Date(`${rec.dueDate}T09:00:00+08:00`).getTime() - env.server.now();
    await env.server.advanceTime(untilDue - DAY / 2);
    expect(await dunned('zhangwei')).not.toContain('催款');

    await env.server.advanceTime(DAY / 2 + DAY + 1000); // D+1
    await eventually(async () => (await wf.query(receivableStateQuery)).rungsSent.includes(1), 'D+1 rung');
    expect(await dunned('zhangwei')).toContain(`催款提醒：华东机电有限公司 应收 ${rec.number} 已逾期 1 天`);
    expect(await dunned('liuyang')).not.toContain('催款');

    // a partial payment: the D+7 notice shows what is left
    const half = Math.floor(rec.amountFen / 2);
    await env.say('liuyang', `回款 华东机电 ${(half / 100).toFixed(2)}`);
    await env.server.advanceTime(6 * DAY); // D+7
    await eventually(async () => (await wf.query(receivableStateQuery)).rungsSent.includes(7), 'D+7 rung');
    const d7 = await dunned('liuyang');
    expect(d7).toContain('已逾期 7 天');
    expect(d7).toContain('已收');
    expect(await dunned('zhangwei')).toContain('已逾期 7 天');

    await env.server.advanceTime(8 * DAY); // D+15
    await eventually(async () => (await wf.query(receivableStateQuery)).rungsSent.includes(15), 'D+15 rung');
    expect(await dunned('wangfang')).toContain('已逾期 15 天');

    // paid in full before D+30: the flow ends and the director is never dunned
    await env.say('liuyang', `回款 华东机电 ${((rec.amountFen - half) / 100).toFixed(2)}`);
    expect(await wf.result()).toBe('paid');
    await env.server.advanceTime(20 * DAY);
    expect(await dunned('liqiang')).not.toContain('催款');
    await eventually(async () => (await env.db.models.SalesOrder.findByPk(order.id))?.status === 'completed', 'order completed');
  }, 60_000);
  it('a receivable born closed (0 fen to collect) ends its flow at once: nothing waits for the ladder', async () => {
    const rec = await env.db.models.Receivable.findOne({ order: [['id', 'ASC']] });
    const handle = await env.client.workflow.start('receivableCollection', {
      taskQueue: env.config.temporal.taskQueue,
      workflowId: 'ar-zero-fen',
      args: [
        {
          receivableId: rec!.id,
          number: 'AR-ZERO',
          dueAt: env.server.now() + 30 * DAY,
          rungs: [{ at: env.server.now() + 31 * DAY, daysOverdue: 1, notify: ['rep'] }],
          closed: 'paid',
        },
      ],
    });
    // the virtual clock does not move here: a flow waiting for its ladder would never answer
    expect(await handle.result()).toBe('paid');
  }, 30_000);
});
