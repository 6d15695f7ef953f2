import type { Bilingual } from '../domain/errors';

/** The carrier and tracking-number columns (models/shipment.ts): longer input is refused, not truncated. */
export const MAX_CARRIER = 32;
export const MAX_TRACKING = 64;

/**
 * What is wrong with a shipment as typed, before anything is written: each SKU at most once
 * (twice would bill a line beyond its quantity or collide on its stock moves), positive whole
 * quantities, a carrier and tracking number that fit. Null when it may be recorded.
 */
export function shipmentInputProblem(input: {
  lines: { sku: string; qty: number }[];
  carrier: string;
  trackingNo: string;
}): Bilingual | null {
  if (input.lines.length === 0) return { zh: '请写明发货的商品和数量', en: 'say what to ship' };
  const total = new Map<string, { count: number; qty: number }>();
  for (const l of input.lines) {
    if (!Number.isSafeInteger(l.qty) || l.qty <= 0)
      return { zh: `${l.sku} 的数量“${l.qty}”不对，请写正整数`, en: `${l.sku}: quantity ${l.qty} must be a positive whole number` };
    const sku = l.sku.toUpperCase();
    const was = total.get(sku) ?? { count: 0, qty: 0 };
    total.set(sku, { count: was.count + 1, qty: was.qty + l.qty });
  }
  for (const [sku, { count, qty }] of total)
    if (count > 1)
      return {
        zh: `${sku} 写了 ${count} 次，请合并为一行，例如 ${sku}×${qty}`,
        en: `${sku} appears ${count} times; write it once, e.g. ${sku}x${qty}`,
      };
  if (!input.carrier.trim() || input.carrier.length > MAX_CARRIER)
    return { zh: `承运商名称应为 1–${MAX_CARRIER} 个字`, en: `the carrier name must be 1 to ${MAX_CARRIER} characters` };
  if (!input.trackingNo.trim() || input.trackingNo.length > MAX_TRACKING)
    return { zh: `运单号应为 1–${MAX_TRACKING} 个字符`, en: `the tracking number must be 1 to ${MAX_TRACKING} characters` };
  return null;
}
