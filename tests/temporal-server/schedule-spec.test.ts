import { describe, expect, it } from 'vitest';
import { ALLOW_ALL, type BufferedStart, resolveBuffer } from '../../temporal-server/schedule-buffer';
import { CompiledSpec, canonicalSpec, describedSpec, SpecError } from '../../temporal-server/schedule-spec';

/** Matching times of schedule specs: calendars in a time zone across DST, cron, intervals, bounds. */
const compile = (spec: Record<string, unknown>) => new CompiledSpec(canonicalSpec(spec), 'default-test');
const at = (s: string) => Date.parse(s);

function fires(spec: CompiledSpec, from: string, n: number): string[] {
  const out: string[] = [];
  for (let t = spec.next(at(from)); t && out.length < n; t = spec.next(t.next)) out.push(new Date(t.next).toISOString());
  return out;
}

const everyDay = { dayOfMonth: [{ start: 1, end: 31 }], month: [{ start: 1, end: 12 }], dayOfWeek: [{ start: 0, end: 6 }] };
const onTheHour = { second: [{ start: 0 }], minute: [{ start: 0 }] };

describe('schedule spec: matching times', () => {
  it('weekday mornings in Shanghai skip the weekend and run over the month end', () => {
    const spec = compile({
      structuredCalendar: [{ ...everyDay, ...onTheHour, hour: [{ start: 9 }], dayOfWeek: [{ start: 1, end: 5 }] }],
      timezoneName: 'Asia/Shanghai',
    });
    // Friday 2026-01-30 10:00 in Shanghai: that day's 09:00 is gone
    expect(fires(spec, '2026-01-30T02:00:00Z', 3)).toEqual([
      '2026-02-02T01:00:00.000Z',
      '2026-02-03T01:00:00.000Z',
      '2026-02-04T01:00:00.000Z',
    ]);
  });

  it('the 31st only in months that have one; ranges with a step', () => {
    expect(fires(compile({ cronString: ['0 0 31 * *'] }), '2026-01-31T00:00:00Z', 3)).toEqual([
      '2026-03-31T00:00:00.000Z',
      '2026-05-31T00:00:00.000Z',
      '2026-07-31T00:00:00.000Z',
    ]);
    // minutes 10-50 every 20, hours 8-18 every 5: 08:10 08:30 08:50 13:10 …
    const stepped = compile({
      structuredCalendar: [
        { ...everyDay, second: [{ start: 0 }], minute: [{ start: 10, end: 50, step: 20 }], hour: [{ start: 8, end: 18, step: 5 }] },
      ],
    });
    expect(fires(stepped, '2026-03-01T00:00:00Z', 4)).toEqual([
      '2026-03-01T08:10:00.000Z',
      '2026-03-01T08:30:00.000Z',
      '2026-03-01T08:50:00.000Z',
      '2026-03-01T13:10:00.000Z',
    ]);
  });

  it('a wall time skipped by spring-forward never fires; one repeated by fall-back fires twice', () => {
    const spring = compile({ cronString: ['CRON_TZ=America/Los_Angeles 33 33 2 * * * *'] });
    expect(fires(spring, '2022-03-12T04:00:00Z', 2)).toEqual(['2022-03-12T10:33:33.000Z', '2022-03-14T09:33:33.000Z']);
    const fall = compile({ cronString: ['CRON_TZ=America/Los_Angeles 33 33,44 1 * * * *'] });
    expect(fires(fall, '2021-11-07T07:15:15Z', 5)).toEqual([
      '2021-11-07T08:33:33.000Z',
      '2021-11-07T08:44:33.000Z',
      '2021-11-07T09:33:33.000Z', // 01:33:33 again, an hour later in standard time
      '2021-11-07T09:44:33.000Z',
      '2021-11-08T09:33:33.000Z',
    ]);
  });

  it('intervals count from the epoch plus the phase; @every takes a phase too', () => {
    const spec = compile({ interval: [{ interval: { seconds: 3600 }, phase: { seconds: 900 } }] });
    expect(fires(spec, '2026-01-30T02:00:00Z', 2)).toEqual(['2026-01-30T02:15:00.000Z', '2026-01-30T03:15:00.000Z']);
    expect(fires(compile({ cronString: ['@every 90m/15m'] }), '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-01T00:15:00.000Z',
      '2026-01-01T01:45:00.000Z',
    ]);
  });

  it('honours exclusions, start and end time, and the earliest of several calendars', () => {
    const spec = compile({
      cronString: ['0 12 * * *', '0 6 * * *'],
      excludeCalendar: [{ dayOfWeek: 'sat,sun', hour: '*', minute: '*', second: '*' }],
      startTime: { seconds: at('2026-02-06T07:00:00Z') / 1000 },
      endTime: { seconds: at('2026-02-09T06:00:00Z') / 1000 },
    });
    // Friday noon, then the weekend is excluded, Monday 06:00 is the end time itself
    expect(fires(spec, '2026-02-01T00:00:00Z', 5)).toEqual(['2026-02-06T12:00:00.000Z', '2026-02-09T06:00:00.000Z']);
  });

  it('jitter delays within the bound and never past the next nominal time, the same every time', () => {
    const spec = compile({ interval: [{ interval: { seconds: 60 } }], jitter: { seconds: 3600 } });
    const a = spec.next(at('2026-01-01T00:00:00Z'))!;
    expect(a.nominal).toBe(at('2026-01-01T00:01:00Z'));
    expect(a.next - a.nominal).toBeGreaterThanOrEqual(0);
    expect(a.next - a.nominal).toBeLessThan(60_000);
    expect(spec.next(at('2026-01-01T00:00:00Z'))).toEqual(a);
  });

  it('canonical form: strings and cron become structured ranges; describe cleans them', () => {
    const c = canonicalSpec({ cronString: ['CRON_TZ=Asia/Shanghai 30 9 * * 1-5 # 工作日'] });
    expect(c.timezoneName).toBe('Asia/Shanghai');
    expect(c.cronString).toBeUndefined();
    const [cal] = describedSpec(c).structuredCalendar;
    expect(cal).toMatchObject({
      minute: [{ start: 30, end: 30, step: 1 }],
      hour: [{ start: 9, end: 9, step: 1 }],
      year: [],
      comment: '工作日',
    });
    expect(cal.dayOfWeek).toEqual([{ start: 1, end: 5, step: 1 }]);
    // Sunday written as 7 becomes a range of its own
    expect(canonicalSpec({ cronString: ['0 0 * * 5-7'] }).structuredCalendar[0].dayOfWeek).toEqual([
      { start: 0, end: 0, step: 0 },
      { start: 5, end: 6, step: 0 },
    ]);
  });

  it.each([
    [{ cronString: ['61 * * * *'] }, /Minute is not in range \[0-59\]/],
    [{ cronString: ['* * *'] }, /5-7 fields/],
    [{ interval: [{ interval: { seconds: 0, nanos: 5e8 } }] }, /interval is too small/],
    [{ interval: [{ interval: { seconds: 60 }, phase: { seconds: 60 } }] }, /phase cannot be greater/],
    [{ cronString: ['0 0 * * *'], timezoneName: 'Mars/Olympus' }, /unknown time zone/],
    [{ cronString: ['CRON_TZ=Asia/Shanghai 0 0 * * *'], timezoneName: 'UTC' }, /conflicting timezone names/],
    [{ structuredCalendar: [{ hour: [{ start: 25 }] }] }, /Hour Start is not in range/],
  ])('refuses %j', (spec, message) => {
    expect(() => canonicalSpec(spec)).toThrow(SpecError);
    expect(() => canonicalSpec(spec)).toThrow(message);
  });
});

