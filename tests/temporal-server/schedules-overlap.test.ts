import { ScheduleOverlapPolicy } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/until';
import { type Env, startEnv, within } from './harness';

/**
 * Overlap policies with a real worker and workflows that run until approved, on the manual
 * clock; then the 'auto' clock, which an endless schedule must not drive forward.
 */
const MONDAY_0030 = Date.parse('2026-03-02T00:30:00Z');
const HOUR = 3_600_000;

function hourly(env: Env, scheduleId: string, overlap: ScheduleOverlapPolicy, waitForApproval: boolean) {
  return env.client.schedule.create({
    scheduleId,
    spec: { intervals: [{ every: '1 hour' }] },
    policies: { overlap },
    action: {
      type: 'startWorkflow',
      workflowType: 'scheduledRun',
      workflowId: scheduleId,
      taskQueue: env.taskQueue,
      args: [waitForApproval],
    },
  });
}

describe('embedded Temporal server: schedule overlap policies', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv({ virtualClock: 'manual', server: { virtualStartMs: MONDAY_0030 } });
  });
  afterAll(() => env?.stop());

  it('SKIP drops fires while its workflow runs; BUFFER_ONE keeps one and starts it when the running one closes', async () => {
    const skip = await hourly(env, 'skip', ScheduleOverlapPolicy.SKIP, true);
    const buffer = await hourly(env, 'buf', ScheduleOverlapPolicy.BUFFER_ONE, true);
    await env.server.advanceTime(HOUR); // 01:00 fires for both
    for (const h of [skip, buffer]) expect((await h.describe()).info.runningActions.map((a) => a.workflow.workflowId)).toHaveLength(1);
    await env.server.advanceTime(HOUR); // 02:00
    await env.server.advanceTime(HOUR); // 03:00

    const s = await skip.describe();
    expect([s.info.numActionsTaken, s.info.numActionsSkippedOverlap]).toEqual([1, 2]);
    expect(s.info.runningActions.map((a) => a.workflow.workflowId)).toEqual(['skip-2026-03-02T01:00:00Z']);
    const b = await buffer.describe();
    expect([b.info.numActionsTaken, b.info.numActionsSkippedOverlap, Number(b.raw.info?.bufferSize)]).toEqual([1, 1, 1]);

    // the running one closes: BUFFER_ONE starts the 02:00 fire it kept, SKIP starts nothing
    await env.client.workflow.getHandle('buf-2026-03-02T01:00:00Z').signal('approve', 'ok');
    await env.client.workflow.getHandle('skip-2026-03-02T01:00:00Z').signal('approve', 'ok');
    const released = env.client.workflow.getHandle('buf-2026-03-02T02:00:00Z');
    await until('the buffered start', () => released.describe().catch(() => false));
    await released.signal('approve', 'ok');
    expect(await within(10_000, released.result())).toBe('buf@2026-03-02T02:00:00.000Z');
    expect(await within(10_000, env.client.workflow.getHandle('skip-2026-03-02T01:00:00Z').result())).toBe('skip@2026-03-02T01:00:00.000Z');
    await until('both schedules idle', async () => {
      const [x, y] = await Promise.all([skip.describe(), buffer.describe()]);
      return x.info.runningActions.length === 0 && y.info.runningActions.length === 0;
    });
    const after = await buffer.describe();
    expect([after.info.numActionsTaken, Number(after.raw.info?.bufferSize)]).toEqual([2, 0]);
    expect((await skip.describe()).info.numActionsTaken).toBe(1);

    // nothing running any more: the next fire starts again
    await env.server.advanceTime(HOUR); // 04:00
    const next = env.client.workflow.getHandle('skip-2026-03-02T04:00:00Z');
    await until('the 04:00 fire', () => next.describe().catch(() => false));
    await skip.delete();
    await buffer.delete();
  });

  it('a close that pauses on failure stops further fires', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: 'fragile',
      spec: { intervals: [{ every: '1 hour' }] },
      policies: { pauseOnFailure: true },
      action: { type: 'startWorkflow', workflowType: 'failing', workflowId: 'fragile', taskQueue: env.taskQueue },
    });
    await env.server.advanceTime(HOUR);
    const d = await until('paused after the failure', async () => {
      const x = await handle.describe();
      return x.state.paused ? x : false;
    });
    expect(d.state.note).toMatch(/^paused due to workflow failure: fragile-.*: deliberate failure$/);
    await env.server.advanceTime(HOUR);
    expect((await handle.describe()).info.numActionsTaken).toBe(1);
  });
});

describe('embedded Temporal server: schedules on the auto-skipping clock', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv({ virtualClock: 'auto', server: { virtualStartMs: MONDAY_0030 } });
  });
  afterAll(() => env?.stop());

  it('an endless schedule does not move an idle clock; a workflow timer jump catches up its fires', async () => {
    const handle = await hourly(env, 'hourly', ScheduleOverlapPolicy.SKIP, false);
    await new Promise((r) => setTimeout(r, 300)); // the auto clock has had its chances to skip
    expect(env.server.now() - MONDAY_0030).toBeLessThan(60_000);
    let d = await handle.describe();
    expect(d.info.numActionsTaken).toBe(0);
    expect(d.info.nextActionTimes[0]?.toISOString()).toBe('2026-03-02T01:00:00.000Z');

    // a one-day sleep makes the idle clock jump a day: the 24 fires it passed are caught up,
    // and under SKIP only the first of them runs
    const sleeper = await env.client.workflow.start('longTimer', { taskQueue: env.taskQueue, workflowId: 'sleeper', args: [1] });
    expect(await within(10_000, sleeper.result())).toBe(1);
    const first = env.client.workflow.getHandle('hourly-2026-03-02T01:00:00Z');
    expect(await within(10_000, first.result())).toBe('hourly@2026-03-02T01:00:00.000Z');
    d = await handle.describe();
    expect([d.info.numActionsTaken, d.info.numActionsSkippedOverlap, d.info.numActionsMissedCatchupWindow]).toEqual([1, 23, 0]);

    // idle again: time stays put, however endless the schedule
    const settled = env.server.now();
    await new Promise((r) => setTimeout(r, 300));
    expect(env.server.now() - settled).toBeLessThan(60_000);
    expect(env.server.now() - MONDAY_0030).toBeLessThan(HOUR * 24 + 60_000);
  });
});

describe('embedded Temporal server: schedules on the wall clock', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv({ virtualClock: false });
  });
  afterAll(() => env?.stop());

  it('fires on wall-clock time with nothing else driving the server', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: 'every-second',
      spec: { intervals: [{ every: '1 second' }] },
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
      action: { type: 'startWorkflow', workflowType: 'scheduledRun', workflowId: 'tick', taskQueue: env.taskQueue, args: [false] },
    });
    const d = await until(
      'two fires',
      async () => {
        const x = await handle.describe();
        return x.info.numActionsTaken >= 2 ? x : false;
      },
      2_400,
    ); // a bound, not a timing: a loaded machine may take a while to see two fires
    await handle.delete();
    const [a, b] = d.info.recentActions.map((r) => r.scheduledAt.getTime());
    expect(b! - a!).toBe(1000);
    const id = d.info.recentActions[0]!.action.workflow.workflowId;
    expect(await within(10_000, env.client.workflow.getHandle(id).result())).toMatch(/^every-second@/);
  });
});
