import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleText } from '../../bot/dispatch';
import { receivableCollectionId } from '../../workflows/messages';
import { cardOf, eventually, type Q2cEnv, startQ2c, textOf } from './harness';

/**
 * A payment's notice to the order's and the receivable's flows is durable: queued in the
 * payment's transaction (flow_signals) and sent by the relay after the commit. A crash between
 * the two, or a signal that fails, neither strands the order in 收款中 nor answers an error,
 * and the same message typed again records nothing twice.
 */
describe('payment signals survive a crash and a failed send (SQLite)', () => {
  let env: Q2cEnv;
  beforeAll(async () => {
    env = await startQ2c();
  }, 60_000);
  afterAll(async () => env?.stop());

  /** a small order (no approval), fully shipped: its flow waits for the money */
  async function shippedOrder(tracking: string) {
    const card = cardOf(await env.say('zhangwei', '报价 华东机电 A100×10'));
    await env.click('zhangwei', card, 'quote.submit');
    const quoteId = Number(card.id.split(':')[1]);
    const order = await eventually(() => env.db.models.SalesOrder.findOne({ where: { quoteId, status: 'to_ship' } }), 'order to ship');
    expect(textOf(await env.say('chenjing', `发货 ${order.number} A100×10 顺丰 ${tracking}`))).toContain('已登记发货');
    const rec = await eventually(() => env.db.models.Receivable.findOne({ where: { salesOrderId: order.id } }), 'receivable');
    return { order, rec };
  }

  const pay = (messageId: string, amountFen: number) =>
    handleText(env.deps, { userLogin: 'liuyang', text: `回款 华东机电 ${(amountFen / 100).toFixed(2)}`, messageId });

  it('a crash between the commit and the signal: a relay started later tells the flows, the order completes', async () => {
    const { order, rec } = await shippedOrder('SF5000000001');
    await env.relay.stop(); // the process "dies" after the commit: nothing sends the signal
    const reply = await pay('crash-1', rec.amountFen);
    expect(cardOf(reply).title).toContain('回款已登记');
    expect((await env.db.models.Receivable.findByPk(rec.id))?.status).toBe('paid');
    const queued = await env.db.models.FlowSignal.findAll({ where: { sentAt: null }, order: [['id', 'ASC']] });
    expect(queued.map((s) => [s.signal, s.workflowId])).toEqual(
      expect.arrayContaining([
        ['receivablePaid', receivableCollectionId(rec.number)],
        ['paymentApplied', order.workflowId],
      ]),
    );
    expect((await env.flows.orderState(order.workflowId as string))?.phase).toBe('collecting');

    env.relay.start(); // the restarted process's relay finds the rows the crash left
    await eventually(async () => (await env.db.models.SalesOrder.findByPk(order.id))?.status === 'completed', 'order completed');
    expect(await env.client.workflow.getHandle(receivableCollectionId(rec.number)).result()).toBe('paid');
    expect(await env.db.models.FlowSignal.count({ where: { sentAt: null } })).toBe(0);
  }, 60_000);

  it('a signal that fails once: the payment is answered, retyped with the same message id it is recorded once, the order completes', async () => {
    const { order, rec } = await shippedOrder('SF5000000002');
    let failures = 0;
    env.relay.start((real) => async (workflowId, signal, paymentId) => {
      if (failures++ === 0) throw new Error('UNAVAILABLE: temporal is restarting');
      return real(workflowId, signal, paymentId);
    });
    const before = await env.db.models.Payment.count();
    const first = await pay('retyped-1', rec.amountFen);
    const again = await pay('retyped-1', rec.amountFen);
    expect(cardOf(first).title).toContain('回款已登记');
    expect(cardOf(again).title).toBe(cardOf(first).title);
    expect(await env.db.models.Payment.count()).toBe(before + 1);
    await eventually(async () => (await env.db.models.SalesOrder.findByPk(order.id))?.status === 'completed', 'order completed');
    expect(failures).toBeGreaterThan(1);
    const sent = await env.db.models.FlowSignal.findAll({ where: { workflowId: order.workflowId as string } });
    expect(sent).toHaveLength(1);
  }, 60_000);
});
