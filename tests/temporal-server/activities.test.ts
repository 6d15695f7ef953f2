import { WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Env, eventTypes, replays, startEnv, wid, within } from './harness';

describe('embedded Temporal server: activities', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv();
  });
  afterAll(async () => env?.stop());

  it('runs a one-activity workflow with the official worker and client, and the history replays', async () => {
    const handle = await env.client.workflow.start('oneActivity', { taskQueue: env.taskQueue, workflowId: wid('one'), args: ['世界'] });
    expect(await within(10_000, handle.result())).toBe('hello 世界');
    expect(await eventTypes(handle)).toEqual([
      'WORKFLOW_EXECUTION_STARTED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'ACTIVITY_TASK_SCHEDULED',
      'ACTIVITY_TASK_STARTED',
      'ACTIVITY_TASK_COMPLETED',
      'WORKFLOW_TASK_SCHEDULED',
      'WORKFLOW_TASK_STARTED',
      'WORKFLOW_TASK_COMPLETED',
      'WORKFLOW_EXECUTION_COMPLETED',
    ]);
    await replays(handle);
  });

  it('retries a failing activity on the server, writing one Started event with the final attempt', async () => {
    const workflowId = wid('retry');
    const handle = await env.client.workflow.start('retries', { taskQueue: env.taskQueue, workflowId, args: [2] });
    expect(await within(10_000, handle.result())).toBe(3);
    expect(env.calls.get(workflowId)).toBe(3);
    const history = await handle.fetchHistory();
    const started = history.events!.filter((e) => e.activityTaskStartedEventAttributes);
    expect(started).toHaveLength(1);
    expect(started[0]!.activityTaskStartedEventAttributes!.attempt).toBe(3);
    expect(started[0]!.activityTaskStartedEventAttributes!.lastFailure?.message).toBe('attempt 2 fails');
    await replays(handle);
  });

  it('gives up after maximumAttempts and fails the activity with the retry state', async () => {
    const workflowId = wid('exhaust');
    const handle = await env.client.workflow.start('retries', { taskQueue: env.taskQueue, workflowId, args: [99] });
    const err = await within(
      20_000,
      handle.result().catch((e) => e),
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(env.calls.get(workflowId)).toBe(5);
    const history = await handle.fetchHistory();
    const failed = history.events!.find((e) => e.activityTaskFailedEventAttributes)!.activityTaskFailedEventAttributes!;
    expect(failed.retryState).toBe(temporal.api.enums.v1.RetryState.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
    await replays(handle);
  });

  it('does not retry a non-retryable failure', async () => {
    const handle = await env.client.workflow.start('nonRetryable', { taskQueue: env.taskQueue, workflowId: wid('nonretry') });
    expect(await within(10_000, handle.result())).toBe('caught: boom');
    const history = await handle.fetchHistory();
    const failed = history.events!.find((e) => e.activityTaskFailedEventAttributes)!.activityTaskFailedEventAttributes!;
    expect(failed.retryState).toBe(temporal.api.enums.v1.RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE);
    await replays(handle);
  });

  it('cancels a heartbeating activity when the workflow is cancelled, and runs its cleanup', async () => {
    const handle = await env.client.workflow.start('cancellable', { taskQueue: env.taskQueue, workflowId: wid('cancel') });
    await within(10_000, waitForPendingActivity(handle));
    await handle.cancel();
    expect(await within(15_000, handle.result())).toBe('cancelled and cleaned up');
    const types = await eventTypes(handle);
    expect(types).toContain('WORKFLOW_EXECUTION_CANCEL_REQUESTED');
    expect(types).toContain('ACTIVITY_TASK_CANCEL_REQUESTED');
    expect(types).toContain('ACTIVITY_TASK_CANCELED');
    await replays(handle);
  });

  it('records local-activity markers, patches and search-attribute upserts', async () => {
    const handle = await env.client.workflow.start('markersAndSearchAttributes', { taskQueue: env.taskQueue, workflowId: wid('markers') });
    expect(await within(10_000, handle.result())).toBe('local/patched');
    const types = await eventTypes(handle);
    expect(types.filter((t) => t === 'MARKER_RECORDED').length).toBeGreaterThanOrEqual(1);
    expect(types.filter((t) => t === 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES').length).toBeGreaterThanOrEqual(1);
    const d = await handle.describe();
    expect(d.searchAttributes.CustomKeywordField).toEqual(['q2c']);
    await replays(handle);
  });
});

async function waitForPendingActivity(handle: { describe(): Promise<{ raw: { pendingActivities?: unknown[] | null } }> }): Promise<void> {
  for (;;) {
    const d = await handle.describe();
    if ((d.raw.pendingActivities ?? []).length > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
