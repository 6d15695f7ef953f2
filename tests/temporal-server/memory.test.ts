import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestActivities } from './activities';
import { replays, startEnv, wid, within, workflowBundle } from './harness';

/** What the server holds must stay bounded: closed runs read on demand, queues of gone workers. */
describe('embedded Temporal server: memory of old runs and gone workers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'q2c-memory-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('evicts closed runs loaded only to answer a read, and loads them again on the next', async () => {
    const first = await startEnv({ dir });
    const ids: string[] = [];
    try {
      for (let i = 0; i < 6; i++) {
        const h = await first.client.workflow.start('signalsAndQueries', { taskQueue: first.taskQueue, workflowId: wid('old') });
        for (const who of ['a', 'b', 'c']) await h.signal('approve', `${who}${i}`);
        await within(10_000, h.result());
        ids.push(h.workflowId);
      }
    } finally {
      await first.stop();
    }
    // A restarted server holds only open runs; the old orders are read from the store on demand.
    const env = await startEnv({ dir, server: { closedRunsInMemory: 2 } });
    try {
      expect(env.server.stats().runsInMemory).toBe(0);
      const ask = async (i: number) => {
        const h = env.client.workflow.getHandle(ids[i]!);
        expect(await within(10_000, h.query<string>('state'))).toBe('approved:3');
        expect((await within(10_000, h.result())).slice(0, 3)).toEqual([`a${i}`, `b${i}`, `c${i}`]);
        expect((await h.describe()).status.name).toBe('COMPLETED');
      };
      for (let i = 0; i < ids.length; i++) await ask(i);
      expect(env.server.stats().runsInMemory).toBeLessThanOrEqual(2);
      await ask(0);
      await ask(5);
      expect(env.server.stats().runsInMemory).toBeLessThanOrEqual(2);
      await replays(env.client.workflow.getHandle(ids[0]!));
    } finally {
      await env.stop();
    }
  }, 60_000);

  it('drops the sticky queue of a worker that shut down; its runs go on from the normal queue', async () => {
    const env = await startEnv({ taskQueue: 'sticky-shutdown' });
    let second: Awaited<ReturnType<typeof uncachedWorker>> | undefined;
    try {
      const h = await env.client.workflow.start('signalsAndQueries', { taskQueue: env.taskQueue, workflowId: wid('sticky') });
      await h.signal('approve', 'one');
      expect(await within(5_000, h.query<string>('state'))).toBe('waiting:1');
      expect(env.server.stats().workflowTaskQueues.length).toBe(2); // the normal queue and the worker's sticky one
      env.worker.shutdown();
      await within(
        10_000,
        waitUntil(() => env.worker.getState() === 'STOPPED'),
      );
      expect(env.server.stats().workflowTaskQueues).toEqual([env.taskQueue]);

      await h.signal('approve', 'two');
      second = await uncachedWorker(env.server.address, env.taskQueue);
      await h.signal('approve', 'three');
      expect((await within(10_000, h.result())).slice(0, 3)).toEqual(['one', 'two', 'three']);
      expect(env.server.stats().workflowTaskQueues).toEqual([env.taskQueue]);
      await replays(h);
    } finally {
      await second?.stop();
      await env.stop();
    }
  }, 60_000);

  it('drops the sticky queue of a worker that vanished without a word once a task waits there in vain', async () => {
    const env = await startEnv({ taskQueue: 'sticky-main' });
    const taskQueue = 'sticky-ghost';
    const svc = env.client.workflowService;
    let second: Awaited<ReturnType<typeof uncachedWorker>> | undefined;
    try {
      const h = await env.client.workflow.start('signalsAndQueries', { taskQueue, workflowId: wid('ghost') });
      // A worker that completes the first task, asks for stickiness, and is never heard of again.
      const task = await svc.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'ghost' });
      expect(task.taskToken?.length).toBeGreaterThan(0);
      await svc.respondWorkflowTaskCompleted({
        namespace: 'default',
        taskToken: task.taskToken,
        identity: 'ghost',
        commands: [],
        stickyAttributes: { workerTaskQueue: { name: 'ghost-sticky', kind: 2 }, scheduleToStartTimeout: { nanos: 900_000_000 } },
      });
      await h.signal('approve', 'one');
      second = await uncachedWorker(env.server.address, taskQueue);
      expect(
        await within(
          10_000,
          waitUntil(async () => (await h.query<string>('state').catch(() => '')) === 'waiting:1'),
        ),
      ).toBe(true);
      await h.signal('approve', 'two');
      await h.signal('approve', 'three');
      expect((await within(10_000, h.result())).slice(0, 3)).toEqual(['one', 'two', 'three']);
      expect(env.server.stats().workflowTaskQueues).not.toContain('ghost-sticky');
      await replays(h);
    } finally {
      await second?.stop();
      await env.stop();
    }
  }, 60_000);
});

/** Another worker, without a cache (so without a sticky queue of its own). */
async function uncachedWorker(address: string, taskQueue: string): Promise<{ stop(): Promise<void> }> {
  const nc = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nc,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createTestActivities(new Map()),
    maxCachedWorkflows: 0,
  });
  const running = worker.run();
  return {
    stop: async () => {
      worker.shutdown();
      await running;
      await nc.close();
    },
  };
}

async function waitUntil(check: () => boolean | Promise<boolean>): Promise<true> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
  return true;
}
