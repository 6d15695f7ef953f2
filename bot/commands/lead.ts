import { Op } from 'sequelize';
import type { AppConfig } from '../../config';
import { businessDay } from '../../domain/calendar';
import { leadTeam } from '../../domain/lead-assignment';
import { may, scopeOf } from '../../domain/permissions';
import { LEAD_SOURCE } from '../../domain/statuses';
import { recordAudit } from '../../models/audit-log';
import type { Db } from '../../models/db';
import { takeTurn } from '../../models/lead-assignment';
import { nextDocumentNumber } from '../../models/sequence';
import { userDirectory } from '../../models/user-directory';
import { type Locale, type Reply, t } from '../cards/card';
import { leadCard, leadListCard } from '../cards/lead';
import { pushTo } from '../outbox';
import type { UserContext } from '../user-context';
import { findLead, type LeadRow, leadScope } from './crm-lookup';
import type { NewLead } from './vocabulary';

/**
 * 线索: the leads the user may see (own, the team's, all), open ones, the next follow-up
 * first; 线索 LD-2026-0001: one lead with its latest follow-ups; 线索 新 …: a new lead, given
 * its turn in the team's round robin (domain/lead-assignment), its new owner told.
 */

const LIST_LIMIT = 15;
const OPEN = ['new', 'interested', 'strong'] as const;

export async function leadsCommand(
  db: Db,
  user: UserContext,
  query: string | null,
  opts: { now: Date; locale?: Locale },
): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const where = leadScope(user, 'lead.view');
  if (where === null) return [{ kind: 'text', text: t(locale, '您无权查看线索', 'You may not see leads') }];
  const names = (await userDirectory(db)).byId;
  const view = (l: LeadRow) => ({
    ...l.get({ plain: true }),
    owner: l.ownerUserId ? (names.get(l.ownerUserId)?.name ?? null) : null,
  });
  if (query) {
    const hit = await findLead(db, user, 'lead.view', query, locale);
    if (!('found' in hit)) return hit.reply;
    const followUps = await db.models.FollowUp.findAll({ where: { leadId: hit.found.id }, order: [['followedAt', 'DESC']], limit: 5 });
    const card = leadCard(
      view(hit.found),
      followUps.map((f) => ({ at: f.followedAt, by: names.get(f.userId)?.name ?? '', content: f.content })),
      locale,
    );
    return [{ kind: 'card', card }];
  }
  const open = { [Op.and]: [where, { status: { [Op.in]: [...OPEN] } }] };
  const [total, leads] = await Promise.all([
    db.models.Lead.count({ where: open }),
    db.models.Lead.findAll({
      where: open,
      order: [
        ['nextFollowUpAt', 'ASC NULLS LAST'],
        ['id', 'DESC'],
      ],
      limit: LIST_LIMIT,
    }),
  ]);
  if (total === 0)
    return [
      {
        kind: 'text',
        text: t(
          locale,
          '暂无跟进中的线索。新建：线索 新 张三 13800000000 官网表单 华东机电',
          'No open leads. New: lead new 张三 13800000000 website 华东机电',
        ),
      },
    ];
  const scope = scopeOf(user, 'lead.view');
  const whose = scope === 'own' ? ['我的线索', 'My leads'] : scope === 'team' ? ['本组线索', 'Team leads'] : ['全部线索', 'All leads'];
  const card = leadListCard(
    leads.map(view),
    { title: t(locale, `${whose[0]}（${total}）`, `${whose[1]} (${total})`), total, showOwner: scope !== 'own', now: opts.now },
    locale,
  );
  return [{ kind: 'card', card }];
}

export async function newLeadCommand(
  db: Db,
  config: AppConfig,
  user: UserContext,
  input: NewLead,
  opts: { now: Date; locale?: Locale },
): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const text = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];
  if (!may(user, 'lead.create')) return text('只有销售可以录入线索', 'Only sales can enter leads');
  const { Lead, Team } = db.models;
  const directory = await userDirectory(db);
  // one person, one lead: a number already on an open lead is a duplicate, whoever has it (查重)
  if (input.mobile) {
    const same = await Lead.findOne({ where: { mobile: input.mobile, status: { [Op.in]: [...OPEN] } } });
    if (same) {
      const owner = same.ownerUserId ? (directory.byId.get(same.ownerUserId)?.name ?? '') : t(locale, '未分配', 'unassigned');
      return text(
        `电话 ${input.mobile} 已有线索 ${same.number} ${same.companyName}（负责人 ${owner}），请勿重复录入`,
        `${input.mobile} is on lead ${same.number} ${same.companyName} already (owner ${owner})`,
      );
    }
  }
  const teams = await Team.findAll({ attributes: ['id', 'name'] });
  const teamId = leadTeam(user.teamId, teams, config.leads.defaultTeam);
  const lead = await db.writeTx(async (transaction) => {
    const turn =
      config.leads.assignment === 'round_robin' && teamId !== null
        ? await takeTurn(db, teamId, config.leads.assigneeRoles, { transaction, now: opts.now })
        : null;
    const ownerUserId = turn ?? user.id;
    const number = await nextDocumentNumber(db, 'LD', businessDay(opts.now).slice(0, 4), { transaction });
    const made = await Lead.create(
      {
        number,
        ...input,
        status: 'new',
        ownerUserId,
        teamId: teamId ?? user.teamId,
        lastFollowUpAt: null,
        convertedCustomerId: null,
        convertedOpportunityId: null,
      },
      { transaction },
    );
    await recordAudit(
      db,
      {
        userId: user.id,
        action: 'lead.create',
        entity: ['lead', made.id],
        before: null,
        after: { number, ...input, ownerUserId, teamId: made.teamId, assignedBy: turn ? 'round_robin' : 'creator' },
        at: opts.now,
      },
      transaction,
    );
    if (ownerUserId !== user.id) {
      const source = LEAD_SOURCE.labels[input.source].zh;
      const who = [input.contactName, input.mobile].filter(Boolean).join(' ');
      await pushTo(
        db,
        [ownerUserId],
        {
          kind: 'text',
          text: `新线索分配给您：${number} ${input.companyName}${who ? `（${who}）` : ''}，来源 ${source}，${user.name} 录入。跟进后请记录：跟进 ${number} 内容 下次 周五`,
        },
        { dedupeKey: `lead.assigned:${made.id}`, transaction },
      );
    }
    return made;
  });
  const owner = lead.ownerUserId === user.id ? t(locale, '您', 'you') : (directory.byId.get(lead.ownerUserId as number)?.name ?? '');
  const source = LEAD_SOURCE.labels[input.source];
  const who = [input.contactName, input.mobile].filter(Boolean).join(' ');
  return text(
    `已创建线索 ${lead.number} ${input.companyName}（${who ? `${who}，` : ''}${source.zh}），负责人：${owner}${lead.ownerUserId !== user.id ? '，已通知' : ''}`,
    `Lead ${lead.number} ${input.companyName} created (${who ? `${who}, ` : ''}${source.en}); owner: ${owner}${lead.ownerUserId !== user.id ? ', told' : ''}`,
  );
}
