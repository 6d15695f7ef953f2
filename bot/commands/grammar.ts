import { editDistance, normalise } from '../text';
import {
  parseAdvance,
  parseConvert,
  parseDone,
  parseFollowUp,
  parseLeads,
  parseNewLead,
  parseOpportunities,
  parseTasks,
  recordNumber,
} from './crm-grammar';
import { takeDiscount } from './discount';
import { parseItems } from './items';
import { fmtInt, MAX_PAYMENT_FEN, type NumberProblem, type Reading, readAmountFen } from './numerals';
import { readCommandWord } from './phrasing';
import { type Bilingual, COMMANDS, type CommandKind, fail, type ParseResult, splitCommandWord, WORD_TO_KIND } from './vocabulary';

export { localeOf } from './phrasing';
export { type Bilingual, COMMANDS, type Command, type CommandKind, type Item, type ParseResult } from './vocabulary';

/**
 * The chat command language, Chinese first, English accepted: a command word (with its
 * synonyms) and its arguments, typed as loosely as people do (phrasing.ts). Parsing is pure —
 * names are resolved against the database by the command handlers. A malformed command, or a
 * number that cannot be meant (10折, a quantity of 0 or 9 × 10¹⁵, ¥10¹⁵), gets a reason and an
 * example of the right form.
 */

const failWith = (kind: CommandKind, e: Bilingual): ParseResult => fail(kind, e.zh, e.en);

export function parseCommand(input: string): ParseResult {
  const text = normalise(input);
  if (!text) return fail('help', '请输入命令', 'please type a command');
  const read = readCommandWord(text);
  if (!read.split) return read.asked ? askedWhat(read.text) : unknown(text);
  const { kind, rest } = read.split;
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
      return parseTasks(rest);
    case 'done':
      return parseDone(tokens);
    case 'leads':
      return parseLeads(tokens);
    case 'lead_new':
      return parseNewLead(tokens);
    case 'follow_up':
      return parseFollowUp(tokens);
    case 'convert':
      return parseConvert(tokens);
    case 'opportunities':
      return parseOpportunities(tokens);
    case 'advance':
      return parseAdvance(rest);
    case 'approve':
    case 'reject':
    case 'submit':
    case 'cancel':
      return parseCardReply(kind, rest);
    case 'bindcode':
      if (!rest) return fail(kind, '缺少同事的姓名、登录名或工号', 'missing the colleague’s name, login or employee number');
      return { ok: true, command: { kind, who: rest } };
    case 'bind': {
      const code = /^(\d{6})$/.exec(rest.replace(/\s+/g, ''))?.[1];
      if (!code) return fail(kind, '绑定码是 6 位数字，请向管理员索取', 'a bind code has 6 digits; ask an administrator for one');
      return { ok: true, command: { kind, code } };
    }
    case 'help': {
      const topic = tokens[0] ? (splitCommandWord(tokens[0])?.kind ?? null) : null;
      return { ok: true, command: { kind, topic } };
    }
  }
}

/**
 * A card's button typed as text: 同意 12, 驳回 12 理由, 提交 5, 取消报价 5, 取消订单 7 理由 (the number
 * is the one the card shows). A rejection needs its reason: the person is asked for it.
 */
function parseCardReply(kind: 'approve' | 'reject' | 'submit' | 'cancel', rest: string): ParseResult {
  let text = rest;
  let what: 'quote' | 'order' | null = null;
  if (kind === 'cancel') {
    const target = /^(报价单?|订单|quote|order)\s*/i.exec(text);
    if (!target) return fail(kind, '要取消报价还是订单？', 'cancel a quote or an order?');
    what = /^(报价|quote)/i.test(target[1] as string) ? 'quote' : 'order';
    text = text.slice(target[0].length);
  }
  const m = /^#?(\d{1,9})(?:\s+|$)(.*)$/.exec(text);
  if (!m) return fail(kind, '请写明卡片上的编号', 'give the number shown on the card');
  const n = Number(m[1]);
  const reason = (m[2] ?? '').trim();
  switch (kind) {
    case 'approve':
      return { ok: true, command: { kind, n } };
    case 'submit':
      return { ok: true, command: { kind, n } };
    case 'reject':
      if (!reason)
        return {
          ok: false,
          kind,
          error: { zh: '请写明驳回理由', en: 'please give the reason' },
          example: { zh: `驳回 ${n} 折扣超出本季度政策`, en: `reject ${n} discount is over this quarter’s policy` },
        };
      return { ok: true, command: { kind, n, reason: reason.slice(0, 500) } };
    case 'cancel':
      return { ok: true, command: { kind, what: what as 'quote' | 'order', n, reason: reason.slice(0, 500) } };
  }
}

function parseQuote(tokens: string[]): ParseResult {
  const parsed = parseItems(tokens);
  if (!parsed.ok) return failWith('quote', parsed.error);
  if (parsed.items.length === 0) return fail('quote', '缺少商品和数量，例如 A100×2000', 'missing items with quantities, e.g. A100x2000');
  const discount = takeDiscount(parsed.rest);
  if (!discount.ok) return failWith('quote', discount.error);
  const customer = discount.rest.join(' ').replace(/^(?:给|为)\s+/, '');
  if (!customer) return fail('quote', '缺少客户名称', 'missing the customer name');
  // 报价 OP-2026-0001 …, 报价 商机 OP-2026-0001 …: the opportunity's customer, and the quote carries its link
  const fromOpportunity = /^(?:商机|opportunity|opp)?\s*(OP-\S+)$/i.exec(customer);
  const opportunityNo = fromOpportunity ? recordNumber(fromOpportunity[1] as string, 'OP') : null;
  const seen = new Set<string>();
  for (const i of parsed.items) {
    if (seen.has(i.sku))
      return fail('quote', `商品 ${i.sku} 出现了两次，请合并数量`, `${i.sku} appears twice; give one line with the total quantity`);
    seen.add(i.sku);
  }
  if (opportunityNo)
    return { ok: true, command: { kind: 'quote', customer: '', items: parsed.items, discountBp: discount.discountBp, opportunityNo } };
  return { ok: true, command: { kind: 'quote', customer, items: parsed.items, discountBp: discount.discountBp } };
}

