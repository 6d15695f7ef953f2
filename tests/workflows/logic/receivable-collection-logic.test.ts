import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DunningRung, receivablePaidSignal, receivableStateQuery, receivableVoidSignal } from '../../../workflows/messages';
import { bounded, DAY, eventTypes, type LogicEnv, MINUTE, startLogicEnv, untilState } from './harness';

/** due tomorrow; dunned at D+1, D+7 and D+15 */
const ladder = (now: number) => {
  const dueAt = now + DAY;
  const rungs: DunningRung[] = [1, 7, 15].map((d) => ({ at: dueAt + d * DAY, daysOverdue: d, notify: ['rep'] }));
  return { dueAt, rungs };
};

// auto virtual clock: each rung's timer fires as soon as nothing runs, at its virtual time
describe('receivable collection logic (stub activities, auto virtual clock)', () => {
  let env: LogicEnv;
  beforeAll(async () => {
    env = await startLogicEnv({ clock: 'auto' });
  });
  afterAll(async () => env?.stop());

  it('sends the rungs in order, each when due, then waits until the receivable is voided', async () => {
    const { stubs, input, start } = env.receivable(ladder);
    const handle = await start();
    await bounded(stubs.until('dunningNotice:done', 3), 'three notices');
    const notices = stubs.calls.filter((c) => c.name === 'dunningNotice');
    expect(stubs.inputs('dunningNotice').map((c) => c.rung.daysOverdue)).toEqual([1, 7, 15]);
    notices.forEach((c, i) => {
      const due = input.rungs[i]!.at;
      expect(c.at).toBeGreaterThanOrEqual(due);
      expect(c.at).toBeLessThan(due + MINUTE);
    });
    await untilState(handle, (s) => s.rungsSent.length === 3, 'rungs noted', receivableStateQuery);
    await handle.signal(receivableVoidSignal, { reason: '订单取消' });
    expect(await bounded(handle.result(), 'flow end')).toBe('void');
    expect(stubs.names()).toEqual(['dunningNotice', 'dunningNotice', 'dunningNotice']);
  });

  it('a payment that clears the receivable stops the ladder', async () => {
    const { stubs, start } = env.receivable(ladder);
    stubs.answer('receivableStatus', async () => ({ closed: 'paid', openFen: 0 }));
    const first = stubs.hold('dunningNotice');
    const handle = await start();
    await bounded(first.reached, 'first notice');
    await handle.signal(receivablePaidSignal, { paymentId: 1 });
    first.release();
    expect(await bounded(handle.result(), 'flow end')).toBe('paid');
    expect(stubs.names()).toEqual(['dunningNotice', 'receivableStatus']);
  });

  it('a payment that leaves money open does not stop the ladder', async () => {
    const { stubs, start } = env.receivable(ladder);
    stubs.answer('receivableStatus', async () => ({ closed: null, openFen: 50 }));
    const first = stubs.hold('dunningNotice');
    const handle = await start();
    await bounded(first.reached, 'first notice');
    await handle.signal(receivablePaidSignal, { paymentId: 1 });
    first.release();
    await bounded(stubs.until('dunningNotice:done', 3), 'three notices');
    expect(stubs.names()).toEqual(['dunningNotice', 'receivableStatus', 'dunningNotice', 'dunningNotice']);
    expect(stubs.inputs('dunningNotice').map((c) => c.rung.daysOverdue)).toEqual([1, 7, 15]);
  });

  it('a notice that finds the receivable paid ends the flow without the later rungs', async () => {
    const { stubs, start } = env.receivable(ladder);
    stubs.answerInTurn('dunningNotice', { closed: null, notified: [1] }, { closed: 'paid', notified: [] });
    const handle = await start();
    expect(await bounded(handle.result(), 'flow end')).toBe('paid');
    expect(stubs.inputs('dunningNotice').map((c) => c.rung.daysOverdue)).toEqual([1, 7]);
  });

  it('a receivable born closed ends at once: no timer, no activity', async () => {
    const { stubs, start } = env.receivable((now) => ({ ...ladder(now), closed: 'paid' }));
    const handle = await start();
    expect(await bounded(handle.result(), 'flow end')).toBe('paid');
    expect(stubs.calls).toEqual([]);
    const types = await eventTypes(handle);
    expect(types.filter((t) => t === 'TIMER_STARTED' || t === 'ACTIVITY_TASK_SCHEDULED')).toEqual([]);
    expect(types.at(-1)).toBe('WORKFLOW_EXECUTION_COMPLETED');
  });
});
