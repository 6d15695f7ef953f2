import { yuanToFen } from '../../domain/money';
import { amountText, editDistance, normalise, parseQuantity } from '../text';

/**
 * The chat command language, Chinese first, English accepted: a command word (with its
 * synonyms) and its arguments. Parsing is pure — names are resolved against the database by
 * the command handlers. A malformed command gets a reason and an example of the right form.
 */

export interface Item {
  sku: string;
  qty: number;
}

export type Command =
  | { kind: 'stock'; query: string }
  | { kind: 'customer'; query: string }
  | { kind: 'quote'; customer: string; items: Item[]; discountBp: number }
  | { kind: 'order'; orderNo: string }
  | { kind: 'ship'; orderNo: string; items: Item[]; carrier: string; trackingNo: string }
  | { kind: 'payment'; customer: string; amountFen: number }
  | { kind: 'tasks' }
  | { kind: 'help'; topic: CommandKind | null };

export type CommandKind = Command['kind'];
export interface Bilingual {
  zh: string;
  en: string;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; error: Bilingual; kind: CommandKind | null; example: Bilingual };

export const COMMANDS: Record<CommandKind, { words: string[]; example: Bilingual; summary: Bilingual }> = {
  stock: {
    words: ['库存', '查库存', '存货', 'stock', 'inventory', 'inv'],
    example: { zh: '库存 A100　或　查库存 螺栓', en: 'stock A100  or  stock bolt' },
    summary: { zh: '查库存：各仓可用、锁定、在库、在途', en: 'stock per warehouse: available, reserved, on hand, incoming' },
  },
  customer: {
    words: ['客户', '查客户', '客户360', 'customer', 'cust'],
    example: { zh: '客户 华东机电', en: 'customer 华东机电' },
    summary: {
      zh: '客户360：信用、报价、订单、应收账龄、最近跟进',
      en: 'customer 360: credit, quotes, orders, receivables, last follow-up',
    },
  },
  quote: {
    words: ['报价', '报价单', 'quote', 'quotation'],
    example: { zh: '报价 华东机电 A100×2000 B200×20 折扣12%', en: 'quote 华东机电 A100x2000 B200x20 discount 12%' },
    summary: { zh: '报价：阶梯价、客户折扣、税、交期、审批人', en: 'quote: tier price, discounts, VAT, ship date, approvers' },
  },
  order: {
    words: ['订单', '查订单', 'order'],
    example: { zh: '订单 SO-20261123-0001', en: 'order SO-20261123-0001' },
    summary: { zh: '订单进度', en: 'order status' },
  },
  ship: {
    words: ['发货', '出库', 'ship', 'shipment'],
    example: { zh: '发货 SO-20261123-0001 A100×1200 顺丰 SF1234567890', en: 'ship SO-20261123-0001 A100x1200 SF SF1234567890' },
    summary: { zh: '发货（可部分发货）', en: 'ship (partial allowed)' },
  },
  payment: {
    words: ['回款', '收款', '到账', 'payment', 'pay', 'receipt'],
    example: { zh: '回款 华东机电 30000', en: 'payment 华东机电 30000' },
    summary: { zh: '登记回款并核销最早的应收', en: 'record a payment, written off oldest first' },
  },
  tasks: {
    words: ['待办', '我的待办', '任务', 'tasks', 'todo', 'todos'],
    example: { zh: '待办', en: 'tasks' },
    summary: { zh: '我的待办', en: 'my tasks' },
  },
  help: {
    words: ['帮助', '菜单', '?', '？', 'help', 'menu'],
    example: { zh: '帮助　或　帮助 报价', en: 'help  or  help quote' },
    summary: { zh: '命令说明', en: 'what I can do' },
  },
};

const WORD_TO_KIND = new Map<string, CommandKind>();
for (const [kind, c] of Object.entries(COMMANDS) as [CommandKind, (typeof COMMANDS)[CommandKind]][]) {
  for (const w of c.words) WORD_TO_KIND.set(w.toLowerCase(), kind);
}

/** Command words, longest first, so that 查库存 is tried before 库存 (built once: parsing runs on every message). */
const WORDS_LONGEST_FIRST = [...WORD_TO_KIND.keys()].sort((a, b) => b.length - a.length);

const fail = (kind: CommandKind | null, zh: string, en: string): ParseResult => ({
  ok: false,
  error: { zh, en },
  kind,
  example: kind ? COMMANDS[kind].example : COMMANDS.help.example,
});

