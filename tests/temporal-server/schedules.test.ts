import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Env, startEnv, within } from './harness';

/**
 * Schedules through the official client (`client.schedule`) against the embedded server on a
 * manual virtual clock that starts on Friday 2026-01-30, 10:00 in Shanghai (02:00 UTC): the
 * weekend and the month end are two days away.
 */
const FRIDAY_10_SHANGHAI = Date.parse('2026-01-30T02:00:00Z');
const HOUR = 3_600_000;
const iso = (d: Date) => d.toISOString();

describe('embedded Temporal server: schedules through the official client', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv({ virtualClock: 'manual', server: { virtualStartMs: FRIDAY_10_SHANGHAI } });
  });
  afterAll(() => env?.stop());

  const weekdayScan = () => ({
    scheduleId: 'daily-scan',
    spec: { calendars: [{ hour: 9, dayOfWeek: [{ start: 'MONDAY' as const, end: 'FRIDAY' as const }] }], timezone: 'Asia/Shanghai' },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'scheduledRun',
      workflowId: 'scan',
      taskQueue: env.taskQueue,
      args: [false],
      memo: { purpose: '每日扫描' },
    },
    memo: { owner: '运营' },
  });

  it('advertises schedules in GetSystemInfo', async () => {
    const info = await env.client.connection.workflowService.getSystemInfo({});
    expect(info.capabilities?.supportsSchedules).toBe(true);
  });

  it('creates a schedule once; a second create is ScheduleAlreadyRunning', async () => {
    const handle = await env.client.schedule.create(weekdayScan());
    expect(handle.scheduleId).toBe('daily-scan');
    await expect(env.client.schedule.create(weekdayScan())).rejects.toBeInstanceOf(ScheduleAlreadyRunning);
  });

  it('describes the spec as given and the next fires across the weekend in Shanghai time', async () => {
    const d = await env.client.schedule.getHandle('daily-scan').describe();
    expect(d.spec.timezone).toBe('Asia/Shanghai');
    expect(d.spec.calendars).toEqual([
      {
        second: [{ start: 0, end: 0, step: 1 }],
        minute: [{ start: 0, end: 0, step: 1 }],
        hour: [{ start: 9, end: 9, step: 1 }],
        dayOfMonth: [{ start: 1, end: 31, step: 1 }],
        month: [{ start: 'JANUARY', end: 'DECEMBER', step: 1 }],
        year: [],
        dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY', step: 1 }],
        comment: '',
      },
    ]);
    // Friday 09:00 has passed; Saturday and Sunday have no fire; 09:00 Shanghai is 01:00 UTC
    expect(d.info.nextActionTimes.slice(0, 6).map(iso)).toEqual([
      '2026-02-02T01:00:00.000Z',
      '2026-02-03T01:00:00.000Z',
      '2026-02-04T01:00:00.000Z',
      '2026-02-05T01:00:00.000Z',
      '2026-02-06T01:00:00.000Z',
      '2026-02-09T01:00:00.000Z',
    ]);
    expect(d.policies).toEqual({ overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 365 * 24 * HOUR, pauseOnFailure: false });
    expect(d.state).toMatchObject({ paused: false });
    expect(d.memo).toEqual({ owner: '运营' });
    expect(d.action).toMatchObject({ workflowType: 'scheduledRun', workflowId: 'scan', args: [false], memo: { purpose: '每日扫描' } });
    expect(d.info.createdAt.getTime()).toBeGreaterThanOrEqual(FRIDAY_10_SHANGHAI);
    expect(d.info.numActionsTaken).toBe(0);
  });

  it('keeps month-end calendars and intervals with a phase', async () => {
    await env.client.schedule.create({
      scheduleId: 'month-end',
      spec: { calendars: [{ dayOfMonth: 31, hour: 0 }], timezone: 'Asia/Shanghai' },
      action: { type: 'startWorkflow', workflowType: 'scheduledRun', taskQueue: env.taskQueue, args: [false] },
    });
    const monthEnd = await env.client.schedule.getHandle('month-end').describe();
    // only months with a 31st; midnight in Shanghai is 16:00 UTC the day before
    expect(monthEnd.info.nextActionTimes.slice(0, 3).map(iso)).toEqual([
      '2026-01-30T16:00:00.000Z',
      '2026-03-30T16:00:00.000Z',
      '2026-05-30T16:00:00.000Z',
    ]);
    expect(monthEnd.action).toMatchObject({ workflowId: 'month-end-workflow' });

    await env.client.schedule.create({
      scheduleId: 'quarter-past',
      spec: { intervals: [{ every: '1 hour', offset: '15 minutes' }] },
      action: { type: 'startWorkflow', workflowType: 'scheduledRun', taskQueue: env.taskQueue, args: [false] },
    });
    const interval = await env.client.schedule.getHandle('quarter-past').describe();
    expect(interval.spec.intervals).toEqual([{ every: HOUR, offset: 15 * 60_000 }]);
    expect(interval.info.nextActionTimes.slice(0, 3).map(iso)).toEqual([
      '2026-01-30T02:15:00.000Z',
      '2026-01-30T03:15:00.000Z',
      '2026-01-30T04:15:00.000Z',
    ]);
  });

  it('lists every schedule with its spec, workflow type and next fires', async () => {
    const listed = [];
    for await (const s of env.client.schedule.list({ pageSize: 2 })) listed.push(s);
    expect(listed.map((s) => s.scheduleId)).toEqual(['daily-scan', 'month-end', 'quarter-past']);
    expect(env.server.stats().schedules).toBe(3);
    const scan = listed[0]!;
    expect(scan.action).toEqual({ type: 'startWorkflow', workflowType: 'scheduledRun' });
    expect(scan.memo).toEqual({ owner: '运营' });
    expect(scan.info.nextActionTimes.map(iso)).toHaveLength(5);
    expect(scan.spec?.calendars?.[0]?.hour).toEqual([{ start: 9, end: 9, step: 1 }]);
  });

  it('deletes a schedule: describe and delete then answer ScheduleNotFoundError', async () => {
    const handle = env.client.schedule.getHandle('quarter-past');
    await handle.delete();
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await expect(handle.delete()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('rejects an invalid spec the way the SDK expects (TypeError)', async () => {
    await expect(
      env.client.schedule.create({
        scheduleId: 'bad',
        spec: { cronExpressions: ['61 * * * *'] },
        action: { type: 'startWorkflow', workflowType: 'scheduledRun', taskQueue: env.taskQueue },
      }),
    ).rejects.toThrow(TypeError);
  });

  it('fires when server time reaches it: id suffixed with the nominal time, memo and scheduled-by attributes set', async () => {
    await env.server.advanceTime(71 * HOUR); // to Monday 09:00:00 Shanghai and a little past
    const monthEnd = env.client.workflow.getHandle('month-end-workflow-2026-01-30T16:00:00Z');
    expect(await within(10_000, monthEnd.result())).toBe('month-end@2026-01-30T16:00:00.000Z');
    const scan = env.client.workflow.getHandle('scan-2026-02-02T01:00:00Z');
    expect(await within(10_000, scan.result())).toBe('daily-scan@2026-02-02T01:00:00.000Z');
    const described = await scan.describe();
    expect(described.memo).toEqual({ purpose: '每日扫描' });
    const by = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);
    const at = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);
    expect(described.typedSearchAttributes.get(by)).toBe('daily-scan');
    expect(described.typedSearchAttributes.get(at)?.toISOString()).toBe('2026-02-02T01:00:00.000Z');

    const d = await env.client.schedule.getHandle('daily-scan').describe();
    expect(d.info.numActionsTaken).toBe(1);
    expect(d.info.recentActions.map((a) => [iso(a.scheduledAt), a.action.workflow.workflowId])).toEqual([
      ['2026-02-02T01:00:00.000Z', 'scan-2026-02-02T01:00:00Z'],
    ]);
    expect(iso(d.info.nextActionTimes[0]!)).toBe('2026-02-03T01:00:00.000Z');
  });

  it('updates through handle.update: the new spec decides the next fires', async () => {
    const handle = env.client.schedule.getHandle('daily-scan');
    await handle.update((prev) => ({
      ...prev,
      spec: { calendars: [{ hour: 18, dayOfWeek: [{ start: 'MONDAY', end: 'FRIDAY' }] }], timezone: 'Asia/Shanghai' },
      state: { ...prev.state, note: '改为晚上六点' },
    }));
    const d = await handle.describe();
    expect(d.spec.calendars?.[0]?.hour).toEqual([{ start: 18, end: 18, step: 1 }]);
    expect(d.state.note).toBe('改为晚上六点');
    expect(d.info.lastUpdatedAt).toBeDefined();
    expect(iso(d.info.nextActionTimes[0]!)).toBe('2026-02-02T10:00:00.000Z'); // Monday 18:00 Shanghai
    expect(d.info.numActionsTaken).toBe(1);
  });

  it('takes nothing while paused and does not replay the paused time after unpausing', async () => {
    const handle = env.client.schedule.getHandle('daily-scan');
    await handle.pause('维护中');
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: '维护中' });
    await env.server.advanceTime(10 * HOUR); // past Monday 18:00
    await handle.unpause('维护结束');
    const d = await handle.describe();
    expect(d.state).toMatchObject({ paused: false, note: '维护结束' });
    expect(d.info.numActionsTaken).toBe(1);
    expect(iso(d.info.nextActionTimes[0]!)).toBe('2026-02-03T10:00:00.000Z');
  });

  it('triggers a run now and backfills past fires (start inclusive)', async () => {
    const handle = env.client.schedule.getHandle('daily-scan');
    await handle.trigger();
    let d = await handle.describe();
    expect(d.info.numActionsTaken).toBe(2);
    const triggered = d.info.recentActions[1]!;
    const id = triggered.action.workflow.workflowId;
    const second = new Date(Math.floor(triggered.scheduledAt.getTime() / 1000) * 1000);
    expect(id).toBe(`scan-${iso(second).replace('.000Z', 'Z')}`);
    expect(await within(10_000, env.client.workflow.getHandle(id).result())).toMatch(/^daily-scan@/);

    await handle.backfill({
      start: new Date('2026-01-26T10:00:00Z'), // Monday 18:00 Shanghai, exactly a fire time
      end: new Date('2026-01-28T12:00:00Z'),
      overlap: ScheduleOverlapPolicy.ALLOW_ALL,
    });
    for (const day of ['26', '27', '28']) {
      const wf = env.client.workflow.getHandle(`scan-2026-01-${day}T10:00:00Z`);
      expect(await within(10_000, wf.result())).toBe(`daily-scan@2026-01-${day}T10:00:00.000Z`);
    }
    d = await handle.describe();
    expect(d.info.numActionsTaken).toBe(5);
  });

  it('lists matching times over a range (raw gRPC: the client has no helper)', async () => {
    const res: temporal.api.workflowservice.v1.IListScheduleMatchingTimesResponse =
      await env.client.connection.workflowService.listScheduleMatchingTimes({
        namespace: 'default',
        scheduleId: 'daily-scan',
        startTime: msToTs(Date.parse('2026-02-05T00:00:00Z')),
        endTime: msToTs(Date.parse('2026-02-10T00:00:00Z')),
      });
    const times = (res.startTime ?? []).map((t) => new Date(tsToMs(t)).toISOString());
    expect(times).toEqual(['2026-02-05T10:00:00.000Z', '2026-02-06T10:00:00.000Z', '2026-02-09T10:00:00.000Z']);
  });
  it('limited actions: fires until the remaining count is used up, then shows no next fires', async () => {
    const handle = await env.client.schedule.create({
      scheduleId: 'twice-only',
      spec: { intervals: [{ every: '1 hour' }] },
      state: { remainingActions: 2 },
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL }, // the three fires one jump passes all go for it
      action: { type: 'startWorkflow', workflowType: 'scheduledRun', taskQueue: env.taskQueue, args: [false] },
    });
    expect((await handle.describe()).info.nextActionTimes).toHaveLength(2);
    await env.server.advanceTime(3 * HOUR);
    const d = await handle.describe();
    expect([d.info.numActionsTaken, d.state.remainingActions, d.info.nextActionTimes.length]).toEqual([2, 0, 0]);
  });

  it('refuses an update carrying a stale conflict token (raw gRPC: the client sends none)', async () => {
    const service = env.client.connection.workflowService;
    const before = await service.describeSchedule({ namespace: 'default', scheduleId: 'daily-scan' });
    await env.client.schedule.getHandle('daily-scan').pause('令牌变了');
    const update = (conflictToken: Uint8Array) =>
      service.updateSchedule({ namespace: 'default', scheduleId: 'daily-scan', schedule: before.schedule, conflictToken, requestId: 'r1' });
    await expect(update(before.conflictToken)).rejects.toMatchObject({ code: 9, details: 'mismatched conflict token' });
    const current = await service.describeSchedule({ namespace: 'default', scheduleId: 'daily-scan' });
    await update(current.conflictToken);
    expect((await env.client.schedule.getHandle('daily-scan').describe()).state.paused).toBe(false);
  });

  it('applies a retried patch (same request id) once: the conflict token moves by one', async () => {
    const service = env.client.connection.workflowService;
    const tokenOf = async () =>
      Buffer.from((await service.describeSchedule({ namespace: 'default', scheduleId: 'daily-scan' })).conflictToken).readBigUInt64BE();
    const before = await tokenOf();
    const pause = () =>
      service.patchSchedule({ namespace: 'default', scheduleId: 'daily-scan', requestId: 'retried', patch: { pause: '重试' } });
    await pause();
    await pause();
    expect((await tokenOf()) - before).toBe(1n);
    await env.client.schedule.getHandle('daily-scan').unpause();
  });
});
