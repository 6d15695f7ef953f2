import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Env, eventTypes, replays, startEnv, wid, within } from './harness';

describe('embedded Temporal server: updates', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv();
  });
  afterAll(async () => env?.stop());

  it('accepts and completes valid updates, rejects invalid ones without a trace in history', async () => {
    const handle = await env.client.workflow.start('withUpdates', { taskQueue: env.taskQueue, workflowId: wid('upd') });
    expect(await within(10_000, handle.executeUpdate('setPrice', { args: [10] }))).toBe(1);
    const rejected = (await within(
      10_000,
      handle.executeUpdate('setPrice', { args: [-5] }).catch((e: Error) => e),
    )) as Error & { cause?: Error };
    expect(rejected).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String(rejected.cause?.message)).toContain('price must not be negative');
    expect(await within(10_000, handle.executeUpdate('setPrice', { args: [20] }))).toBe(2);
    await handle.signal('approve', 'done');
    expect(await within(10_000, handle.result())).toEqual([10, 20]);
    const types = await eventTypes(handle);
    expect(types.filter((t) => t === 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toHaveLength(2);
    expect(types.filter((t) => t === 'WORKFLOW_EXECUTION_UPDATE_COMPLETED')).toHaveLength(2);
    await replays(handle);
  });

  it('answers a repeated update id with the first outcome instead of running it twice', async () => {
    const handle = await env.client.workflow.start('withUpdates', { taskQueue: env.taskQueue, workflowId: wid('upd-dup') });
    const a = await within(10_000, handle.executeUpdate('setPrice', { args: [7], updateId: 'same-click' }));
    const b = await within(10_000, handle.executeUpdate('setPrice', { args: [7], updateId: 'same-click' }));
    expect([a, b]).toEqual([1, 1]);
    await handle.signal('approve', 'done');
    expect(await within(10_000, handle.result())).toEqual([7]);
  });

  it('starts an update and waits for its result separately', async () => {
    const handle = await env.client.workflow.start('withUpdates', { taskQueue: env.taskQueue, workflowId: wid('upd-start') });
    const u = await within(10_000, handle.startUpdate('setPrice', { args: [3], waitForStage: 'ACCEPTED' }));
    expect(await within(10_000, u.result())).toBe(1);
    await handle.terminate();
  });

  it('refuses an update to a finished workflow', async () => {
    const handle = await env.client.workflow.start('oneActivity', { taskQueue: env.taskQueue, workflowId: wid('upd-closed'), args: ['x'] });
    await within(10_000, handle.result());
    await expect(within(10_000, handle.executeUpdate('setPrice', { args: [1] }))).rejects.toThrow();
  });
});
