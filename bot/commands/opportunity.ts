import { Op } from 'sequelize';
import { checkStageMove, OPEN_STAGES, type Stage } from '../../domain/opportunity-stages';
import { may, scopeOf } from '../../domain/permissions';
import { OPPORTUNITY_STAGE } from '../../domain/statuses';
import { recordAudit } from '../../models/audit-log';
import type { Db } from '../../models/db';
import { userDirectory } from '../../models/user-directory';
import { type Locale, type Reply, t } from '../cards/card';
import { type OpportunityView, opportunityCard, opportunityListCard } from '../cards/opportunity';
import { pushTo } from '../outbox';
import { resolveOne } from '../resolve';
import type { UserContext } from '../user-context';
import { findOpportunity, type OpportunityRow, opportunityScope } from './crm-lookup';

/**
 * 商机: the open opportunities the user may see, the nearest expected close first; 商机
 * OP-2026-0001: one with its stage on the path and its quotes; 商机 华东机电: a customer's.
 * 推进 OP-2026-0001 <阶段> [原因]: the stage moved (domain/opportunity-stages says which moves
 * are allowed), audited, the owner told when someone else moved it.
 */

const LIST_LIMIT = 15;

async function views(db: Db, opps: readonly OpportunityRow[]): Promise<OpportunityView[]> {
  const names = (await userDirectory(db)).byId;
  const customerIds = [...new Set(opps.map((o) => o.customerId))];
  const leadIds = [...new Set(opps.map((o) => o.leadId).filter((x): x is number => x !== null))];
  const [customers, leads] = await Promise.all([
    db.models.Customer.findAll({ where: { id: { [Op.in]: customerIds } }, attributes: ['id', 'name'] }),
    leadIds.length ? db.models.Lead.findAll({ where: { id: { [Op.in]: leadIds } }, attributes: ['id', 'number'] }) : [],
  ]);
  return opps.map((o) => ({
    id: o.id,
    number: o.number,
    name: o.name,
    customer: customers.find((c) => c.id === o.customerId)?.name ?? '',
    stage: o.stage,
    amountFen: o.amountFen,
    expectedCloseDate: o.expectedCloseDate,
    owner: names.get(o.ownerUserId)?.name ?? '',
    winLossReason: o.winLossReason,
    leadNumber: leads.find((l) => l.id === o.leadId)?.number ?? null,
  }));
}

export async function opportunitiesCommand(db: Db, user: UserContext, query: string | null, opts: { locale?: Locale }): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const text = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];
  const where = await opportunityScope(db, user, 'opportunity.view');
  if (where === null) return text('您无权查看商机', 'You may not see opportunities');
  if (query && /^OP-/i.test(query)) {
    const hit = await findOpportunity(db, user, 'opportunity.view', query, locale);
    if (!('found' in hit)) return hit.reply;
    const quotes = await db.models.Quote.findAll({ where: { opportunityId: hit.found.id }, order: [['id', 'DESC']], limit: 5 });
    const [view] = await views(db, [hit.found]);
    return [{ kind: 'card', card: opportunityCard(view as OpportunityView, quotes, locale) }];
  }
  const filters: object[] = [where, { stage: { [Op.in]: [...OPEN_STAGES] } }];
  let title = { zh: '', en: '' };
  if (query) {
    const customers = (await db.models.Customer.findAll({ attributes: ['id', 'code', 'name', 'ownerUserId', 'teamId'] })).filter((c) =>
      may(user, 'customer.view', c),
    );
    const hit = resolveOne(
      query,
      customers.map((c) => ({ code: c.code, name: c.name, value: c.id })),
    );
    if (!('found' in hit))
      return hit.choices.length
        ? text(
            `找到多个客户：${hit.choices.map((c) => c.name).join('、')}，请写全称`,
            `Several customers match: ${hit.choices.map((c) => c.name).join(', ')}`,
          )
        : text(`没有找到客户“${query}”`, `No customer matches "${query}"`);
    filters.push({ customerId: hit.found.value });
    title = { zh: `${hit.found.name}的商机`, en: `Opportunities of ${hit.found.name}` };
  }
  const open = { [Op.and]: filters };
  const [total, totalFen, opps] = await Promise.all([
    db.models.Opportunity.count({ where: open }),
    db.models.Opportunity.sum('amountFen', { where: open }),
    db.models.Opportunity.findAll({
      where: open,
      order: [
        ['expectedCloseDate', 'ASC NULLS LAST'],
        ['id', 'DESC'],
      ],
      limit: LIST_LIMIT,
    }),
  ]);
  if (total === 0)
    return text('暂无进行中的商机。线索转化后会生成商机：转化 LD-…', 'No open opportunities. Converting a lead makes one: convert LD-…');
  const scope = scopeOf(user, 'opportunity.view');
  if (!query)
    title =
      scope === 'own'
        ? { zh: '我的商机', en: 'My opportunities' }
        : scope === 'team'
          ? { zh: '本组商机', en: 'Team opportunities' }
          : { zh: '全部商机', en: 'All opportunities' };
  const card = opportunityListCard(
    await views(db, opps),
    {
      title: t(locale, `${title.zh}（${total}）`, `${title.en} (${total})`),
      total,
      totalFen: Number(totalFen ?? 0),
      showOwner: scope !== 'own',
    },
    locale,
  );
  return [{ kind: 'card', card }];
}