describe('schedule overlap policies on the buffer', () => {
  const start = (overlap: string, n: number): BufferedStart => ({ nominalMs: n, actualMs: n, overlap, manual: false });
  const policy = (p: string) => (p === '' ? 'SCHEDULE_OVERLAP_POLICY_SKIP' : p);

  it('nothing running: the first start goes, SKIP drops the rest, BUFFER_ONE keeps one, BUFFER_ALL all', () => {
    const skip = resolveBuffer([start('', 1), start('', 2), start('', 3)], false, policy);
    expect([skip.single?.nominalMs, skip.keep.length, skip.skipped]).toEqual([1, 0, 2]);
    const one = resolveBuffer(
      [1, 2, 3].map((n) => start('SCHEDULE_OVERLAP_POLICY_BUFFER_ONE', n)),
      false,
      policy,
    );
    expect([one.single?.nominalMs, one.keep.map((s) => s.nominalMs), one.skipped]).toEqual([1, [2], 1]);
    const all = resolveBuffer(
      [1, 2, 3].map((n) => start('SCHEDULE_OVERLAP_POLICY_BUFFER_ALL', n)),
      false,
      policy,
    );
    expect([all.single?.nominalMs, all.keep.map((s) => s.nominalMs)]).toEqual([1, [2, 3]]);
  });

  it('running: CANCEL_OTHER and TERMINATE_OTHER stop it and wait; ALLOW_ALL starts regardless', () => {
    const cancel = resolveBuffer([start('SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER', 1)], true, policy);
    expect([cancel.single, cancel.cancelRunning, cancel.keep.length]).toEqual([null, true, 1]);
    const term = resolveBuffer([start('SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER', 1)], true, policy);
    expect([term.terminateRunning, term.keep.length]).toEqual([true, 1]);
    const allow = resolveBuffer([start(ALLOW_ALL, 1), start(ALLOW_ALL, 2)], true, policy);
    expect(allow.overlapping.map((s) => s.nominalMs)).toEqual([1, 2]);
    // nothing running yet: a later CANCEL_OTHER start replaces the one about to go
    const replace = resolveBuffer(
      [1, 2].map((n) => start('SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER', n)),
      false,
      policy,
    );
    expect([replace.single?.nominalMs, replace.cancelRunning]).toEqual([2, false]);
  });
});
