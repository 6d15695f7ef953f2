import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Env, eventTypes, replays, startEnv, wid, within } from './harness';

describe('embedded Temporal server: signals and queries', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv();
  });
  afterAll(async () => env?.stop());

  it('delivers every signal exactly once, in order, and answers queries while running and after', async () => {
    const handle = await env.client.workflow.start('signalsAndQueries', { taskQueue: env.taskQueue, workflowId: wid('sq') });
    await handle.signal('approve', '王芳');
    expect(await within(5_000, handle.query<string>('state'))).toBe('waiting:1');
    // several at once: some arrive while a workflow task is in flight and must be buffered
    await Promise.all([handle.signal('approve', '李强'), handle.signal('approve', '刘洋')]);
    const result = await within(10_000, handle.result());
    expect(result.slice(0, 3).sort()).toEqual(['刘洋', '李强', '王芳'].sort());
    expect(result[3]).toBe(result.slice(0, 3).join(','));
    expect(await within(5_000, handle.query<string>('state'))).toBe('approved:3');
    expect((await eventTypes(handle)).filter((t) => t === 'WORKFLOW_EXECUTION_SIGNALED')).toHaveLength(3);
    await replays(handle);
  });

  it('loses no signal sent in a burst of 20', async () => {
    const handle = await env.client.workflow.start('signalsAndQueries', { taskQueue: env.taskQueue, workflowId: wid('burst') });
    await Promise.all(Array.from({ length: 20 }, (_, i) => handle.signal('approve', `u${i}`)));
    const result = await within(10_000, handle.result());
    expect(result.length).toBeGreaterThanOrEqual(4);
    expect((await eventTypes(handle)).filter((t) => t === 'WORKFLOW_EXECUTION_SIGNALED')).toHaveLength(20);
    await replays(handle);
  });

  it('signal-with-start starts a workflow with the signal, or signals the running one', async () => {
    const workflowId = wid('sws');
    const h1 = await env.client.workflow.signalWithStart('signalsAndQueries', {
      taskQueue: env.taskQueue,
      workflowId,
      signal: 'approve',
      signalArgs: ['a'],
    });
    const h2 = await env.client.workflow.signalWithStart('signalsAndQueries', {
      taskQueue: env.taskQueue,
      workflowId,
      signal: 'approve',
      signalArgs: ['b'],
    });
    expect(h2.signaledRunId).toBe(h1.signaledRunId);
    await h1.signal('approve', 'c');
    expect((await within(10_000, h1.result())).slice(0, 3)).toEqual(['a', 'b', 'c']);
    const types = await eventTypes(h1);
    expect(types.slice(0, 2)).toEqual(['WORKFLOW_EXECUTION_STARTED', 'WORKFLOW_EXECUTION_SIGNALED']);
    await replays(h1);
  });

  it('a query for an unknown query type fails with the SDK error, not a hang', async () => {
    const handle = await env.client.workflow.start('signalsAndQueries', { taskQueue: env.taskQueue, workflowId: wid('badq') });
    await expect(within(5_000, handle.query('nope'))).rejects.toThrow(/nope/);
    await handle.terminate('done');
  });

  it('signalling a finished workflow is refused with NOT_FOUND', async () => {
    const handle = await env.client.workflow.start('oneActivity', { taskQueue: env.taskQueue, workflowId: wid('closed'), args: ['x'] });
    await within(10_000, handle.result());
    await expect(handle.signal('approve', 'late')).rejects.toThrow(/completed|not found/i);
  });
});
