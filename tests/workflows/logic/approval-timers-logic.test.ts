import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DecideInput, decideUpdate } from '../../../workflows/messages';
import { ACCEPTED, bounded, HOUR, type LogicEnv, MINUTE, startLogicEnv, untilHistory, untilState } from './harness';
import type { ActName, FlowStubs } from './stubs';

const approve = (stepId: number, userId: number) => ({ args: [{ stepId, userId, decision: 'approve' }] as [DecideInput], ...ACCEPTED });
/** server time of the first call of `name` */
const at = (stubs: FlowStubs, name: ActName) => stubs.calls.find((c) => c.name === name)?.at ?? Number.NaN;

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
