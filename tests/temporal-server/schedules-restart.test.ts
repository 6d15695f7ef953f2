import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import { type Env, freePort, startEnv, startServerProcess, within } from './harness';

/**
 * Schedules across restarts of the server on one database, on the manual clock: a restart
 * between two fires changes nothing, and fires missed while the server was down are caught up
 * within the catch-up window and counted as missed outside it.
 */
const T0 = Date.parse('2026-03-02T00:30:00Z');
const HOUR = 3_600_000;
const at = (hh: string) => `2026-03-02T${hh}:00:00Z`;

describe('embedded Temporal server: schedules survive restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'q2c-schedules-'));
  let env: Env | undefined;
  afterAll(async () => {
    await env?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  /** a restart: the next server starts at `virtualStartMs` or later, as if it was down till then */
  const restart = async (virtualStartMs: number) => {
    await env?.stop();
    env = await startEnv({ dir, virtualClock: 'manual', server: { virtualStartMs } });
    return env;
  };
  const result = (e: Env, workflowId: string) => within(10_000, e.client.workflow.getHandle(workflowId).result());
  const startedBy = async (e: Env, scheduleId: string) => {
    const ids: string[] = [];
    for await (const wf of e.client.workflow.list({ query: `TemporalScheduledById = '${scheduleId}'` })) ids.push(wf.workflowId);
    return ids.sort();
  };

  it('fires again after a restart between two fires, and takes no fire twice', async () => {
    let e = await restart(T0);
    const schedule = (scheduleId: string, overlap: ScheduleOverlapPolicy, catchupWindow?: Duration) =>
      e.client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: '1 hour' }] },
        policies: { overlap, catchupWindow },
        action: { type: 'startWorkflow', workflowType: 'scheduledRun', workflowId: scheduleId, taskQueue: e.taskQueue, args: [false] },
      });
    await schedule('twice', ScheduleOverlapPolicy.SKIP);
    await schedule('catchup', ScheduleOverlapPolicy.BUFFER_ALL, '100 minutes');
    await e.server.advanceTime(HOUR);
    expect(await result(e, `twice-${at('01')}`)).toBe('twice@2026-03-02T01:00:00.000Z');
    expect(await result(e, `catchup-${at('01')}`)).toBe('catchup@2026-03-02T01:00:00.000Z');

    e = await restart(T0 + HOUR);
    let d = await e.client.schedule.getHandle('twice').describe();
    expect(d.info.numActionsTaken).toBe(1);
    expect(d.info.nextActionTimes[0]?.toISOString()).toBe('2026-03-02T02:00:00.000Z');
    await e.server.advanceTime(HOUR);
    expect(await result(e, `twice-${at('02')}`)).toBe('twice@2026-03-02T02:00:00.000Z');
    expect(await result(e, `catchup-${at('02')}`)).toBe('catchup@2026-03-02T02:00:00.000Z');
    expect(await startedBy(e, 'twice')).toEqual([`twice-${at('01')}`, `twice-${at('02')}`]);
    d = await e.client.schedule.getHandle('twice').describe();
    expect(d.info.numActionsTaken).toBe(2);
  });

  it('catches up fires missed while down: inside the catch-up window they run, outside they count as missed', async () => {
    // down from 02:30 until 07:30: the fires at 03:00 … 07:00 were missed
    const e = await restart(T0 + 7 * HOUR);
    // a 100-minute window reaches back to 05:50: 06:00 and 07:00 run, one after the other (BUFFER_ALL)
    expect(await result(e, `catchup-${at('06')}`)).toBe('catchup@2026-03-02T06:00:00.000Z');
    expect(await result(e, `catchup-${at('07')}`)).toBe('catchup@2026-03-02T07:00:00.000Z');
    const first = await e.client.workflow.getHandle(`catchup-${at('06')}`).describe();
    const second = await e.client.workflow.getHandle(`catchup-${at('07')}`).describe();
    expect(second.startTime.getTime()).toBeGreaterThanOrEqual(first.closeTime!.getTime());
    const c = await e.client.schedule.getHandle('catchup').describe();
    expect([c.info.numActionsTaken, c.info.numActionsMissedCatchupWindow]).toEqual([4, 3]);
    expect(await startedBy(e, 'catchup')).toEqual(['01', '02', '06', '07'].map((h) => `catchup-${at(h)}`));

    // the default window (a year) takes all five, and SKIP lets only the first of them run
    expect(await result(e, `twice-${at('03')}`)).toBe('twice@2026-03-02T03:00:00.000Z');
    const t = await e.client.schedule.getHandle('twice').describe();
    expect([t.info.numActionsTaken, t.info.numActionsSkippedOverlap, t.info.numActionsMissedCatchupWindow]).toEqual([3, 4, 0]);
    expect(t.info.nextActionTimes[0]?.toISOString()).toBe('2026-03-02T08:00:00.000Z');
  });
});

describe('embedded Temporal server: schedule changes are durable once answered', () => {
  const dir = mkdtempSync(join(tmpdir(), 'q2c-schedules-kill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('schedules created, paused and deleted are exactly as answered after a SIGKILL', async () => {
    const db = join(dir, 'temporal.sqlite');
    const port = await freePort();
    let server = await startServerProcess(port, db);
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    const client = new Client({ connection });
    try {
      const create = (scheduleId: string) =>
        client.schedule.create({
          scheduleId,
          spec: { calendars: [{ hour: 2 }], timezone: 'Asia/Shanghai' },
          action: { type: 'startWorkflow', workflowType: 'scheduledRun', taskQueue: 'nobody', args: [false] },
        });
      const kept = await create('kept');
      const gone = await create('gone');
      await kept.pause('暂停');
      await gone.delete();
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
      server = await startServerProcess(port, db);
      const d = await kept.describe();
      expect(d.state).toMatchObject({ paused: true, note: '暂停' });
      expect(d.spec.timezone).toBe('Asia/Shanghai');
      await expect(gone.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    } finally {
      await connection.close();
      server.kill('SIGTERM');
    }
  });
});