/** The command word may be glued to its argument: 库存A100, 报价华东机电 …; longest word first. */
function splitCommandWord(text: string): { kind: CommandKind; rest: string } | null {
  const lower = text.toLowerCase();
  for (const w of WORDS_LONGEST_FIRST) {
    if (!lower.startsWith(w)) continue;
    const rest = text.slice(w.length);
    // an English word must end at a space; a Chinese one may run straight into its argument
    if (/^[a-z]/.test(w) && rest && !/^[\s:]/.test(rest)) continue;
    return { kind: WORD_TO_KIND.get(w) as CommandKind, rest: rest.replace(/^[\s:]+/, '') };
  }
  return null;
}

const ITEM = /^([A-Za-z0-9][A-Za-z0-9._-]*)×(.+)$/;

function parseItems(tokens: string[], kind: CommandKind): { items: Item[]; rest: string[] } | ParseResult {
  const items: Item[] = [];
  const rest: string[] = [];
  for (const t of tokens) {
    const m = ITEM.exec(t);
    if (!m) {
      rest.push(t);
      continue;
    }
    const qty = parseQuantity(m[2] as string);
    if (qty === null || qty <= 0)
      return fail(kind, `数量不对：“${t}”，数量应为正整数`, `bad quantity in "${t}": expected a positive whole number`);
    items.push({ sku: (m[1] as string).toUpperCase(), qty });
  }
  return { items, rest };
}

/** 折扣12% · discount 12% · 12%off · 打88折 / 88折 (pay 88 %) · 9.5折 (pay 95 %). */
function takeDiscount(tokens: string[]): { discountBp: number; rest: string[] } | null {
  const joined = tokens.join(' ');
  // whole tokens only, so "折扣120%" is read as 120 % (and refused), never as 20 %
  // after the word 折扣/discount the % sign may be left out: "折扣12" means 12 %
  const pct =
    /(?:^|\s)(?:(?:折扣|优惠|降价|discount|off)\s*:?\s*)?(\d{1,3}(?:\.\d{1,2})?)%(?:\s*(?:off|折扣))?(?=\s|$)/i.exec(joined) ??
    /(?:^|\s)(?:折扣|优惠|降价|discount)\s*:?\s*(\d{1,3}(?:\.\d{1,2})?)(?=\s|$)/i.exec(joined);
  const zhe = /(?:^|\s)打?(\d{1,2}(?:\.\d)?)折(?=\s|$)/.exec(joined);
  let discountBp: number | null = null;
  let matched = '';
  if (pct) {
    discountBp = Math.round(Number(pct[1]) * 100);
    matched = pct[0];
  } else if (zhe) {
    const n = Number(zhe[1]);
    const payBp = n < 10 ? Math.round(n * 1000) : Math.round(n * 100);
    discountBp = 10_000 - payBp;
    matched = zhe[0];
  }
  if (discountBp === null) return null;
  const rest = joined.replace(matched, ' ').split(' ').filter(Boolean);
  return { discountBp, rest };
}

export function parseCommand(input: string): ParseResult {
  const text = normalise(input);
  if (!text) return fail('help', '请输入命令', 'please type a command');
  const split = splitCommandWord(text);
  if (!split) return unknown(text);
  const { kind, rest } = split;
  const tokens = rest.split(' ').filter(Boolean);
  switch (kind) {
    case 'stock':
    case 'customer':
      if (!rest)
        return fail(
          kind,
          kind === 'stock' ? '缺少商品编码或名称' : '缺少客户名称',
          kind === 'stock' ? 'missing a SKU or product name' : 'missing a customer name',
        );
      return { ok: true, command: { kind, query: rest } };
    case 'order': {
      const orderNo = tokens[0]?.toUpperCase() ?? '';
      if (!/^SO-[A-Z0-9-]+$/.test(orderNo) || tokens.length > 1)
        return fail(kind, '订单号应形如 SO-20261123-0001', 'an order number looks like SO-20261123-0001');
      return { ok: true, command: { kind, orderNo } };
    }
    case 'quote':
      return parseQuote(tokens);
    case 'ship':
      return parseShip(tokens);
    case 'payment':
      return parsePayment(tokens);
    case 'tasks':
      return { ok: true, command: { kind } };
    case 'help': {
      const topic = tokens[0] ? (splitCommandWord(tokens[0])?.kind ?? null) : null;
      return { ok: true, command: { kind, topic } };
    }
  }
}