function parseShip(tokens: string[]): ParseResult {
  const orderNo = tokens[0]?.toUpperCase() ?? '';
  if (!/^SO-[A-Z0-9-]+$/.test(orderNo))
    return fail('ship', '第一个参数应为订单号，例如 SO-20261123-0001', 'the first argument is the order number, e.g. SO-20261123-0001');
  const parsed = parseItems(tokens.slice(1));
  if (!parsed.ok) return failWith('ship', parsed.error);
  if (parsed.items.length === 0) return fail('ship', '缺少发货商品和数量，例如 A100×1200', 'missing items with quantities, e.g. A100x1200');
  const [carrier, trackingNo, ...extra] = parsed.rest;
  if (!carrier || !trackingNo || extra.length)
    return fail('ship', '请写明承运商和运单号，例如 顺丰 SF1234567890', 'give the carrier and the tracking number, e.g. SF SF1234567890');
  if (!/^[A-Za-z0-9-]{6,32}$/.test(trackingNo))
    return fail('ship', `运单号“${trackingNo}”格式不对`, `tracking number "${trackingNo}" does not look right`);
  return { ok: true, command: { kind: 'ship', orderNo, items: parsed.items, carrier, trackingNo: trackingNo.toUpperCase() } };
}

const AMOUNT_PROBLEM: Record<NumberProblem, (amount: string) => Bilingual> = {
  not_a_number: () => ({
    zh: '最后一个参数应为金额（元），例如 30000 或 3万',
    en: 'the last argument is the amount in yuan, e.g. 30000',
  }),
  negative: () => ({ zh: '回款金额必须大于 0', en: 'the amount must be more than 0' }),
  zero: () => ({ zh: '回款金额必须大于 0', en: 'the amount must be more than 0' }),
  fraction: (a) => ({ zh: `金额最多两位小数（精确到分）：“${a}”`, en: `an amount has at most two decimals (fen): "${a}"` }),
  too_large: (a) => ({
    zh: `金额“${a}”超过单笔上限 ¥${MAX_PAYMENT_FEN / 100 / 100_000_000}亿，请核对；更大的款项请分笔登记`,
    en: `amount "${a}" is over the limit: at most ¥${fmtInt(MAX_PAYMENT_FEN / 100)} per payment; check it, or record it in parts`,
  }),
};

const isNumber = (r: Reading) => r.ok || r.problem !== 'not_a_number';

/** 30000 元 → 30000元; 华东机电3万 → 华东机电 3万 (a name typed straight into its amount). */
function amountTokens(tokens: string[]): string[] {
  const t = tokens.reduce<string[]>((acc, w) => {
    const prev = acc[acc.length - 1];
    if (prev !== undefined && /^(?:[¥￥]|rmb|cny)$/i.test(prev))
      acc[acc.length - 1] = `${prev}${w}`; // ¥ 30000
    else acc.push(w);
    return acc;
  }, []);
  if (t.length > 1 && /^(?:元|块|块钱|万|万元|千|千元)$/.test(t[t.length - 1] as string)) {
    const unit = t.pop() as string;
    t.push(`${t.pop()}${unit}`);
  }
  const lastWord = t[t.length - 1] ?? '';
  const glued = /^(.*\p{Script=Han})((?:[¥￥])?\d[\d,]*(?:\.\d+)?(?:万|千|亿|w|k)?元?)$/u.exec(lastWord);
  if (glued && !isNumber(readAmountFen(lastWord))) t.splice(t.length - 1, 1, glued[1] as string, glued[2] as string);
  return t;
}

/** The amount is the last word (or, failing that, the first: 回款 3万 华东机电); the rest is the customer. */
function parsePayment(input: string[]): ParseResult {
  const tokens = amountTokens(input);
  const last = readAmountFen(tokens[tokens.length - 1] ?? '');
  const first = readAmountFen(tokens[0] ?? '');
  const atEnd = isNumber(last) || !isNumber(first);
  const amount = atEnd ? last : first;
  const amountWord = (atEnd ? tokens[tokens.length - 1] : tokens[0]) ?? '';
  if (!amount.ok) return failWith('payment', AMOUNT_PROBLEM[amount.problem](amountWord));
  const customer = (atEnd ? tokens.slice(0, -1) : tokens.slice(1)).join(' ');
  if (!customer) return fail('payment', '缺少客户名称', 'missing the customer name');
  return { ok: true, command: { kind: 'payment', customer, amountFen: amount.value } };
}

/** 查 华东机电, 看看: asked, but not what about. */
function askedWhat(text: string): ParseResult {
  if (!text) return fail(null, '要查什么？发送“帮助”查看可用命令', 'what would you like to see? Send "help" for the commands');
  return fail(
    null,
    `要查“${text}”的什么？客户请写“客户 ${text}”，库存请写“库存 ${text}”`,
    `what about "${text}"? write "customer ${text}" or "stock ${text}"`,
  );
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
