import dayjs from 'dayjs';
import { Op } from 'sequelize';
import type { AppConfig } from '../../config';
import { atp } from '../../domain/atp';
import { DomainError } from '../../domain/errors';
import { isClosedStage, type Stage } from '../../domain/opportunity-stages';
import { may } from '../../domain/permissions';
import { priceQuote } from '../../domain/pricing';
import { OPPORTUNITY_STAGE } from '../../domain/statuses';
import { approverFor, policyApprovers } from '../../models/approvers';
import { creditPosition } from '../../models/credit-position';
import type { Db } from '../../models/db';
import { nextDocumentNumber } from '../../models/sequence';
import { type Locale, type Reply, t } from '../cards/card';
import { type QuoteCardLine, quoteDraftCard } from '../cards/quote';
import { resolveOne } from '../resolve';
import type { UserContext } from '../user-context';
import { type Found, findOpportunity } from './crm-lookup';
import type { Item } from './grammar';

/**
 * 报价 华东机电 A100×2000 B200×20 折扣12% → a saved draft quote and its card: tier prices,
 * the customer's grade discount and the manual one, VAT, stock and earliest ship date per
 * line, margin for those allowed to see cost, and the approvers the policy will require.
 * 报价 OP-2026-0001 A100×100: the same for the opportunity's customer, the quote linked to it.
 */
export async function quoteCommand(
  db: Db,
  config: AppConfig,
  user: UserContext,
  cmd: { customer: string; items: Item[]; discountBp: number; opportunityNo?: string },
  opts: { today: string; locale?: Locale },
): Promise<Reply[]> {
  const locale = opts.locale ?? 'zh';
  const text = (zh: string, en: string): Reply[] => [{ kind: 'text', text: t(locale, zh, en) }];
  const { Customer, Product, PriceTier, StockLevel, PurchaseOrder, PurchaseOrderLine, Quote, QuoteLine } = db.models;

  const picked = cmd.opportunityNo
    ? await fromOpportunity(db, user, cmd.opportunityNo, locale)
    : await customerToQuote(db, user, cmd.customer, locale);
  if ('reply' in picked) return picked.reply;
  const { opportunity } = picked.found;
  const customer = await Customer.findByPk(picked.found.customerId);
  if (!customer) return [];

  const products = await Product.findAll({ where: { sku: { [Op.in]: cmd.items.map((i) => i.sku) }, active: true } });
  const missing = cmd.items.filter((i) => !products.some((p) => p.sku.toUpperCase() === i.sku));
  if (missing.length)
    return text(
      `没有这些商品编码：${missing.map((m) => m.sku).join('、')}。可先发“库存 名称”查编码`,
      `Unknown SKUs: ${missing.map((m) => m.sku).join(', ')}`,
    );

  const gradeDiscountBp = config.pricing.gradeDiscountBp[customer.grade] ?? 0;
  const openPOs = (
    await PurchaseOrder.findAll({ where: { status: { [Op.in]: ['ordered', 'partially_received'] } }, attributes: ['id'] })
  ).map((o) => o.id);
  const rows: {
    product: (typeof products)[number];
    item: Item;
    tiers: { minQty: number; priceFen: number }[];
    stock: ReturnType<typeof atp>;
  }[] = [];
  for (const item of cmd.items) {
    const p = products.find((x) => x.sku.toUpperCase() === item.sku) as NonNullable<(typeof products)[number]>;
    const [tiers, levels, poLines] = await Promise.all([
      PriceTier.findAll({ where: { productId: p.id } }),
      StockLevel.findAll({ where: { productId: p.id } }),
      openPOs.length ? PurchaseOrderLine.findAll({ where: { productId: p.id, purchaseOrderId: { [Op.in]: openPOs } } }) : [],
    ]);
    const stock = atp({
      warehouses: levels.map((l) => ({ warehouseId: l.warehouseId, onHand: l.onHand, reserved: l.reserved })),
      incoming: poLines
        .filter((l) => l.qty > l.receivedQty)
        .map((l) => ({ warehouseId: l.warehouseId, qty: l.qty - l.receivedQty, eta: l.eta })),
      requested: item.qty,
      today: opts.today,
      leadTimeDays: p.leadTimeDays,
    });
    rows.push({ product: p, item, tiers, stock });
  }

  let priced: ReturnType<typeof priceQuote>;
  try {
    priced = priceQuote(
      rows.map((r) => ({
        qty: r.item.qty,
        listPriceFen: r.product.listPriceFen,
        tiers: r.tiers.map((x) => ({ minQty: x.minQty, priceFen: x.priceFen })),
        costFen: r.product.standardCostFen,
        vatRateBp: r.product.vatRateBp,
        gradeDiscountBp,
        manualDiscountBp: cmd.discountBp,
      })),
      { maxManualDiscountBp: config.pricing.maxManualDiscountBp },
    );
  } catch (e) {
    if (e instanceof DomainError) return text(e.zh, e.en);
    throw e;
  }
  const approvals = (
    await policyApprovers(
      db,
      config.approval.rules,
      { totalFen: priced.grossFen, manualDiscountBp: cmd.discountBp, marginBp: priced.marginBp },
      customer,
    )
  ).map((a) => ({ ...a, approverName: a.approverName ?? t(locale, '（未配置）', '(nobody)') }));
  const credit = await creditPosition(db, customer.id, { thisOrderFen: priced.grossFen });

  const validUntil = dayjs(opts.today).add(config.pricing.quoteValidityDays, 'day').format('YYYY-MM-DD');
  const quote = await db.writeTx(async (tx) => {
    const number = await nextDocumentNumber(db, 'QT', opts.today.replace(/-/g, ''), { transaction: tx });
    const q = await Quote.create(
      {
        number,
        customerId: customer.id,
        ownerUserId: user.id,
        opportunityId: opportunity?.id ?? null,
        validUntil,
        gradeDiscountBp,
        manualDiscountBp: cmd.discountBp,
        netFen: priced.netFen,
        taxFen: priced.taxFen,
        totalFen: priced.grossFen,
        costFen: priced.costFen,
        marginBp: priced.marginBp,
        workflowId: null,
        notes: null,
      },
      { transaction: tx },
    );
    await QuoteLine.bulkCreate(
      rows.map((r, i) => {
        const l = priced.lines[i] as (typeof priced.lines)[number];
        return {
          quoteId: q.id,
          lineNo: i + 1,
          productId: r.product.id,
          qty: l.qty,
          listPriceFen: l.listPriceFen,
          unitPriceFen: l.unitPriceFen,
          netFen: l.netFen,
          taxFen: l.taxFen,
          vatRateBp: l.vatRateBp,
          costFen: l.costFen,
          availableQty: r.stock.availableNow,
          earliestShipDate: r.stock.earliestShipDate,
        };
      }),
      { transaction: tx },
    );
    return q;
  });

  const lines: QuoteCardLine[] = rows.map((r, i) => ({
    sku: r.product.sku,
    name: r.product.name,
    unit: r.product.unit,
    priced: priced.lines[i] as QuoteCardLine['priced'],
    availableNow: r.stock.availableNow,
    earliestShipDate: r.stock.earliestShipDate,
    needsReplenishment: r.stock.needsReplenishment,
  }));
  const card = quoteDraftCard(
    {
      quoteId: quote.id,
      number: quote.number,
      customer: customer.name,
      grade: customer.grade,
      gradeDiscountBp,
      manualDiscountBp: cmd.discountBp,
      validUntil,
      lines,
      totals: priced,
      approvals,
      showCost: may(user, 'cost.view'),
      opportunity: opportunity ? `${opportunity.number} ${opportunity.name}` : null,
    },
    locale,
  );
  if (credit.over) {
    const finance = await approverFor(db, 'finance', customer);
    card.notes = [
      ...(card.notes ?? []),
      t(
        locale,
        `信用额度：${credit.message.zh}，提交后需财务${finance ? ` ${finance.name}` : ''}审批`,
        `credit: ${credit.message.en}; finance must approve after submission`,
      ),
    ];
  }
  return [{ kind: 'card', card }];
}

