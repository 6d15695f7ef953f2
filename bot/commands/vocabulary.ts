import type { Stage } from '../../domain/opportunity-stages';
import type { LEAD_SOURCE } from '../../domain/statuses';
import type { DaySpec } from './dates';

/**
 * The words of the chat command language: each command's words (with synonyms), example and
 * summary, and the shape of a parsed command. Shared by the parser, the rephrasing of loose
 * input and the help text.
 */

export interface Item {
  sku: string;
  qty: number;
}

/** A lead as typed after 线索 新: who, how to reach them, where they came from, which company. */
export interface NewLead {
  companyName: string;
  contactName: string | null;
  mobile: string | null;
  source: LeadSource;
  note: string | null;
}

export type Command =
  | { kind: 'stock'; query: string }
  | { kind: 'customer'; query: string }
  /** from an opportunity (报价 OP-2026-0001 …), `customer` is empty: the opportunity's customer is quoted */
  | { kind: 'quote'; customer: string; items: Item[]; discountBp: number; opportunityNo?: string }
  | { kind: 'order'; orderNo: string }
  | { kind: 'ship'; orderNo: string; items: Item[]; carrier: string; trackingNo: string }
  | { kind: 'payment'; customer: string; amountFen: number }
  /** someone else's list (a manager's team member): `who` */
  | { kind: 'tasks'; who?: string }
  | { kind: 'done'; taskIds: number[] }
  /** no query: my leads; a number or name: that lead */
  | { kind: 'leads'; query: string | null }
  | { kind: 'lead_new'; lead: NewLead }
  | { kind: 'follow_up'; target: string; content: string; status: FollowUpStatus | null; method: string; next: DaySpec | null }
  | { kind: 'convert'; target: string; name: string | null; amountFen: number | null }
  | { kind: 'opportunities'; query: string | null }
  | { kind: 'advance'; opportunityNo: string; stage: Stage; reason: string | null }
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

export type LeadSource = (typeof LEAD_SOURCE.values)[number];
/** the statuses a follow-up may set: what the customer said; 已转化 comes only from 转化 */
export type FollowUpStatus = 'interested' | 'strong' | 'invalid';

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
    summary: {
      zh: '报价：阶梯价、客户折扣、税、交期、审批人；从商机报价写商机编号：报价 OP-2026-0001 A100×100',
      en: 'quote: tier price, discounts, VAT, ship date, approvers; from an opportunity: quote OP-2026-0001 A100x100',
    },
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
    example: { zh: '待办　或　待办 张伟（经理看组员）', en: 'tasks  or  tasks 张伟 (a manager, a team member)' },
    summary: { zh: '我的待办：逾期在前，截止日期、优先级', en: 'my tasks: overdue first, due dates, priority' },
  },
  done: {
    words: ['完成', '已完成', '办结', 'done', 'complete', 'finish'],
    example: { zh: '完成 12', en: 'done 12' },
    summary: { zh: '完成一条待办（编号见“待办”）', en: 'close a task (numbers as in "tasks")' },
  },
  leads: {
    words: ['线索', '我的线索', '查线索', 'leads', 'lead'],
    example: { zh: '线索　或　线索 LD-2026-0001', en: 'leads  or  lead LD-2026-0001' },
    summary: { zh: '我的线索；线索详情和跟进记录', en: 'my leads; a lead with its follow-ups' },
  },
  lead_new: {
    words: ['新线索', '新建线索', '录线索', 'new lead', 'add lead'],
    example: { zh: '线索 新 张三 13800000000 官网表单 华东机电', en: 'lead new 张三 13800000000 website 华东机电' },
    summary: {
      zh: '新建线索：联系人、手机、来源（官网表单/展会/电话/转介绍/手工录入）、公司；自动轮流分配给组员',
      en: 'new lead: contact, mobile, source (website/expo/phone/referral/manual), company; assigned round-robin',
    },
  },
  follow_up: {
    words: ['跟进', '记跟进', '写跟进', 'follow-up', 'followup', 'follow up'],
    example: { zh: '跟进 LD-2026-0001 电话沟通 客户要报价 下次 周五', en: 'follow-up LD-2026-0001 called, wants a quote next friday' },
    summary: {
      zh: '记录跟进（线索或客户），可写状态（意向/意向强烈/无效）和下次日期，下次跟进进待办',
      en: 'record a follow-up (lead or customer), optionally a status and the next date (it becomes a task)',
    },
  },
  convert: {
    words: ['转化', '转客户', '转商机', 'convert'],
    example: { zh: '转化 LD-2026-0001　或　转化 LD-2026-0001 年度轴承采购 5万', en: 'convert LD-2026-0001' },
    summary: { zh: '线索转化为客户和商机', en: 'turn a lead into a customer and an opportunity' },
  },
  opportunities: {
    words: ['商机', '我的商机', '查商机', 'opportunities', 'opportunity', 'opps', 'opp', 'deals'],
    example: { zh: '商机　或　商机 OP-2026-0001', en: 'opportunities  or  opp OP-2026-0001' },
    summary: { zh: '我的商机：阶段、金额、预计成交', en: 'my opportunities: stage, amount, expected close' },
  },
  advance: {
    words: ['推进', '更新阶段', 'advance', 'stage'],
    example: {
      zh: '推进 OP-2026-0001 方案报价　或　推进 OP-2026-0001 输单 价格高于竞争对手',
      en: 'advance OP-2026-0001 proposal  or  advance OP-2026-0001 lost price too high',
    },
    summary: {
      zh: '推进商机：初步接触 → 需求分析 → 方案报价 → 商务谈判 → 赢单/输单（输单写原因）',
      en: 'move an opportunity: initial → needs → proposal → negotiation → won/lost (lost needs a reason)',
    },
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
