import { businessDay } from '../../domain/calendar';
import { may } from '../../domain/permissions';
import { LEAD_STATUS } from '../../domain/statuses';
import { dueAtOfDay, FOLLOW_UP_SOURCES, followUpPriority, TASK_SOURCE } from '../../domain/tasks';
import { recordAudit } from '../../models/audit-log';
import type { Db } from '../../models/db';
import { closeTasksAbout, createTask } from '../../models/task';
import { userDirectory } from '../../models/user-directory';
import { type Locale, type Reply, t } from '../cards/card';
import { pushTo } from '../outbox';
import type { UserContext } from '../user-context';
import { findFollowUpTarget } from './crm-lookup';
import { type DaySpec, formatDay, resolveDay } from './dates';
import type { FollowUpStatus } from './vocabulary';

/**
 * 跟进 <线索或客户> <内容> [下次 <日期>]: a follow-up record, in one transaction with what it
 * changes — the lead's idle clock (last follow-up = now) and status when one is said, the
 * follow-up tasks it fulfils closed, and the next date as a task in the owner's 待办. The
 * owner is told when someone else (their manager) wrote it.
 */

export interface FollowUpInput {
  target: string;
  content: string;
  status: FollowUpStatus | null;
  method: string;
  next: DaySpec | null;
}

const CONTENT_MAX = 2000;

export async function followUpCommand(
  db: Db,
  user: UserContext,
  cmd: FollowUpInput,
  opts: { now: Date; locale?: Locale },
): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const text = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];
  if (!may(user, 'follow_up.record')) return text('只有销售可以记录跟进', 'Only sales can record follow-ups');
  const today = businessDay(opts.now);
  const next = cmd.next ? resolveDay(cmd.next, today) : null;
  if (next && !next.ok) return text(`下次跟进日期不对：${next.error.zh}`, `The next follow-up date is wrong: ${next.error.en}`);
  const hit = await findFollowUpTarget(db, user, cmd.target, locale);
  if (!('found' in hit)) return hit.reply;
  const target = hit.found;
  const content = cmd.content.slice(0, CONTENT_MAX);

  if ('lead' in target) {
    const l = target.lead;
    if (l.status === 'converted')
      return text(
        `线索 ${l.number} 已转化为客户，请跟进客户：跟进 ${l.companyName} ${content}`,
        `Lead ${l.number} is a customer now: follow up the customer ${l.companyName}`,
      );
  }
  const ref = 'lead' in target ? { refType: 'lead', id: target.lead.id } : { refType: 'customer', id: target.customer.id };
  const name = 'lead' in target ? target.lead.companyName : target.customer.name;
  const label = 'lead' in target ? `${target.lead.companyName}（${target.lead.number}）` : target.customer.name;
  const ownerId = 'lead' in target ? (target.lead.ownerUserId ?? user.id) : target.customer.ownerUserId;
  const dueDay = next?.ok ? next.day : null;

  const taskId = await db.writeTx(async (transaction) => {
    const made = await db.models.FollowUp.create(
      {
        leadId: 'lead' in target ? target.lead.id : null,
        customerId: 'customer' in target ? target.customer.id : null,
        userId: user.id,
        method: cmd.method,
        content,
        followedAt: opts.now,
        nextFollowUpAt: dueDay ? dueAtOfDay(dueDay) : null,
      },
      { transaction },
    );
    await recordAudit(
      db,
      {
        userId: user.id,
        action: 'follow_up.record',
        entity: ['follow_up', made.id],
        before: null,
        after: { ...ref, content, method: cmd.method, next: dueDay },
        at: opts.now,
      },
      transaction,
    );
    if ('lead' in target) {
      const l = target.lead;
      const before = { status: l.status, ownerUserId: l.ownerUserId, lastFollowUpAt: l.lastFollowUpAt, nextFollowUpAt: l.nextFollowUpAt };
      const after = {
        status: cmd.status ?? l.status,
        ownerUserId: ownerId, // an unassigned lead is taken by whoever follows it up
        lastFollowUpAt: opts.now,
        nextFollowUpAt: dueDay ? dueAtOfDay(dueDay) : null,
      };
      await l.update(after, { transaction });
      await recordAudit(
        db,
        { userId: user.id, action: 'lead.follow_up', entity: ['lead', l.id], before, after, at: opts.now },
        transaction,
      );
    }
    await closeTasksAbout(
      db,
      { refType: ref.refType, refIds: [ref.id], sources: FOLLOW_UP_SOURCES },
      { transaction, now: opts.now, actorUserId: user.id },
    );
    const task = dueDay
      ? await createTask(
          db,
          {
            userId: ownerId,
            title: `跟进 ${label}`,
            dueAt: dueAtOfDay(dueDay),
            priority: followUpPriority('lead' in target ? (cmd.status ?? target.lead.status) : null),
            refType: ref.refType,
            refId: ref.id,
            source: TASK_SOURCE.followUp,
          },
          { transaction, now: opts.now, actorUserId: user.id },
        )
      : null;
    if (ownerId !== user.id) {
      const when = dueDay ? `，下次跟进 ${formatDay(dueDay, today, 'zh')} 已加入您的待办` : '';
      await pushTo(
        db,
        [ownerId],
        { kind: 'text', text: `${user.name} 跟进了 ${label}：${content}${when}` },
        { dedupeKey: `follow_up:${made.id}`, transaction },
      );
    }
    return task?.id ?? null;
  });

  const owner = ownerId === user.id ? null : ((await userDirectory(db)).byId.get(ownerId)?.name ?? '');
  const status = cmd.status && 'lead' in target ? LEAD_STATUS.labels[cmd.status] : null;
  const zh = [`已记录跟进 ${label}`];
  const en = [`Follow-up recorded: ${name}`];
  if (status) {
    zh.push(`状态：${status.zh}`);
    en.push(`status: ${status.en}`);
  }
  if (dueDay && taskId !== null) {
    zh.push(`下次跟进 ${formatDay(dueDay, today, 'zh')}，已加入${owner ? ` ${owner} 的` : '您的'}待办 #${taskId}`);
    en.push(`next ${formatDay(dueDay, today, 'en')}, task #${taskId} for ${owner ?? 'you'}`);
  }
  return text(zh.join('；'), en.join('; '));
}
