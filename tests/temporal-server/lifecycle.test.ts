import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Env, eventTypes, replays, startEnv, wid, within } from './harness';

describe('embedded Temporal server: workflow lifecycle', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv();
  });
  afterAll(async () => env?.stop());

  const start = (type: string, workflowId: string, extra: Record<string, unknown> = {}) =>
    env.client.workflow.start(type, { taskQueue: env.taskQueue, workflowId, ...extra });

  it('refuses a second start of a running workflow id, or returns it with USE_EXISTING', async () => {
    const workflowId = wid('dup');
    const h = await start('waitsForever', workflowId);
    await expect(start('waitsForever', workflowId)).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
    const same = await start('waitsForever', workflowId, { workflowIdConflictPolicy: 'USE_EXISTING' });
    expect(same.firstExecutionRunId).toBe(h.firstExecutionRunId);
    await h.terminate('test over');
  });

  it('is idempotent on the request id of a start', async () => {
    const workflowId = wid('req');
    const request = {
      namespace: 'default',
      workflowId,
      workflowType: { name: 'waitsForever' },
      taskQueue: { name: env.taskQueue },
      requestId: randomUUID(),
      identity: 'test',
    };
    const a = await env.client.workflowService.startWorkflowExecution(request);
    const b = await env.client.workflowService.startWorkflowExecution(request);
    expect(b.runId).toBe(a.runId);
    await env.client.workflow.getHandle(workflowId).terminate();
  });

  it.each([
    ['REJECT_DUPLICATE', 'complete', false],
    ['ALLOW_DUPLICATE', 'complete', true],
    ['ALLOW_DUPLICATE_FAILED_ONLY', 'complete', false],
    ['ALLOW_DUPLICATE_FAILED_ONLY', 'terminate', true],
  ])('id reuse policy %s after the last run ended by %s → allowed: %s', async (policy, ending, allowed) => {
    const workflowId = wid(`reuse-${policy}`);
    if (ending === 'complete') await within(10_000, (await start('oneActivity', workflowId, { args: ['x'] })).result());
    else await (await start('waitsForever', workflowId)).terminate();
    const again = start('oneActivity', workflowId, { args: ['y'], workflowIdReusePolicy: policy });
    if (allowed) expect(await within(10_000, (await again).result())).toBe('hello y');
    else await expect(again).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
  });

  it('terminates a workflow: result() fails and describe says TERMINATED', async () => {
    const h = await start('waitsForever', wid('term'));
    await h.terminate('no longer needed');
    const err = await within(
      5_000,
      h.result().catch((e) => e),
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((await h.describe()).status.name).toBe('TERMINATED');
    expect((await eventTypes(h)).at(-1)).toBe('WORKFLOW_EXECUTION_TERMINATED');
    await replays(h);
  });

  it('times a workflow out after its run timeout (virtual clock: two days pass at once)', async () => {
    const h = await start('waitsForever', wid('runtimeout'), { workflowRunTimeout: '2 days' });
    const err = await within(
      10_000,
      h.result().catch((e) => e),
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((await h.describe()).status.name).toBe('TIMED_OUT');
  });

  it('describes a running workflow with its pending activity and workflow task', async () => {
    const h = await start('cancellable', wid('describe'));
    let d = await h.describe();
    for (let i = 0; i < 200 && (d.raw.pendingActivities ?? []).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      d = await h.describe();
    }
    expect(d.status.name).toBe('RUNNING');
    expect(d.type).toBe('cancellable');
    expect(d.taskQueue).toBe(env.taskQueue);
    expect(d.raw.pendingActivities?.[0]?.activityType?.name).toBe('heartbeating');
    expect(d.historyLength).toBeGreaterThanOrEqual(5);
    await h.terminate();
  });

  it('fails a workflow task on a bug in workflow code and retries it, without failing the workflow', async () => {
    const h = await start('throwsInWorkflowCode', wid('wftfail'));
    let types: string[] = [];
    for (let i = 0; i < 200 && !types.includes('WORKFLOW_TASK_FAILED'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      types = await eventTypes(h);
    }
    expect(types).toContain('WORKFLOW_TASK_FAILED');
    const d = await h.describe();
    expect(d.status.name).toBe('RUNNING');
    expect(d.raw.pendingWorkflowTask?.attempt).toBeGreaterThanOrEqual(2);
    await h.terminate('bug acknowledged');
  });

  it('lists and counts executions with the visibility query language', async () => {
    const tag = wid('vis');
    const done = await start('oneActivity', `${tag}-done`, { args: ['x'] });
    await within(10_000, done.result());
    const open = await start('waitsForever', `${tag}-open`);
    const byPrefix = `WorkflowId STARTS_WITH '${tag}'`;
    const listed = [];
    for await (const w of env.client.workflow.list({ query: byPrefix })) listed.push([w.workflowId, w.status.name]);
    expect(listed.sort()).toEqual([
      [`${tag}-done`, 'COMPLETED'],
      [`${tag}-open`, 'RUNNING'],
    ]);
    expect((await env.client.workflow.count(`${byPrefix} AND ExecutionStatus = 'Running'`)).count).toBe(1);
    expect((await env.client.workflow.count(`${byPrefix} AND (WorkflowType = 'oneActivity' OR WorkflowType = 'nope')`)).count).toBe(1);
    const bad = await env.client.workflow.count("ExecutionStatus = 'Sleeping'").catch((e: Error) => e);
    expect(String((bad as Error & { cause?: Error }).cause?.message ?? bad)).toMatch(/Sleeping/);
    await open.terminate();
  });

  it('times activities out: start-to-close (retried, then failed) and schedule-to-start', async () => {
    const h = await start('activityTimeouts', wid('acttimeout'));
    expect(await within(15_000, h.result())).toEqual(['TimeoutFailure:START_TO_CLOSE', 'TimeoutFailure:SCHEDULE_TO_START']);
    await replays(h);
  });
});
