import { Op } from 'sequelize';
import type { AppConfig } from '../../config';
import { ratioBp } from '../../domain/money';
import { may } from '../../domain/permissions';
import type { PricedLine } from '../../domain/pricing';
import { policyApprovers } from '../../models/approvers';
import type { Db } from '../../models/db';
import type { Card, Locale } from '../cards/card';
import { type QuoteCardData, quoteDraftCard } from '../cards/quote';
import type { UserContext } from '../user-context';

/** The quote card rebuilt from the saved quote (after a click changes its stage). */
export async function quoteCardFromBooks(
  db: Db,
  config: AppConfig,
  quoteId: number,
  user: UserContext,
  stage: QuoteCardData['stage'],
  locale: Locale = 'zh',
): Promise<Card | null> {
  const { Quote, QuoteLine, Product, Customer } = db.models;
  const quote = await Quote.findByPk(quoteId);
  if (!quote) return null;
  const [customer, lines, opportunity] = await Promise.all([
    Customer.findByPk(quote.customerId),
    QuoteLine.findAll({ where: { quoteId }, order: [['lineNo', 'ASC']] }),
    quote.opportunityId ? db.models.Opportunity.findByPk(quote.opportunityId, { attributes: ['number', 'name'] }) : null,
  ]);
  const products = await Product.findAll({ where: { id: { [Op.in]: lines.map((l) => l.productId) } } });
  const priced = (l: (typeof lines)[number]): PricedLine => ({
    qty: l.qty,
    listPriceFen: l.listPriceFen,
    unitPriceFen: l.unitPriceFen,
    grossBeforeDiscountFen: l.unitPriceFen * l.qty,
    netFen: l.netFen,
    taxFen: l.taxFen,
    grossFen: l.netFen + l.taxFen,
    costFen: l.costFen,
    marginFen: l.netFen - l.costFen,
    marginBp: l.netFen ? ratioBp(l.netFen - l.costFen, l.netFen) : 0,
    effectiveDiscountBp: 0,
    gradeDiscountBp: quote.gradeDiscountBp,
    manualDiscountBp: quote.manualDiscountBp,
    vatRateBp: l.vatRateBp,
  });
  const approvals = (
    await policyApprovers(
      db,
      config.approval.rules,
      { totalFen: quote.totalFen, manualDiscountBp: quote.manualDiscountBp, marginBp: quote.marginBp },
      customer ?? { teamId: null },
    )
  ).map((a) => ({ ...a, approverName: a.approverName ?? '' }));
  return quoteDraftCard(
    {
      quoteId,
      number: quote.number,
      customer: customer?.name ?? '',
      grade: customer?.grade ?? '',
      gradeDiscountBp: quote.gradeDiscountBp,
      manualDiscountBp: quote.manualDiscountBp,
      validUntil: quote.validUntil,
      lines: lines.map((l) => {
        const p = products.find((x) => x.id === l.productId);
        return {
          sku: p?.sku ?? '',
          name: p?.name ?? '',
          unit: p?.unit ?? '',
          priced: priced(l),
          availableNow: l.availableQty,
          earliestShipDate: l.earliestShipDate ?? '',
          needsReplenishment: l.availableQty < l.qty,
        };
      }),
      totals: {
        grossBeforeDiscountFen: lines.reduce((s, l) => s + l.unitPriceFen * l.qty, 0),
        netFen: quote.netFen,
        taxFen: quote.taxFen,
        grossFen: quote.totalFen,
        costFen: quote.costFen,
        marginFen: quote.netFen - quote.costFen,
        marginBp: quote.marginBp,
        effectiveDiscountBp: 0,
        maxManualDiscountBp: quote.manualDiscountBp,
      },
      approvals,
      showCost: may(user, 'cost.view'),
      opportunity: opportunity ? `${opportunity.number} ${opportunity.name}` : null,
      stage,
    },
    locale,
  );
}
