import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestActivities } from './activities';
import { eventTypes, freePort, quietRuntime, replays, startServerProcess, wid, within, workflowBundle } from './harness';

describe('embedded Temporal server: durable across SIGKILL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'q2c-restart-'));
  const db = join(dir, 'temporal.sqlite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every open workflow continues after kill -9 and restart: nothing lost, nothing applied twice', async () => {
    quietRuntime();
    const port = await freePort();
    let server = await startServerProcess(port, db);
    const address = `127.0.0.1:${port}`;
    const calls = new Map<string, number>();
    const nc = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection: nc,
      taskQueue: 'restart',
      workflowBundle: await workflowBundle(),
      activities: createTestActivities(calls),
    });
    const running = worker.run();
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    try {
      const opts = { taskQueue: 'restart' };
      const done = await client.workflow.start('oneActivity', { ...opts, workflowId: wid('done'), args: ['before'] });
      expect(await within(10_000, done.result())).toBe('hello before');
      const signals = await client.workflow.start('signalsAndQueries', { ...opts, workflowId: wid('sig') });
      await signals.signal('approve', 'one');
      const timer = await client.workflow.start('timerThenActivity', { ...opts, workflowId: wid('timer'), args: [1_500] });
      const slow = await client.workflow.start('slowActivity', { ...opts, workflowId: wid('slow'), args: [800] });
      await within(
        5_000,
        waitFor(async () => (await signals.query<string>('state')) === 'waiting:1'),
      );

      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
      await new Promise((r) => setTimeout(r, 2_000)); // the timer falls due while the server is down
      server = await startServerProcess(port, db);

      await signals.signal('approve', 'two');
      await signals.signal('approve', 'three');
      expect((await within(20_000, signals.result())).slice(0, 3)).toEqual(['one', 'two', 'three']);
      expect((await eventTypes(signals)).filter((t) => t === 'WORKFLOW_EXECUTION_SIGNALED')).toHaveLength(3);
      expect(await within(20_000, timer.result())).toBe('after timer');
      expect(await within(20_000, slow.result())).toBe('slow done');
      expect(await within(5_000, done.result())).toBe('hello before');
      for (const h of [signals, timer, slow, done]) await replays(h);
    } finally {
      worker.shutdown();
      await running.catch(() => undefined);
      await nc.close();
      await connection.close();
      server.kill('SIGTERM');
    }
  }, 90_000);
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check().catch(() => false))) await new Promise((r) => setTimeout(r, 50));
}
