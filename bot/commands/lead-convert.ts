import { businessDay } from '../../domain/calendar';
import { formatFen } from '../../domain/money';
import { may } from '../../domain/permissions';
import { FOLLOW_UP_SOURCES } from '../../domain/tasks';
import { recordAudit } from '../../models/audit-log';
import type { Db } from '../../models/db';
import { nextDocumentNumber } from '../../models/sequence';
import { closeTasksAbout } from '../../models/task';
import { type Locale, type Reply, t } from '../cards/card';
import { pushTo } from '../outbox';
import type { UserContext } from '../user-context';
import { findLead } from './crm-lookup';

/**
 * 转化 <线索> [商机名称] [金额]: the lead becomes a customer (grade C, no credit until finance
 * sets it, the lead's owner and team) with the lead's contact, and an opportunity at
 * 初步接触 — all in one transaction with the lead marked 已转化 and pointing at both. A
 * company that is already a customer the user may see gets the opportunity, not a twin; one
 * that belongs to someone else is refused without saying whose.
 */

const NEW_CUSTOMER_GRADE = 'C';

export async function convertCommand(
  db: Db,
  user: UserContext,
  cmd: { target: string; name: string | null; amountFen: number | null },
  opts: { now: Date; locale?: Locale },
): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const text = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];
  if (!may(user, 'lead.edit')) return text('只有销售可以转化线索', 'Only sales can convert leads');
  const hit = await findLead(db, user, 'lead.edit', cmd.target, locale);
  if (!('found' in hit)) return hit.reply;
  const lead = hit.found;
  if (lead.status === 'converted') return text(`线索 ${lead.number} 已经转化过了`, `Lead ${lead.number} is converted already`);
  if (lead.status === 'invalid')
    return text(
      `线索 ${lead.number} 是无效线索；确有需求请先跟进改为意向：跟进 ${lead.number} 意向 …`,
      `Lead ${lead.number} is invalid; follow it up as interested first`,
    );
  const { Customer, Contact, Opportunity, Lead } = db.models;
  const ownerUserId = lead.ownerUserId ?? user.id;
  const year = businessDay(opts.now).slice(0, 4);

  const outcome = await db
    .writeTx(async (transaction) => {
      const twin = await Customer.findOne({ where: { name: lead.companyName }, transaction });
      if (twin && !may(user, 'customer.view', twin)) return { refused: true as const };
      let customer = twin;
      if (!customer) {
        customer = await Customer.create(
          {
            code: await nextDocumentNumber(db, 'C', year, { transaction }),
            name: lead.companyName,
            taxNo: null,
            grade: NEW_CUSTOMER_GRADE,
            creditLimitFen: 0,
            paymentTermsDays: 30,
            ownerUserId,
            teamId: lead.teamId,
            region: null,
          },
          { transaction },
        );
        await recordAudit(
          db,
          {
            userId: user.id,
            action: 'customer.create',
            entity: ['customer', customer.id],
            before: null,
            after: { code: customer.code, name: customer.name, fromLead: lead.number, ownerUserId },
            at: opts.now,
          },
          transaction,
        );
        if (lead.contactName || lead.mobile)
          await Contact.create(
            {
              customerId: customer.id,
              name: lead.contactName ?? lead.mobile ?? '',
              title: null,
              mobile: lead.mobile,
              email: null,
              imId: null,
            },
            { transaction },
          );
      }
      const opp = await Opportunity.create(
        {
          number: await nextDocumentNumber(db, 'OP', year, { transaction }),
          customerId: customer.id,
          leadId: lead.id,
          name: cmd.name ?? `${lead.companyName} 新商机`,
          amountFen: cmd.amountFen ?? 0,
          expectedCloseDate: null,
          ownerUserId,
          winLossReason: null,
        },
        { transaction },
      );
      await recordAudit(
        db,
        {
          userId: user.id,
          action: 'opportunity.create',
          entity: ['opportunity', opp.id],
          before: null,
          after: { number: opp.number, customerId: customer.id, fromLead: lead.number, name: opp.name, amountFen: opp.amountFen },
          at: opts.now,
        },
        transaction,
      );
      // guarded: a second 转化 racing this one converts nothing
      const [changed] = await Lead.update(
        { status: 'converted', convertedCustomerId: customer.id, convertedOpportunityId: opp.id, nextFollowUpAt: null },
        { where: { id: lead.id, status: lead.status }, transaction },
      );
      if (changed !== 1) throw new ConvertedMeanwhile();
      await recordAudit(
        db,
        {
          userId: user.id,
          action: 'lead.convert',
          entity: ['lead', lead.id],
          before: { status: lead.status },
          after: { status: 'converted', customerId: customer.id, opportunityId: opp.id },
          at: opts.now,
        },
        transaction,
      );
      // the lead's follow-ups are the opportunity's business now
      await closeTasksAbout(
        db,
        { refType: 'lead', refIds: [lead.id], sources: FOLLOW_UP_SOURCES },
        { transaction, now: opts.now, actorUserId: user.id },
      );
      if (ownerUserId !== user.id)
        await pushTo(
          db,
          [ownerUserId],
          { kind: 'text', text: `${user.name} 已将您的线索 ${lead.number} 转化：客户 ${customer.name}，商机 ${opp.number} ${opp.name}` },
          { dedupeKey: `lead.converted:${lead.id}`, transaction },
        );
      return { customer, opp, existing: Boolean(twin) };
    })
    .catch((e) => {
      if (e instanceof ConvertedMeanwhile) return { raced: true as const };
      throw e;
    });

  if ('refused' in outcome)
    return text(
      `已有同名客户“${lead.companyName}”，归属其他销售，请联系销售经理处理`,
      `A customer named "${lead.companyName}" exists and is someone else's; ask your sales manager`,
    );
  if ('raced' in outcome) return text(`线索 ${lead.number} 已经转化过了`, `Lead ${lead.number} is converted already`);
  const { customer, opp, existing } = outcome;
  const amount = opp.amountFen ? `，金额 ${formatFen(opp.amountFen)}` : '';
  return text(
    `已转化线索 ${lead.number}：${existing ? '已有客户' : '新客户'} ${customer.code} ${customer.name}；商机 ${opp.number} ${opp.name}（初步接触${amount}）。报价：报价 ${opp.number} A100×100`,
    `Lead ${lead.number} converted: ${existing ? 'existing' : 'new'} customer ${customer.code} ${customer.name}; opportunity ${opp.number} ${opp.name} (initial contact${opp.amountFen ? `, ${formatFen(opp.amountFen)}` : ''}). Quote: quote ${opp.number} A100x100`,
  );
}

class ConvertedMeanwhile extends Error {}
