import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { assertDay, BUSINESS_TZ, type Day } from './calendar';
import type { TASK_PRIORITY } from './statuses';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * Tasks (U2): what a person has been asked to do, by a reminder, a rule or a colleague.
 *  - A task due on a day is due by the end of that working day, 18:00 in the business zone:
 *    "follow up on Friday" is late on Friday evening, not at Friday midnight's first second.
 *  - A list of tasks reads overdue first (the longest overdue on top), then by priority, then
 *    by due date (undated last); so what is late is never buried under what is merely urgent.
 *  - One open task per person, source and record: a reminder that comes again (the next rung
 *    of a ladder, a retried activity) updates the task that is open — the higher priority and
 *    the earlier due date win — instead of piling up a second one.
 */

export type Priority = (typeof TASK_PRIORITY.values)[number];

export const TASK_DUE_HOUR = 18;

const RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/** The instant a task due on `day` is due: 18:00 that day in the business zone. */
export function dueAtOfDay(day: Day, tz = BUSINESS_TZ): Date {
  return dayjs.tz(`${assertDay(day)} ${String(TASK_DUE_HOUR).padStart(2, '0')}:00`, tz).toDate();
}

export function isOverdue(task: { dueAt: Date | null }, now: Date): boolean {
  return task.dueAt !== null && task.dueAt.getTime() < now.getTime();
}

/** Overdue first (longest overdue on top), then priority, then due date (undated last), then oldest. */
export function orderTasks<T extends { id: number; dueAt: Date | null; priority: Priority }>(tasks: readonly T[], now: Date): T[] {
  const due = (t: T) => t.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return [...tasks].sort((a, b) => {
    const late = Number(isOverdue(b, now)) - Number(isOverdue(a, now));
    if (late) return late;
    if (isOverdue(a, now)) return due(a) - due(b) || RANK[a.priority] - RANK[b.priority] || a.id - b.id;
    return RANK[a.priority] - RANK[b.priority] || due(a) - due(b) || a.id - b.id;
  });
}

/** The open task after the same reminder comes again: the higher priority and the earlier due date. */
export function mergeTask(
  open: { priority: Priority; dueAt: Date | null },
  again: { priority: Priority; dueAt: Date | null },
): { priority: Priority; dueAt: Date | null } {
  const priority = RANK[again.priority] < RANK[open.priority] ? again.priority : open.priority;
  const times = [open.dueAt, again.dueAt].filter((d): d is Date => d !== null).map((d) => d.getTime());
  return { priority, dueAt: times.length ? new Date(Math.min(...times)) : null };
}

/** A follow-up of a lead the customer is keen on (意向强烈) is high priority; any other, normal. */
export function followUpPriority(leadStatus: string | null): Priority {
  return leadStatus === 'strong' ? 'high' : 'normal';
}

/** What asked for a task (tasks.source): with the record it is about, it keeps one task open per person. */
export const TASK_SOURCE = {
  /** the next follow-up date given with a follow-up */
  followUp: 'follow_up',
  /** the daily scan's idle lead (U3): no follow-up for N days while 意向/意向强烈 */
  idleLead: 'idle_lead',
  dunning: 'dunning',
  /** an approval step's approver */
  approval: 'quoteToCash',
  /** an approval waiting too long, for the approver's superior */
  escalation: 'approval_escalation',
} as const;

/**
 * The sources of tasks that recording a follow-up fulfils: the next follow-up asked for last
 * time, and the idle-lead reminder of the daily scan. Recording one closes them.
 */
export const FOLLOW_UP_SOURCES = [TASK_SOURCE.followUp, TASK_SOURCE.idleLead] as const;

/** A dunning task's priority by how far up the ladder the receivable is (rung index from 0). */
export function dunningPriority(rungIndex: number): Priority {
  return rungIndex <= 0 ? 'normal' : rungIndex === 1 ? 'high' : 'urgent';
}
