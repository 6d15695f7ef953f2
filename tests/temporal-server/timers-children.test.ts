import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Env, eventTypes, replays, startEnv, wid, within } from './harness';

describe('embedded Temporal server: timers, children, continue-as-new', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv();
  });
  afterAll(async () => env?.stop());

  it('a 30-day timer fires at once under the virtual clock, with event times 30 days apart', async () => {
    const handle = await env.client.workflow.start('longTimer', { taskQueue: env.taskQueue, workflowId: wid('timer'), args: [30] });
    expect(await within(10_000, handle.result())).toBe(30);
    const history = await handle.fetchHistory();
    const started = history.events!.find((e) => e.timerStartedEventAttributes)!;
    const fired = history.events!.find((e) => e.timerFiredEventAttributes)!;
    const days = (Number(fired.eventTime!.seconds) - Number(started.eventTime!.seconds)) / 86_400;
    expect(days).toBeGreaterThanOrEqual(30);
    expect(days).toBeLessThan(30.01);
    await replays(handle);
  });

  it('fires several timers in time order and cancels a cancelled one', async () => {
    const handle = await env.client.workflow.start('manyTimers', { taskQueue: env.taskQueue, workflowId: wid('timers') });
    expect(await within(10_000, handle.result())).toBe(3);
    const types = await eventTypes(handle);
    expect(types.filter((t) => t === 'TIMER_FIRED')).toHaveLength(4);
    expect(types).toContain('TIMER_CANCELED');
    await replays(handle);
  });

  it('runs a timer, then an activity', async () => {
    const handle = await env.client.workflow.start('timerThenActivity', {
      taskQueue: env.taskQueue,
      workflowId: wid('ta'),
      args: [3_600_000],
    });
    expect(await within(10_000, handle.result())).toBe('after timer');
    await replays(handle);
  });

  it('starts children and hands their results to the parent', async () => {
    const handle = await env.client.workflow.start('childParent', { taskQueue: env.taskQueue, workflowId: wid('parent'), args: [3] });
    expect(await within(15_000, handle.result())).toEqual([0, 2, 4]);
    const types = await eventTypes(handle);
    expect(types.filter((t) => t === 'CHILD_WORKFLOW_EXECUTION_COMPLETED')).toHaveLength(3);
    await replays(handle);
    const child = env.client.workflow.getHandle(`${handle.workflowId}-child-1`);
    expect((await child.describe()).parentExecution?.workflowId).toBe(handle.workflowId);
  });

  it("a child's failure reaches the parent as a ChildWorkflowFailure", async () => {
    const handle = await env.client.workflow.start('failingChildParent', { taskQueue: env.taskQueue, workflowId: wid('fparent') });
    expect(await within(10_000, handle.result())).toBe('child failed: deliberate failure');
    await replays(handle);
  });

  it('terminates a running child when its parent closes (parent close policy TERMINATE)', async () => {
    const handle = await env.client.workflow.start('abandonedChildParent', { taskQueue: env.taskQueue, workflowId: wid('pcp') });
    const childId = await within(10_000, handle.result());
    const child = env.client.workflow.getHandle(childId);
    const err = await within(
      5_000,
      child.result().catch((e) => e),
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((await child.describe()).status.name).toBe('TERMINATED');
  });

  it('continues as new: the client follows the chain to the last run', async () => {
    const workflowId = wid('can');
    const handle = await env.client.workflow.start('counter', { taskQueue: env.taskQueue, workflowId, args: [0, 4] });
    expect(await within(10_000, handle.result())).toBe(4);
    const first = env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId);
    expect((await eventTypes(first)).at(-1)).toBe('WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    await replays(first);
    const latest = env.client.workflow.getHandle(workflowId);
    const d = await latest.describe();
    expect(d.status.name).toBe('COMPLETED');
    expect(d.runId).not.toBe(handle.firstExecutionRunId);
    await replays(handle);
  });
});
