import { describe, expect, it } from 'vitest';
import { dueAtOfDay, dunningPriority, followUpPriority, isOverdue, mergeTask, orderTasks, type Priority } from '../../domain/tasks';

const at = (iso: string) => new Date(iso);

describe('a task due on a day is due by 18:00 that day in Shanghai', () => {
  it.each([
    ['2026-11-27', '2026-11-27T10:00:00.000Z'],
    ['2026-12-31', '2026-12-31T10:00:00.000Z'],
    ['2028-02-29', '2028-02-29T10:00:00.000Z'],
  ])('%s → %s', (day, iso) => expect(dueAtOfDay(day).toISOString()).toBe(iso));
  it('refuses a day that is not one', () => expect(() => dueAtOfDay('2026-02-30')).toThrow(RangeError));
  it('is overdue only after that instant', () => {
    const due = dueAtOfDay('2026-11-27');
    expect(isOverdue({ dueAt: due }, at('2026-11-27T09:59:59.999Z'))).toBe(false);
    expect(isOverdue({ dueAt: due }, at('2026-11-27T10:00:00.000Z'))).toBe(false);
    expect(isOverdue({ dueAt: due }, at('2026-11-27T10:00:00.001Z'))).toBe(true);
    expect(isOverdue({ dueAt: null }, at('2030-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('a task list reads overdue first, then priority, then due date', () => {
  const now = at('2026-11-23T04:00:00Z');
  const task = (id: number, priority: Priority, due: string | null) => ({ id, priority, dueAt: due ? at(due) : null });
  it('orders a mixed list', () => {
    const tasks = [
      task(1, 'low', null),
      task(2, 'urgent', '2026-11-30T10:00:00Z'),
      task(3, 'normal', '2026-11-20T10:00:00Z'), // overdue 3 days
      task(4, 'high', '2026-11-22T10:00:00Z'), // overdue 1 day
      task(5, 'normal', '2026-11-24T10:00:00Z'),
      task(6, 'urgent', null),
      task(7, 'normal', null),
      task(8, 'low', '2026-11-10T10:00:00Z'), // the longest overdue, however low
    ];
    expect(orderTasks(tasks, now).map((t) => t.id)).toEqual([8, 3, 4, 2, 6, 5, 7, 1]);
  });
  it('keeps the input untouched and ties in id order', () => {
    const tasks = [task(9, 'normal', null), task(3, 'normal', null)];
    expect(orderTasks(tasks, now).map((t) => t.id)).toEqual([3, 9]);
    expect(tasks.map((t) => t.id)).toEqual([9, 3]);
  });
});

describe('a reminder that comes again updates its open task', () => {
  const d = (iso: string) => at(iso);
  it.each([
    [
      { priority: 'normal', dueAt: d('2026-11-25T10:00:00Z') },
      { priority: 'high', dueAt: d('2026-11-26T10:00:00Z') },
      'high',
      '2026-11-25T10:00:00.000Z',
    ],
    [
      { priority: 'urgent', dueAt: d('2026-11-25T10:00:00Z') },
      { priority: 'normal', dueAt: d('2026-11-24T10:00:00Z') },
      'urgent',
      '2026-11-24T10:00:00.000Z',
    ],
    [{ priority: 'high', dueAt: null }, { priority: 'high', dueAt: d('2026-11-24T10:00:00Z') }, 'high', '2026-11-24T10:00:00.000Z'],
    [{ priority: 'low', dueAt: null }, { priority: 'low', dueAt: null }, 'low', null],
  ] as const)('%j + %j', (open, again, priority, due) => {
    const m = mergeTask(open, again);
    expect(m.priority).toBe(priority);
    expect(m.dueAt?.toISOString() ?? null).toBe(due);
  });
});

describe('priorities of the tasks the reminders give', () => {
  it('a keen lead is high, any other normal', () => {
    expect(followUpPriority('strong')).toBe('high');
    expect(followUpPriority('interested')).toBe('normal');
    expect(followUpPriority(null)).toBe('normal');
  });
  it('dunning climbs a rung at a time', () => {
    expect([0, 1, 2, 3].map(dunningPriority)).toEqual(['normal', 'high', 'urgent', 'urgent']);
  });
});
