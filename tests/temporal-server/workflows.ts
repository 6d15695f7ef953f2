/**
 * Workflows for the conformance suite: each exercises one part of the protocol. Deterministic,
 * imports only @temporalio/workflow (this file is bundled for the worker).
 */
// pure types and helpers the workflow package builds on; no I/O
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';

export interface TestActivities {
  echo(s: string): Promise<string>;
  flaky(key: string, failTimes: number): Promise<number>;
  failNonRetryable(msg: string): Promise<void>;
  slow(ms: number): Promise<string>;
  heartbeating(ms: number): Promise<string>;
}

const acts = proxyActivities<TestActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '50ms', backoffCoefficient: 2, maximumAttempts: 5 },
});
const local = proxyLocalActivities<TestActivities>({ startToCloseTimeout: '5s' });

export const approve = defineSignal<[string]>('approve');
export const stateQuery = defineQuery<string>('state');

export async function oneActivity(name: string): Promise<string> {
  return acts.echo(`hello ${name}`);
}

export async function retries(failTimes: number): Promise<number> {
  return acts.flaky(workflowInfo().workflowId, failTimes);
}

export async function nonRetryable(): Promise<string> {
  try {
    await acts.failNonRetryable('boom');
    return 'not reached';
  } catch (e) {
    return `caught: ${((e as Error).cause as Error | undefined)?.message ?? (e as Error).message}`;
  }
}

export async function timerThenActivity(ms: number): Promise<string> {
  await sleep(ms);
  return acts.echo('after timer');
}

/** Waits for signals, answers queries with its state, ends when approved. */
export async function signalsAndQueries(): Promise<string[]> {
  const got: string[] = [];
  let state = 'waiting';
  setHandler(stateQuery, () => `${state}:${got.length}`);
  setHandler(approve, (who: string) => {
    got.push(who);
  });
  await condition(() => got.length >= 3);
  state = 'approved';
  const echoed = await acts.echo(got.join(','));
  return [...got, echoed];
}

export async function longTimer(days: number): Promise<number> {
  const start = Date.now();
  await sleep(`${days} days`);
  return Math.round((Date.now() - start) / 86_400_000);
}

export async function childParent(n: number): Promise<number[]> {
  const results: number[] = [];
  for (let i = 0; i < n; i++)
    results.push(await executeChild(childDouble, { args: [i], workflowId: `${workflowInfo().workflowId}-child-${i}` }));
  return results;
}

export async function childDouble(n: number): Promise<number> {
  await sleep(10);
  return n * 2;
}

export async function failingChildParent(): Promise<string> {
  try {
    await executeChild(failing, { workflowId: `${workflowInfo().workflowId}-failing-child` });
    return 'not reached';
  } catch (e) {
    return `child failed: ${((e as Error).cause as Error | undefined)?.message}`;
  }
}

export async function failing(): Promise<void> {
  throw ApplicationFailure.nonRetryable('deliberate failure', 'Deliberate');
}

export async function abandonedChildParent(): Promise<string> {
  const child = await startChild(waitsForever, { workflowId: `${workflowInfo().workflowId}-child`, parentClosePolicy: 'TERMINATE' });
  return child.workflowId;
}

export async function waitsForever(): Promise<void> {
  await condition(() => false);
}

export async function counter(n: number, upTo: number): Promise<number> {
  if (n < upTo) await continueAsNew<typeof counter>(n + 1, upTo);
  return n;
}

const waitingCancel = proxyActivities<TestActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '1s',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

export async function cancellable(): Promise<string> {
  try {
    await waitingCancel.heartbeating(60_000);
    return 'finished';
  } catch (e) {
    if (isCancellation(e)) {
      await CancellationScope.nonCancellable(() => acts.echo('cleanup'));
      return 'cancelled and cleaned up';
    }
    throw e;
  }
}

export async function markersAndSearchAttributes(): Promise<string> {
  const v = await local.echo('local');
  const p = patched('my-patch') ? 'patched' : 'old';
  upsertSearchAttributes({ CustomKeywordField: ['q2c'] });
  return `${v}/${p}`;
}

export async function manyTimers(): Promise<number> {
  await Promise.all([sleep(30), sleep(10), sleep(20)]);
  const scope = new CancellationScope();
  const p = scope.run(() => sleep(100_000));
  await sleep(5); // the long timer's StartTimer goes out first, so the cancel is a CancelTimer
  scope.cancel();
  await p.catch(() => undefined);
  return 3;
}

export async function throwsInWorkflowCode(): Promise<void> {
  // A plain Error (not an ApplicationFailure) fails the workflow task, not the workflow.
  throw new TypeError('a bug in workflow code');
}

const quick = proxyActivities<TestActivities>({ startToCloseTimeout: '300ms', retry: { initialInterval: '10ms', maximumAttempts: 2 } });
const unpolled = proxyActivities<TestActivities>({
  taskQueue: 'nobody-polls-this',
  scheduleToStartTimeout: '300ms',
  startToCloseTimeout: '1s',
});

export async function activityTimeouts(): Promise<string[]> {
  const out: string[] = [];
  for (const call of [() => quick.slow(5_000), () => unpolled.echo('never')]) {
    try {
      await call();
      out.push('completed');
    } catch (e) {
      const cause = (e as Error & { cause?: Error & { timeoutType?: number } }).cause;
      out.push(`${cause?.name}:${cause?.timeoutType}`);
    }
  }
  return out;
}

const slowOnce = proxyActivities<TestActivities>({ startToCloseTimeout: '4s', retry: { initialInterval: '100ms', maximumAttempts: 5 } });

export async function slowActivity(ms: number): Promise<string> {
  return slowOnce.slow(ms);
}

export const setPrice = defineUpdate<number, [number]>('setPrice');

/** Updates with a validator: a negative price is rejected before it touches history. */
export async function withUpdates(): Promise<number[]> {
  const prices: number[] = [];
  let done = false;
  setHandler(
    setPrice,
    async (price: number) => {
      await acts.echo(`price ${price}`);
      prices.push(price);
      return prices.length;
    },
    {
      validator: (price: number) => {
        if (price < 0) throw new Error('price must not be negative');
      },
    },
  );
  setHandler(approve, () => {
    done = true;
  });
  await condition(() => done);
  return prices;
}

const scheduledBy = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);
const scheduledAt = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** Started by a schedule: tells which schedule and which fire time, from its typed search attributes. */
export async function scheduledRun(waitForApproval: boolean): Promise<string> {
  let approved = !waitForApproval;
  setHandler(approve, () => {
    approved = true;
  });
  await condition(() => approved);
  const sa = workflowInfo().typedSearchAttributes;
  return `${sa.get(scheduledBy)}@${sa.get(scheduledAt)?.toISOString()}`;
}
