import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decision, decideUpdate, orderStateQuery } from '../../../workflows/messages';
import { ACCEPTED, bounded, eventTypes, type LogicEnv, refusal, startLogicEnv } from './harness';
import { stepsOf } from './stubs';

const decide = (handle: WorkflowHandle, stepId: number, userId: number, decision: Decision = 'approve') =>
  handle.executeUpdate(decideUpdate, { args: [{ stepId, userId, decision }] });

describe('quote to cash logic: approvals (stub activities)', () => {
  let env: LogicEnv;
  beforeAll(async () => {
    env = await startLogicEnv();
  });
  afterAll(async () => env?.stop());

  it('decides the steps in order; a click out of turn, by another user or a second time is refused before history', async () => {
    const { stubs, start } = env.order({ steps: 2 });
    const handle = await start();
    await bounded(stubs.until('sendApprovalCard:done'), 'first card');
    expect(await refusal(decide(handle, 102, 12))).toBe('这一步审批尚未轮到或已结束');
    expect(await refusal(decide(handle, 101, 12))).toBe('只有 approver1 可以审批这一步');
    // a double click: the second comes while the first is being decided
    const held = stubs.hold('decideStep');
    const first = decide(handle, 101, 11);
    await bounded(held.reached, 'decideStep called');
    expect(await refusal(decide(handle, 101, 11))).toBe('正在处理另一个操作，请稍候');
    held.release();
    expect((await bounded(first, 'first decision')).ok).toBe(true);
    expect(await refusal(decide(handle, 101, 11))).toMatch(/^该审批已由 user11 于 .* 同意，无需重复操作$/);

    await bounded(stubs.until('sendApprovalCard:done', 2), 'second card');
    expect((await bounded(decide(handle, 102, 12), 'second decision')).ok).toBe(true);
    await bounded(stubs.until('confirmOrder:done'), 'order confirmed');
    expect(stubs.names()).toEqual([
      'openOrder',
      'sendApprovalCard',
      'decideStep',
      'sendApprovalCard',
      'decideStep',
      'checkCredit',
      'confirmOrder',
    ]);
    expect(stubs.inputs('sendApprovalCard').map((c) => c.stepId)).toEqual([101, 102]);
    expect(stubs.inputs('decideStep').map((c) => [c.stepId, c.userId])).toEqual([
      [101, 11],
      [102, 12],
    ]);
    // the refused clicks never reached history: two updates accepted, the two decisions
    expect((await eventTypes(handle)).filter((t) => t === 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toHaveLength(2);
    expect((await handle.query(orderStateQuery)).phase).toBe('to_ship');
  });

  it('a reject ends the flow in rejected, rejectOrder once, no later step asked', async () => {
    const { stubs, start } = env.order({ steps: 2 });
    const handle = await start();
    await bounded(stubs.until('sendApprovalCard:done'), 'first card');
    expect((await bounded(decide(handle, 101, 11, 'reject'), 'reject')).ok).toBe(true);
    expect(await bounded(handle.result(), 'flow end')).toBe('rejected');
    expect(stubs.inputs('rejectOrder')).toEqual([{ orderId: 1, stepId: 101 }]);
    expect(stubs.names()).toEqual(['openOrder', 'sendApprovalCard', 'decideStep', 'rejectOrder']);
    expect((await handle.query(orderStateQuery)).phase).toBe('rejected');
  });

  it('openOrder sent the first card: no sendApprovalCard for step 1, one for step 2; a click during openOrder is decided after it', async () => {
    const { stubs, start } = env.order({ steps: 2 });
    stubs.answer('openOrder', async () => ({ orderId: 1, orderNumber: 'SO-1', steps: stepsOf(2), firstCardSent: true }));
    const opening = stubs.hold('openOrder');
    const handle = await start();
    expect(await bounded(opening.reached, 'openOrder called')).toMatchObject({ sendFirstCard: true });
    // the first card is out before the flow knows the step: the click is accepted and waits
    const early = await bounded(
      handle.startUpdate(decideUpdate, { args: [{ stepId: 101, userId: 11, decision: 'approve' }], ...ACCEPTED }),
      'click accepted',
    );
    opening.release();
    expect((await bounded(early.result(), 'click answered')).ok).toBe(true);
    await bounded(stubs.until('sendApprovalCard:done'), 'second card');
    expect(stubs.log.slice(0, 6)).toEqual([
      'openOrder',
      'openOrder:done',
      'decideStep',
      'decideStep:done',
      'sendApprovalCard',
      'sendApprovalCard:done',
    ]);
    expect(stubs.inputs('sendApprovalCard').map((c) => c.stepId)).toEqual([102]);
  });

  it('a click during openOrder by someone not the first approver is answered no once the order is open, and not decided', async () => {
    const { stubs, start } = env.order({ steps: 2 });
    stubs.answer('openOrder', async () => ({ orderId: 1, orderNumber: 'SO-1', steps: stepsOf(2), firstCardSent: true }));
    const opening = stubs.hold('openOrder');
    const handle = await start();
    await bounded(opening.reached, 'openOrder called');
    const wrong = await bounded(
      handle.startUpdate(decideUpdate, { args: [{ stepId: 101, userId: 12, decision: 'approve' }], ...ACCEPTED }),
      'click accepted',
    );
    opening.release();
    expect(await bounded(wrong.result(), 'click answered')).toMatchObject({ ok: false, message: { zh: '只有 approver1 可以审批这一步' } });
    expect(stubs.count('decideStep')).toBe(0);
    // the step is still open to its approver
    expect((await bounded(decide(handle, 101, 11), 'decision')).ok).toBe(true);
    expect(stubs.inputs('decideStep').map((c) => c.userId)).toEqual([11]);
  });
});
