import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelUpdate, decideUpdate, orderStateQuery, paymentAppliedSignal, type ShipInput, shipUpdate } from '../../../workflows/messages';
import { ACCEPTED, bounded, eventTypes, type LogicEnv, refusal, startLogicEnv, untilState } from './harness';

const ship = (n: number): ShipInput => ({
  userId: 5,
  lines: [{ sku: 'A100', qty: 10 }],
  carrier: '顺丰',
  trackingNo: `SF${n}`,
  requestId: `ship-${n}`,
});
/** a shipment that leaves some of the order to ship */
const partShipment = (workflowId: string) => async () => ({
  ok: true as const,
  message: { zh: '已登记', en: 'recorded' },
  shipmentNumber: 'SH-1',
  receivable: { receivableId: 1, number: `${workflowId}-R1`, dueAt: 0, rungs: [] },
  allShipped: false,
});
const cancel = { userId: 3, reason: '客户取消' };

describe('quote to cash logic: the lock, cancel and completion (stub activities)', () => {
  let env: LogicEnv;
  beforeAll(async () => {
    env = await startLogicEnv();
  });
  afterAll(async () => env?.stop());

  /** an order with no approval steps, confirmed and waiting to ship */
  async function toShip() {
    const flow = env.order();
    const handle = await flow.start();
    await bounded(flow.stubs.until('confirmOrder:done'), 'order confirmed');
    await untilState(handle, (s) => s.phase === 'to_ship', 'to_ship');
    return { ...flow, handle };
  }

  it('a shipment accepted while a cancel holds the lock is refused once the cancel is done, and never recorded', async () => {
    const { stubs, handle } = await toShip();
    const held = stubs.hold('cancelOrder');
    const cancelled = handle.executeUpdate(cancelUpdate, { args: [cancel] });
    await bounded(held.reached, 'cancelOrder called');
    // the validator still sees to_ship: the shipment is accepted and queues for the lock
    const shipping = await bounded(handle.startUpdate(shipUpdate, { args: [ship(1)], ...ACCEPTED }), 'ship accepted');
    held.release();
    expect((await bounded(cancelled, 'cancel')).ok).toBe(true);
    const shipped = await bounded(shipping.result(), 'ship answered');
    expect(shipped).toMatchObject({ ok: false, message: { zh: '订单已取消' } });
    expect(await bounded(handle.result(), 'flow end')).toBe('cancelled');
    expect(stubs.count('recordShipment')).toBe(0);
    expect((await handle.query(orderStateQuery)).phase).toBe('cancelled');
  });

  it('a decision queued behind a cancel is refused once the cancel is done, and never decided', async () => {
    const flow = env.order({ steps: 1 });
    const handle = await flow.start();
    await bounded(flow.stubs.until('sendApprovalCard:done'), 'card sent');
    const held = flow.stubs.hold('cancelOrder');
    const cancelled = handle.executeUpdate(cancelUpdate, { args: [cancel] });
    await bounded(held.reached, 'cancelOrder called');
    const deciding = await bounded(
      handle.startUpdate(decideUpdate, { args: [{ stepId: 101, userId: 11, decision: 'approve' }], ...ACCEPTED }),
      'decision accepted',
    );
    held.release();
    expect((await bounded(cancelled, 'cancel')).ok).toBe(true);
    expect(await bounded(deciding.result(), 'decision answered')).toMatchObject({ ok: false, message: { zh: '订单已取消' } });
    expect(await bounded(handle.result(), 'flow end')).toBe('cancelled');
    expect(flow.stubs.count('decideStep')).toBe(0);
    expect((await handle.query(orderStateQuery)).decided).toEqual([]);
  });

  it('a cancel accepted while a shipment holds the lock is refused once goods have shipped, and never reaches the books', async () => {
    const { stubs, handle } = await toShip();
    stubs.answer('recordShipment', partShipment(stubs.workflowId));
    const held = stubs.hold('recordShipment');
    const shipping = handle.executeUpdate(shipUpdate, { args: [ship(1)] });
    await bounded(held.reached, 'recordShipment called');
    const cancelling = await bounded(handle.startUpdate(cancelUpdate, { args: [cancel], ...ACCEPTED }), 'cancel accepted');
    held.release();
    expect((await bounded(shipping, 'ship')).ok).toBe(true);
    expect(await bounded(cancelling.result(), 'cancel answered')).toMatchObject({
      ok: false,
      message: { zh: expect.stringContaining('订单已有发货') },
    });
    expect(stubs.count('cancelOrder')).toBe(0);
    expect((await handle.query(orderStateQuery)).phase).toBe('partially_shipped');
  });

  it('after a shipment, cancel is refused by the validator and cancelOrder is never called', async () => {
    const { stubs, handle } = await toShip();
    stubs.answer('recordShipment', partShipment(stubs.workflowId));
    expect((await bounded(handle.executeUpdate(shipUpdate, { args: [ship(1)] }), 'ship')).ok).toBe(true);
    expect((await handle.query(orderStateQuery)).phase).toBe('partially_shipped');
    expect(await refusal(handle.executeUpdate(cancelUpdate, { args: [cancel] }))).toContain('订单已有发货');
    expect(stubs.count('cancelOrder')).toBe(0);
    // refused before history: only the shipment's update was accepted
    expect((await eventTypes(handle)).filter((t) => t === 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toHaveLength(1);
    expect((await handle.query(orderStateQuery)).phase).toBe('partially_shipped');
  });

  it('a cancel the books refuse ({ ok: false }) leaves the phase as it was', async () => {
    const { stubs, handle } = await toShip();
    stubs.answer('cancelOrder', async () => ({ ok: false, message: { zh: '已有发货', en: 'shipped' } }));
    const res = await bounded(handle.executeUpdate(cancelUpdate, { args: [cancel] }), 'cancel');
    expect(res).toEqual({ ok: false, message: { zh: '已有发货', en: 'shipped' } });
    expect(stubs.count('cancelOrder')).toBe(1);
    expect((await handle.query(orderStateQuery)).phase).toBe('to_ship');
    // still shippable: the flow went on as if no cancel had been asked
    expect((await bounded(handle.executeUpdate(shipUpdate, { args: [ship(1)] }), 'ship')).ok).toBe(true);
    expect(stubs.count('recordShipment')).toBe(1);
  });

  it('a settlement that completed the order ends the flow without completeOrder', async () => {
    const { stubs, handle } = await toShip();
    stubs.answer('orderSettlement', async () => ({ allShipped: true, allPaid: true, completed: true }));
    expect((await bounded(handle.executeUpdate(shipUpdate, { args: [ship(1)] }), 'ship')).ok).toBe(true);
    expect(await bounded(handle.result(), 'flow end')).toBe('completed');
    expect(stubs.inputs('orderSettlement')).toEqual([{ orderId: 1, completeWhenDone: true }]);
    expect(stubs.count('completeOrder')).toBe(0);
  });

  it('shipped and then paid without `completed`: completeOrder once, after the settlement that found it paid', async () => {
    const { stubs, handle } = await toShip();
    stubs.answerInTurn('orderSettlement', { allShipped: true, allPaid: false }, { allShipped: true, allPaid: true });
    expect((await bounded(handle.executeUpdate(shipUpdate, { args: [ship(1)] }), 'ship')).ok).toBe(true);
    await bounded(stubs.until('orderSettlement:done'), 'first settlement');
    expect((await untilState(handle, (s) => s.phase === 'collecting', 'collecting')).phase).toBe('collecting');
    await handle.signal(paymentAppliedSignal, { paymentId: 1 });
    expect(await bounded(handle.result(), 'flow end')).toBe('completed');
    expect(stubs.names().filter((n) => n === 'orderSettlement' || n === 'completeOrder')).toEqual([
      'orderSettlement',
      'orderSettlement',
      'completeOrder',
    ]);
  });
});