function parseQuote(tokens: string[]): ParseResult {
  const parsed = parseItems(tokens, 'quote');
  if ('ok' in parsed) return parsed;
  if (parsed.items.length === 0) return fail('quote', '缺少商品和数量，例如 A100×2000', 'missing items with quantities, e.g. A100x2000');
  const discount = takeDiscount(parsed.rest);
  const customerTokens = discount ? discount.rest : parsed.rest;
  if (discount && (discount.discountBp < 0 || discount.discountBp >= 10_000))
    return fail('quote', '折扣应在 0% 到 99.99% 之间', 'a discount is between 0% and 99.99%');
  const stray = customerTokens.find((t) => /\d+%|折$/.test(t));
  if (stray) return fail('quote', `看不懂“${stray}”，折扣请写成 折扣12%`, `could not read "${stray}"; write a discount as "discount 12%"`);
  const customer = customerTokens.join(' ');
  if (!customer) return fail('quote', '缺少客户名称', 'missing the customer name');
  const seen = new Set<string>();
  for (const i of parsed.items) {
    if (seen.has(i.sku))
      return fail('quote', `商品 ${i.sku} 出现了两次，请合并数量`, `${i.sku} appears twice; give one line with the total quantity`);
    seen.add(i.sku);
  }
  return { ok: true, command: { kind: 'quote', customer, items: parsed.items, discountBp: discount?.discountBp ?? 0 } };
}

function parseShip(tokens: string[]): ParseResult {
  const orderNo = tokens[0]?.toUpperCase() ?? '';
  if (!/^SO-[A-Z0-9-]+$/.test(orderNo))
    return fail('ship', '第一个参数应为订单号，例如 SO-20261123-0001', 'the first argument is the order number, e.g. SO-20261123-0001');
  const parsed = parseItems(tokens.slice(1), 'ship');
  if ('ok' in parsed) return parsed;
  if (parsed.items.length === 0) return fail('ship', '缺少发货商品和数量，例如 A100×1200', 'missing items with quantities, e.g. A100x1200');
  const [carrier, trackingNo, ...extra] = parsed.rest;
  if (!carrier || !trackingNo || extra.length)
    return fail('ship', '请写明承运商和运单号，例如 顺丰 SF1234567890', 'give the carrier and the tracking number, e.g. SF SF1234567890');
  if (!/^[A-Za-z0-9-]{6,32}$/.test(trackingNo))
    return fail('ship', `运单号“${trackingNo}”格式不对`, `tracking number "${trackingNo}" does not look right`);
  return { ok: true, command: { kind: 'ship', orderNo, items: parsed.items, carrier, trackingNo: trackingNo.toUpperCase() } };
}

function parsePayment(tokens: string[]): ParseResult {
  const last = tokens[tokens.length - 1] ?? '';
  const amount = amountText(last);
  if (!amount)
    return fail('payment', '最后一个参数应为金额（元），例如 30000 或 3万', 'the last argument is the amount in yuan, e.g. 30000');
  const amountFen = yuanToFen(amount);
  if (amountFen <= 0) return fail('payment', '回款金额必须大于 0', 'the amount must be more than 0');
  const customer = tokens.slice(0, -1).join(' ');
  if (!customer) return fail('payment', '缺少客户名称', 'missing the customer name');
  return { ok: true, command: { kind: 'payment', customer, amountFen } };
}

/** Not a command: the nearest command word, or what a bare SKU or order number most likely meant. */
function unknown(text: string): ParseResult {
  const first = text.split(' ')[0] as string;
  if (/^SO-/i.test(first))
    return fail('order', `没有这个命令：“${first}”。要查订单吗？`, `unknown command "${first}" — did you mean order?`);
  if (/^[A-Za-z]{1,3}\d{2,}$/.test(first))
    return fail('stock', `没有这个命令：“${first}”。要查库存吗？`, `unknown command "${first}" — did you mean stock?`);
  let best: { kind: CommandKind; d: number } | null = null;
  for (const [w, kind] of WORD_TO_KIND) {
    const d = editDistance(first.toLowerCase().slice(0, w.length + 1), w);
    if (d <= Math.max(1, Math.floor(w.length / 3)) && (!best || d < best.d)) best = { kind, d };
  }
  if (best) {
    const word = COMMANDS[best.kind].words[0] as string;
    return fail(
      best.kind,
      `没有这个命令：“${first}”。您是想用“${word}”吗？`,
      `unknown command "${first}" — did you mean "${COMMANDS[best.kind].words.find((w) => /^[a-z]/.test(w))}"?`,
    );
  }
  return fail(null, `看不懂“${first}”。发送“帮助”查看可用命令`, `I don't know "${first}". Send "help" for the commands`);
}
