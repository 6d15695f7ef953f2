/**
 * The words of the chat command language: each command's words (with synonyms), example and
 * summary, and the shape of a parsed command. Shared by the parser, the rephrasing of loose
 * input and the help text.
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
  | { kind: 'help'; topic: CommandKind | null }
  /** a card's button typed as text (WeChat has no buttons; anyone may type it): bot/actions/typed.ts */
  | { kind: 'approve'; n: number }
  | { kind: 'reject'; n: number; reason: string }
  | { kind: 'submit'; n: number }
  | { kind: 'cancel'; what: 'quote' | 'order'; n: number; reason: string }
  /** an administrator issues a one-time code that binds someone's chat account (B5) */
  | { kind: 'bindcode'; who: string }
  /** the code sent back by the person it is for */
  | { kind: 'bind'; code: string };

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
    words: ['待办', '我的待办', '待办事项', '任务', 'tasks', 'todo', 'todos'],
    example: { zh: '待办', en: 'tasks' },
    summary: { zh: '我的待办', en: 'my tasks' },
  },
  approve: {
    words: ['同意', '批准', 'approve'],
    example: { zh: '同意 12', en: 'approve 12' },
    summary: { zh: '同意审批（编号见审批卡片）', en: 'approve (the number is on the approval card)' },
  },
  reject: {
    words: ['驳回', '拒绝', 'reject'],
    example: { zh: '驳回 12 折扣超出本季度政策', en: 'reject 12 discount is over this quarter’s policy' },
    summary: { zh: '驳回审批，写明理由', en: 'reject, with the reason' },
  },
  submit: {
    words: ['提交审批', '提交', 'submit'],
    example: { zh: '提交 5', en: 'submit 5' },
    summary: { zh: '报价提交审批（编号见报价卡片）', en: 'submit a quote for approval (the number is on the quote card)' },
  },
  cancel: {
    words: ['取消', 'cancel'],
    example: { zh: '取消报价 5　或　取消订单 7 客户改期', en: 'cancel quote 5  or  cancel order 7 customer postponed' },
    summary: { zh: '取消报价或订单', en: 'cancel a quote or an order' },
  },
  bindcode: {
    words: ['绑定码', 'bindcode', 'bind-code'],
    example: { zh: '绑定码 张伟', en: 'bindcode zhangwei' },
    summary: {
      zh: '管理员：生成一次性绑定码，让同事绑定微信等聊天账号',
      en: 'admin: a one-time code that binds a colleague’s chat account',
    },
  },
  bind: {
    words: ['绑定', 'bind'],
    example: { zh: '绑定 123456', en: 'bind 123456' },
    summary: { zh: '用管理员给的绑定码绑定本账号', en: 'bind this account with the code an admin gave you' },
  },
  help: {
    words: ['帮助', '菜单', '怎么用', '使用说明', '?', '？', 'help', 'menu'],
    example: { zh: '帮助　或　帮助 报价', en: 'help  or  help quote' },
    summary: { zh: '命令说明', en: 'what I can do' },
  },
};

export const WORD_TO_KIND = new Map<string, CommandKind>();
for (const [kind, c] of Object.entries(COMMANDS) as [CommandKind, (typeof COMMANDS)[CommandKind]][]) {
  for (const w of c.words) WORD_TO_KIND.set(w.toLowerCase(), kind);
}

/** Command words, longest first, so that 查库存 is tried before 库存 (built once: parsing runs on every message). */
export const WORDS_LONGEST_FIRST = [...WORD_TO_KIND.keys()].sort((a, b) => b.length - a.length);

export const fail = (kind: CommandKind | null, zh: string, en: string): ParseResult => ({
  ok: false,
  error: { zh, en },
  kind,
  example: kind ? COMMANDS[kind].example : COMMANDS.help.example,
});

/** An English word must end at a space; a Chinese one may run straight into its argument. */
export const isLatinWord = (w: string) => /^[a-z]/.test(w);

/** The command word may be glued to its argument: 库存A100, 报价华东机电 …; longest word first. */
export function splitCommandWord(text: string): { kind: CommandKind; rest: string } | null {
  const lower = text.toLowerCase();
  for (const w of WORDS_LONGEST_FIRST) {
    if (!lower.startsWith(w)) continue;
    const rest = text.slice(w.length);
    if (isLatinWord(w) && rest && !/^[\s:]/.test(rest)) continue;
    return { kind: WORD_TO_KIND.get(w) as CommandKind, rest: rest.replace(/^[\s:]+/, '') };
  }
  return null;
}
