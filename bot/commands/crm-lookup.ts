import { Op, type WhereOptions } from 'sequelize';
import { type Action, may, type OwnedRecord, scopeOf } from '../../domain/permissions';
import type { Db } from '../../models/db';
import { type Locale, type Reply, t } from '../cards/card';
import { resolveOne } from '../resolve';
import type { UserContext } from '../user-context';

/**
 * Finding a lead, a customer or an opportunity by what the user typed, among the records
 * they may act on (domain/permissions): a number (LD-2026-0001, OP-2026-0001), a company or
 * contact name, a mobile. A record outside the user's scope is answered exactly like one that
 * does not exist. The scope is a WHERE clause, so a director's search never loads every lead.
 */

type Models = Db['models'];
export type LeadRow = InstanceType<Models['Lead']>;
export type CustomerRow = InstanceType<Models['Customer']>;
export type OpportunityRow = InstanceType<Models['Opportunity']>;

/** A lead as permissions see it: its owner and team; an unassigned lead is its team's. */
export const leadRecord = (l: Pick<LeadRow, 'ownerUserId' | 'teamId'>): OwnedRecord => ({
  ownerUserId: l.ownerUserId ?? 0,
  teamId: l.teamId,
});

/** The leads this user may act on, as a WHERE clause; null when none at all. */
export function leadScope(user: UserContext, action: Action): WhereOptions | null {
  const scope = scopeOf(user, action);
  if (scope === null) return null;
  if (scope === 'all') return {};
  if (scope === 'team' && user.teamId !== null) return { [Op.or]: [{ ownerUserId: user.id }, { teamId: user.teamId }] };
  return { ownerUserId: user.id };
}

/** The opportunities this user may act on: their own, and (team scope) those of their team's customers. */
export async function opportunityScope(db: Db, user: UserContext, action: Action): Promise<WhereOptions | null> {
  const scope = scopeOf(user, action);
  if (scope === null) return null;
  if (scope === 'all') return {};
  if (scope === 'team' && user.teamId !== null) {
    const teamCustomers = await db.models.Customer.findAll({ where: { teamId: user.teamId }, attributes: ['id'] });
    return { [Op.or]: [{ ownerUserId: user.id }, { customerId: { [Op.in]: teamCustomers.map((c) => c.id) } }] };
  }
  return { ownerUserId: user.id };
}

export type Found<T> = { found: T } | { reply: Reply[] };

const say = (locale: Locale, zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];

type LeadHit = { found: LeadRow } | { choices: LeadRow[] } | { none: true } | { denied: true };

/** A lead by number or by name/contact/mobile, among those the user may act on. */
async function searchLeads(db: Db, user: UserContext, action: Action, query: string): Promise<LeadHit> {
  const where = leadScope(user, action);
  if (where === null) return { denied: true };
  const { Lead } = db.models;
  if (/^LD-/i.test(query)) {
    const lead = await Lead.findOne({ where: { [Op.and]: [where, { number: query.toUpperCase() }] } });
    return lead ? { found: lead } : { none: true };
  }
  const like = `%${query.replace(/[%_\\]/g, '')}%`;
  const candidates = await Lead.findAll({
    where: {
      [Op.and]: [where, { [Op.or]: [{ companyName: { [Op.like]: like } }, { contactName: { [Op.like]: like } }, { mobile: query }] }],
    },
    order: [['id', 'DESC']],
    limit: 50,
  });
  const hit = resolveOne(
    query,
    candidates.map((l) => ({ code: l.number, name: l.companyName, aliases: [l.contactName ?? '', l.mobile ?? ''], value: l })),
  );
  if ('found' in hit) return { found: hit.found.value };
  return hit.choices.length ? { choices: hit.choices.map((c) => c.value) } : { none: true };
}

function leadMiss(hit: Exclude<LeadHit, { found: LeadRow }>, query: string, locale: Locale): Reply[] {
  if ('denied' in hit) return say(locale, '您无权处理线索', 'You may not work on leads');
  if ('choices' in hit) {
    const list = hit.choices.map((l) => `${l.number} ${l.companyName}`);
    return say(locale, `找到多条线索：${list.join('、')}，请写线索编号`, `Several leads match: ${list.join(', ')}; give the number`);
  }
  return say(locale, `没有找到线索“${query}”`, `No lead matches "${query}"`);
}

export async function findLead(db: Db, user: UserContext, action: Action, query: string, locale: Locale): Promise<Found<LeadRow>> {
  const hit = await searchLeads(db, user, action, query);
  return 'found' in hit ? hit : { reply: leadMiss(hit, query, locale) };
}

/** What a follow-up is about: a lead (by number, name, contact) or a customer (by name or code). */
export async function findFollowUpTarget(
  db: Db,
  user: UserContext,
  query: string,
  locale: Locale,
): Promise<Found<{ lead: LeadRow } | { customer: CustomerRow }>> {
  const leadHit = await searchLeads(db, user, 'follow_up.record', query);
  if (/^LD-/i.test(query)) return 'found' in leadHit ? { found: { lead: leadHit.found } } : { reply: leadMiss(leadHit, query, locale) };
  const customers = (await db.models.Customer.findAll({ attributes: ['id', 'code', 'name', 'ownerUserId', 'teamId'] })).filter((c) =>
    may(user, 'follow_up.record', c),
  );
  const customerHit = resolveOne(
    query,
    customers.map((c) => ({ code: c.code, name: c.name, value: c.id })),
  );
  // a converted lead's company is the customer now: the customer is what is followed up
  const lead = 'found' in leadHit && leadHit.found.status !== 'converted' ? leadHit.found : null;
  if ('found' in customerHit) {
    if (lead && customerHit.found.score < 0.99)
      return {
        reply: say(
          locale,
          `“${query}”既像线索 ${lead.number} ${lead.companyName}，也像客户 ${customerHit.found.name}，请写线索编号或客户全称`,
          `"${query}" matches lead ${lead.number} and customer ${customerHit.found.name}; give the number or the full name`,
        ),
      };
    return { found: { customer: (await db.models.Customer.findByPk(customerHit.found.value)) as CustomerRow } };
  }
  if (lead) return { found: { lead } };
  if ('choices' in leadHit) return { reply: leadMiss(leadHit, query, locale) };
  if (customerHit.choices.length)
    return {
      reply: say(
        locale,
        `找到多个客户：${customerHit.choices.map((c) => c.name).join('、')}，请写全称`,
        `Several customers match: ${customerHit.choices.map((c) => c.name).join(', ')}`,
      ),
    };
  return { reply: say(locale, `没有找到线索或客户“${query}”`, `No lead or customer matches "${query}"`) };
}

/** An opportunity by number, among those the user may act on. */
export async function findOpportunity(
  db: Db,
  user: UserContext,
  action: Action,
  number: string,
  locale: Locale,
): Promise<Found<OpportunityRow>> {
  const where = await opportunityScope(db, user, action);
  if (where === null) return { reply: say(locale, '您无权处理商机', 'You may not work on opportunities') };
  const opp = await db.models.Opportunity.findOne({ where: { [Op.and]: [where, { number: number.toUpperCase() }] } });
  return opp ? { found: opp } : { reply: say(locale, `没有找到商机 ${number}`, `No opportunity ${number}`) };
}
