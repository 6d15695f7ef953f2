import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, describe, expect, it } from 'vitest';
import { startTemporalServer } from '../../temporal-server';
import type { EventRow } from '../../temporal-server/store';
import { eventTypes, replays, startEnv, wid, within } from './harness';

const EventType = temporal.api.enums.v1.EventType;
const hasEvent = (events: EventRow[], type: number) =>
  events.some((e) => temporal.api.history.v1.HistoryEvent.decode(e.data).eventType === type);

/** A group commit that fails or is slow must neither leave a gap in history nor leak an outcome early. */
describe('embedded Temporal server: group commits', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'q2c-commits-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('keeps the rows of a failed commit: history stays contiguous, a caller whose write never lands gets an error', async () => {
    const dir = newDir();
    let failNext = 0;
    let failed = 0;
    const env = await startEnv({
      dir,
      server: {
        beforeWrite: () => {
          if (failNext <= 0) return;
          failNext--;
          failed++;
          throw new Error('SQLITE_IOERR: disk I/O error (injected)');
        },
      },
    });
    const h = await env.client.workflow.start('signalsAndQueries', { taskQueue: env.taskQueue, workflowId: wid('gap') });
    try {
      expect(await within(5_000, h.query<string>('state'))).toBe('waiting:0');
      failNext = 1; // one failed write: retried, the caller never notices
      await h.signal('approve', 'one');
      expect(failed).toBe(1);
      failNext = 100; // the disk stays broken: the caller hears of it
      const refused = await h.signal('approve', 'two').then(
        () => null,
        (e: Error) => e,
      );
      expect(refused).toBeInstanceOf(Error);
      failNext = 0; // the disk is back: nothing the server holds is lost
      await h.signal('approve', 'three', {});
      const result = await within(10_000, h.result());
      expect(result.slice(0, 3)).toEqual(['one', 'two', 'three']);
    } finally {
      await env.stop();
    }
    // What is on disk, read by a fresh server: every event id from 1, none missing.
    const server = await startTemporalServer({ dbPath: join(dir, 'temporal.sqlite'), virtualClock: 'auto', log: () => {} });
    const connection = await Connection.connect({ address: server.address });
    try {
      const handle = new Client({ connection }).workflow.getHandle(h.workflowId);
      const history = await handle.fetchHistory();
      const ids = (history.events ?? []).map((e) => Number(e.eventId));
      expect(ids).toEqual(ids.map((_, i) => i + 1));
      expect((await eventTypes(handle)).filter((t) => t === 'WORKFLOW_EXECUTION_SIGNALED')).toHaveLength(3);
      expect(ids.length).toBeGreaterThan(10);
      await replays(handle);
    } finally {
      await connection.close();
      await server.stop();
    }
  }, 60_000);

  it('releases an update outcome only once the events recording it are committed', async () => {
    const dir = newDir();
    let gate: (() => void) | null = null;
    let held: () => void = () => {};
    const heldOnce = new Promise<void>((r) => {
      held = r;
    });
    const order: string[] = [];
    const env = await startEnv({
      dir,
      server: {
        beforeWrite: async ({ events }) => {
          if (gate !== null || !hasEvent(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)) return;
          await new Promise<void>((r) => {
            gate = r;
            held();
          });
          order.push('committed');
        },
      },
    });
    try {
      const h = await env.client.workflow.start('withUpdates', { taskQueue: env.taskQueue, workflowId: wid('upd-commit') });
      const outcome = h.executeUpdate('setPrice', { args: [42] }).then((v) => {
        order.push('outcome');
        return v;
      });
      await within(10_000, heldOnce, 'the commit of the update outcome');
      // Time for a leaked outcome to reach the client before the commit is let through.
      await new Promise((r) => setTimeout(r, 300));
      order.push('released');
      (gate as unknown as () => void)();
      expect(await within(10_000, outcome)).toBe(1);
      expect(order).toEqual(['released', 'committed', 'outcome']);
      await h.signal('approve', 'done');
      expect(await within(10_000, h.result())).toEqual([42]);
    } finally {
      await env.stop();
    }
  }, 60_000);

  it('after a crash before the commit, the update is not reported completed', async () => {
    const dir = newDir();
    let held: () => void = () => {};
    const heldOnce = new Promise<void>((r) => {
      held = r;
    });
    let crashed = false;
    const env = await startEnv({
      dir,
      server: {
        // The commit of the outcome never reaches the disk: the process "dies" holding it.
        beforeWrite: async ({ events }) => {
          if (crashed || hasEvent(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)) {
            crashed = true;
            held();
            throw new Error('process killed (injected)');
          }
        },
      },
    });
    const h = await env.client.workflow.start('withUpdates', { taskQueue: env.taskQueue, workflowId: wid('upd-crash') });
    let seen: unknown = 'nothing';
    const outcome = h.executeUpdate('setPrice', { args: [7], updateId: 'u-crash' }).then(
      (v) => {
        seen = v;
      },
      () => undefined,
    );
    await within(10_000, heldOnce, 'the commit of the update outcome');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toBe('nothing');
    // The restarted server knows only what reached the disk.
    const server = await startTemporalServer({ dbPath: join(dir, 'temporal.sqlite'), virtualClock: 'auto', log: () => {} });
    const connection = await Connection.connect({ address: server.address });
    try {
      const polled = await connection.workflowService.pollWorkflowExecutionUpdate({
        namespace: 'default',
        updateRef: { workflowExecution: { workflowId: h.workflowId }, updateId: 'u-crash' },
        waitPolicy: {
          lifecycleStage: temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED,
        },
      });
      expect(polled.outcome ?? null).toBeNull();
      expect(polled.stage).not.toBe(
        temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED,
      );
      expect(seen).toBe('nothing');
    } finally {
      await connection.close();
      await server.stop();
      await env.stop().catch(() => undefined);
      await outcome;
    }
  }, 60_000);
});