export async function advanceCommand(
  db: Db,
  user: UserContext,
  cmd: { opportunityNo: string; stage: Stage; reason: string | null },
  opts: { now: Date; locale?: Locale },
): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const text = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];
  if (!may(user, 'opportunity.edit')) return text('只有销售可以推进商机', 'Only sales can move opportunities');
  const hit = await findOpportunity(db, user, 'opportunity.edit', cmd.opportunityNo, locale);
  if (!('found' in hit)) return hit.reply;
  const opp = hit.found;
  const move = checkStageMove(opp.stage as Stage, cmd.stage, cmd.reason);
  if (!move.ok) return text(move.error.zh, move.error.en);
  const from = OPPORTUNITY_STAGE.labels[opp.stage as Stage];
  const to = OPPORTUNITY_STAGE.labels[cmd.stage];
  const closing = cmd.stage === 'won' || cmd.stage === 'lost';
  const moved = await db.writeTx(async (transaction) => {
    // guarded on the stage it was read at: of two moves at once, the second is refused
    const [n] = await db.models.Opportunity.update(
      { stage: cmd.stage, ...(closing ? { winLossReason: cmd.reason } : {}) },
      { where: { id: opp.id, stage: opp.stage }, transaction },
    );
    if (n !== 1) return false;
    await recordAudit(
      db,
      {
        userId: user.id,
        action: 'opportunity.stage',
        entity: ['opportunity', opp.id],
        before: { stage: opp.stage },
        after: { stage: cmd.stage, reason: cmd.reason },
        at: opts.now,
      },
      transaction,
    );
    if (opp.ownerUserId !== user.id)
      await pushTo(
        db,
        [opp.ownerUserId],
        {
          kind: 'text',
          text: `${user.name} 将您的商机 ${opp.number} ${opp.name} 从 ${from.zh} 推进到 ${to.zh}${cmd.reason ? `：${cmd.reason}` : ''}`,
        },
        { dedupeKey: `opportunity.stage:${opp.id}:${cmd.stage}`, transaction },
      );
    return true;
  });
  if (!moved)
    return text(
      `商机 ${opp.number} 刚被别人改过，请重新查看：商机 ${opp.number}`,
      `Opportunity ${opp.number} changed meanwhile; look again`,
    );
  const why = cmd.reason ? t(locale, `（${cmd.reason}）`, ` (${cmd.reason})`) : '';
  const hint =
    cmd.stage === 'won'
      ? t(
          locale,
          `。下单请提交该商机的报价审批（报价 ${opp.number} …），批准后生成订单`,
          `. To order, submit its quote (quote ${opp.number} …) for approval`,
        )
      : '';
  return text(
    `商机 ${opp.number} ${opp.name}：${from.zh} → ${to.zh}${why}${hint}`,
    `Opportunity ${opp.number} ${opp.name}: ${from.en} → ${to.en}${why}${hint}`,
  );
}