type Picked = Found<{ customerId: number; opportunity: { id: number; number: string; name: string } | null }>;

/** The customer named, among those the user may quote for; one they may not is answered like none. */
async function customerToQuote(db: Db, user: UserContext, name: string, locale: Locale): Promise<Picked> {
  const text = (zh: string, en: string) => ({ reply: [{ kind: 'text' as const, text: t(locale, zh, en) }] });
  const customers = await db.models.Customer.findAll({ attributes: ['id', 'code', 'name', 'ownerUserId', 'teamId'] });
  const visible = customers.filter((c) => may(user, 'quote.create', c));
  const hit = resolveOne(
    name,
    visible.map((c) => ({ code: c.code, name: c.name, value: c.id })),
  );
  if ('found' in hit) return { found: { customerId: hit.found.value, opportunity: null } };
  if (hit.choices.length)
    return text(
      `找到多个客户：${hit.choices.map((c) => c.name).join('、')}，请写全称`,
      `Several customers match: ${hit.choices.map((c) => c.name).join(', ')}`,
    );
  return text(`没有找到客户“${name}”`, `No customer matches "${name}"`);
}

/** The opportunity's customer; a won or lost opportunity takes no more quotes. */
async function fromOpportunity(db: Db, user: UserContext, number: string, locale: Locale): Promise<Picked> {
  const hit = await findOpportunity(db, user, 'opportunity.edit', number, locale);
  if (!('found' in hit)) return hit;
  const o = hit.found;
  const stage = OPPORTUNITY_STAGE.labels[o.stage as Stage];
  if (isClosedStage(o.stage as Stage))
    return {
      reply: [
        {
          kind: 'text',
          text: t(
            locale,
            `商机 ${o.number} 已${stage.zh}，不能再报价`,
            `Opportunity ${o.number} is ${stage.en.toLowerCase()}: no more quotes`,
          ),
        },
      ],
    };
  const customer = await db.models.Customer.findByPk(o.customerId, { attributes: ['id', 'ownerUserId', 'teamId'] });
  if (!customer || !may(user, 'quote.create', customer))
    return { reply: [{ kind: 'text', text: t(locale, `没有找到商机 ${number}`, `No opportunity ${number}`) }] };
  return { found: { customerId: customer.id, opportunity: { id: o.id, number: o.number, name: o.name } } };
}
