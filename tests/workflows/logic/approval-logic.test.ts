import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DecideInput, type Decision, decideUpdate, orderStateQuery } from '../../../workflows/messages';
import { ACCEPTED, bounded, eventTypes, HOUR, type LogicEnv, MINUTE, refusal, startLogicEnv, untilHistory, untilState } from './harness';
import { type ActName, type FlowStubs, stepsOf } from './stubs';

/** a click, answered when decided */
const decide = (handle: WorkflowHandle, stepId: number, userId: number, decision: Decision = 'approve') =>
  handle.executeUpdate(decideUpdate, { args: [{ stepId, userId, decision }] });
/** startUpdate's options for an approving click: back once accepted, the answer later */
const approve = (stepId: number, userId: number) => ({ args: [{ stepId, userId, decision: 'approve' }] as [DecideInput], ...ACCEPTED });
/** server time of the first call of `name` */
const at = (stubs: FlowStubs, name: ActName) => stubs.calls.find((c) => c.name === name)?.at ?? Number.NaN;

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
    const early = await bounded(handle.startUpdate(decideUpdate, approve(101, 11)), 'click accepted');
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
    const wrong = await bounded(handle.startUpdate(decideUpdate, approve(101, 12)), 'click accepted');
    opening.release();
    expect(await bounded(wrong.result(), 'click answered')).toMatchObject({ ok: false, message: { zh: '只有 approver1 可以审批这一步' } });
    expect(stubs.count('decideStep')).toBe(0);
    // the step is still open to its approver
    expect((await bounded(decide(handle, 101, 11), 'decision')).ok).toBe(true);
    expect(stubs.inputs('decideStep').map((c) => c.userId)).toEqual([11]);
  });
});

// The auto clock jumps to the next timer whenever nothing runs, so a reminder due in two
// hours fires at once in real time but at its virtual time; the stubs note that time.
describe('quote to cash logic: reminder and escalation (stub activities, auto virtual clock)', () => {
  let env: LogicEnv;
  beforeAll(async () => {
    env = await startLogicEnv({ clock: 'auto' });
  });
  afterAll(async () => env?.stop());

  it('an approver who does not answer is reminded at reminderMs after the card and escalated at escalationMs', async () => {
    const { stubs, start } = env.order({ steps: 1 });
    const handle = await start();
    await bounded(stubs.until('escalateApproval:done'), 'escalation');
    const card = at(stubs, 'sendApprovalCard');
    // the timers start once the card is out, a moment after its call (real milliseconds)
    expect(at(stubs, 'remindApprover') - card).toBeGreaterThanOrEqual(2 * HOUR);
    expect(at(stubs, 'remindApprover') - card).toBeLessThan(2 * HOUR + MINUTE);
    expect(at(stubs, 'escalateApproval') - card).toBeGreaterThanOrEqual(6 * HOUR);
    expect(at(stubs, 'escalateApproval') - card).toBeLessThan(6 * HOUR + MINUTE);
    const state = await untilState(handle, (s) => s.waitingFor?.escalated === true, 'escalation noted');
    expect(state.waitingFor).toMatchObject({ stepId: 101, reminded: true, escalated: true });
    const decided = await bounded(handle.startUpdate(decideUpdate, approve(101, 11)), 'click accepted');
    expect((await bounded(decided.result(), 'decision')).ok).toBe(true);
    await bounded(stubs.until('confirmOrder:done'), 'order confirmed');
    expect(stubs.names()).toEqual([
      'openOrder',
      'sendApprovalCard',
      'remindApprover',
      'escalateApproval',
      'decideStep',
      'checkCredit',
      'confirmOrder',
    ]);
  });

  /** waits for step 2's escalation: by then the virtual clock is well past step 1's times */
  async function pastStepOne(stubs: FlowStubs) {
    await bounded(stubs.until('escalateApproval:done'), 'step 2 escalated');
    // the flow moves on when the decision is in, not when step 1's timer would have run out
    const secondCard = stubs.calls.filter((c) => c.name === 'sendApprovalCard')[1]?.at ?? Number.NaN;
    expect(secondCard - at(stubs, 'decideStep')).toBeLessThan(MINUTE);
    return {
      reminded: stubs.inputs('remindApprover').map((c) => c.stepId),
      escalated: stubs.inputs('escalateApproval').map((c) => c.stepId),
    };
  }

  it('a step decided before its reminder is due is neither reminded nor escalated', async () => {
    const { stubs, start } = env.order({ steps: 2 });
    // while the card is being sent nothing is idle, so time stands still for the click
    const card = stubs.hold('sendApprovalCard');
    const handle = await start();
    await bounded(card.reached, 'card being sent');
    const decided = await bounded(handle.startUpdate(decideUpdate, approve(101, 11)), 'click accepted');
    card.release();
    expect((await bounded(decided.result(), 'decision')).ok).toBe(true);
    expect(await pastStepOne(stubs)).toEqual({ reminded: [102], escalated: [102] });
    expect(stubs.names()).toEqual([
      'openOrder',
      'sendApprovalCard',
      'decideStep',
      'sendApprovalCard',
      'remindApprover',
      'escalateApproval',
    ]);
  });

  it('a step decided after its reminder is not escalated', async () => {
    const { stubs, start } = env.order({ steps: 2 });
    const reminding = stubs.hold('remindApprover');
    const handle = await start();
    expect(await bounded(reminding.reached, 'reminder')).toEqual({ stepId: 101 });
    const decided = await bounded(handle.startUpdate(decideUpdate, approve(101, 11)), 'click accepted');
    reminding.release();
    expect((await bounded(decided.result(), 'decision')).ok).toBe(true);
    expect(await pastStepOne(stubs)).toEqual({ reminded: [101, 102], escalated: [102] });
  });

  it('a reminder that falls due while the decision holds the lock is not sent', async () => {
    // timers shorter than an activity's 10 s timeout: time is moved by hand while decideStep is held
    const { stubs, start } = env.order({ steps: 1, reminderMs: 5_000, escalationMs: 8_000 });
    const card = stubs.hold('sendApprovalCard');
    const deciding = stubs.hold('decideStep');
    const handle: WorkflowHandle = await start();
    await bounded(card.reached, 'card being sent');
    const decided = await bounded(handle.startUpdate(decideUpdate, approve(101, 11)), 'click accepted');
    card.release();
    await bounded(deciding.reached, 'decideStep called');
    await env.server.advanceTime(6_000);
    // the reminder's timer fired and the flow has handled it: it now waits for the lock
    await untilHistory(
      handle,
      (t) => t.includes('TIMER_FIRED') && t.indexOf('WORKFLOW_TASK_COMPLETED', t.lastIndexOf('TIMER_FIRED')) > 0,
      'reminder timer handled',
    );
    deciding.release();
    expect((await bounded(decided.result(), 'decision')).ok).toBe(true);
    await bounded(stubs.until('confirmOrder:done'), 'order confirmed');
    expect(stubs.names()).toEqual(['openOrder', 'sendApprovalCard', 'decideStep', 'checkCredit', 'confirmOrder']);
  });
});
