import { readStage } from '../../domain/opportunity-stages';
import { OPPORTUNITY_STAGE } from '../../domain/statuses';
import { DAY_EXAMPLE, type DaySpec, readDaySpec } from './dates';
import { readAmountFen } from './numerals';
import { type FollowUpStatus, fail, type LeadSource, type ParseResult } from './vocabulary';

/**
 * The arguments of the CRM commands (线索, 跟进, 转化, 商机, 推进, 待办, 完成), read as loosely
 * as the rest of the grammar: the words of a new lead in any order, a follow-up's next date
 * glued or not to 下次, a stage with its reason typed straight after it. Record numbers are
 * LD-2026-0001 and OP-2026-0001, in any case and with the leading zeros left out (ld-2026-1).
 */

const RECORD_NO = /^(LD|OP)-(\d{4})-(\d{1,7})$/i;

/** ld-2026-1 → LD-2026-0001; null when it is not a lead or opportunity number. */
export function recordNumber(token: string, prefix: 'LD' | 'OP'): string | null {
  const m = RECORD_NO.exec(token.trim());
  if (!m || (m[1] as string).toUpperCase() !== prefix) return null;
  return `${prefix}-${m[2]}-${(m[3] as string).padStart(4, '0')}`;
}

const SOURCE_WORDS: Record<LeadSource, string[]> = {
  website: ['官网表单', '官网', '网站', '网页', '表单', 'website', 'web', 'form'],
  expo: ['展会', '展销会', '会展', '展览会', 'expo', 'fair', 'tradeshow', 'trade-show'],
  phone: ['电话', '来电', '电话咨询', 'phone', 'call'],
  referral: ['转介绍', '介绍', '推荐', '老客户介绍', 'referral', 'referred'],
  manual: ['手工录入', '手工', '手动', '录入', 'manual'],
};
const SOURCE_OF = new Map(Object.entries(SOURCE_WORDS).flatMap(([s, words]) => words.map((w) => [w.toLowerCase(), s as LeadSource])));

const MOBILE = /^(?:\+?86-?)?(1[3-9]\d{9})$/;
const LANDLINE = /^0\d{2,3}-?\d{7,8}$/;
const DIGITS = /^[+\d-]{5,}$/;
const COMPANY =
  /(?:公司|集团|厂|商行|商贸|贸易|科技|机电|实业|工业|制造|电气|设备|五金|企业|研究所|研究院|医院|学校|大学|中心|店|co\.?|ltd\.?|inc\.?|corp\.?|llc|gmbh|company|group|factory)$/i;
/** a person's name: two to four Chinese characters, or one or two Latin words */
const PERSON = /^(?:\p{Script=Han}{2,4}|[A-Za-z][a-z]+(?: [A-Za-z][a-z]+)?)$/u;

/** 线索 新 张三 13800000000 官网表单 华东机电 … — the words in any order, told apart by their shape. */
export function parseNewLead(tokens: string[]): ParseResult {
  let mobile: string | null = null;
  let source: LeadSource | null = null;
  const words: string[] = [];
  for (const t of tokens) {
    const m = MOBILE.exec(t);
    if (m && !mobile) mobile = m[1] as string;
    else if (LANDLINE.test(t) && !mobile) mobile = t;
    else if (DIGITS.test(t))
      return fail('lead_new', `电话号码“${t}”不对：手机号应为 11 位，座机如 021-12345678`, `phone number "${t}" does not look right`);
    else if (SOURCE_OF.has(t.toLowerCase()) && !source) source = SOURCE_OF.get(t.toLowerCase()) as LeadSource;
    else words.push(t);
  }
  const companyAt = words.findIndex((w) => COMPANY.test(w));
  let company: string | undefined;
  let contact: string | undefined;
  if (companyAt >= 0) {
    // Tom … Acme Trading Co: an English name's words before its suffix belong to it, but the first word is the contact
    let from = companyAt;
    const latin = (w: string | undefined) => w !== undefined && /^[A-Za-z][\w&.'-]*$/.test(w);
    if (latin(words[companyAt])) while (from > 1 && latin(words[from - 1])) from--;
    company = words.splice(from, companyAt - from + 1).join(' ');
    contact = words[0] && PERSON.test(words[0]) ? words.shift() : undefined;
  } else if (words.length >= 2 && PERSON.test(words[0] as string)) {
    contact = words.shift();
    company = words.shift();
  } else if (words[0] && !PERSON.test(words[0])) company = words.shift();
  if (!company)
    return fail(
      'lead_new',
      '缺少公司名称（联系人之后写公司，例如 张三 … 华东机电）',
      'missing the company name (after the contact, e.g. 张三 … 华东机电)',
    );
  if (!mobile && !contact)
    return fail('lead_new', '请写联系人或电话，否则没法跟进', 'give a contact name or a phone number, or nobody can follow it up');
  if (company.length > 128) return fail('lead_new', '公司名称太长（最多 128 字）', 'the company name is too long (128 at most)');
  const note = words.join(' ').slice(0, 255) || null;
  return {
    ok: true,
    command: { kind: 'lead_new', lead: { companyName: company, contactName: contact ?? null, mobile, source: source ?? 'manual', note } },
  };
}

/** 线索 / 线索 新 … / 线索 LD-2026-0001 / 线索 华东 */
export function parseLeads(tokens: string[]): ParseResult {
  const first = tokens[0]?.toLowerCase();
  if (first && ['新', '新建', '新增', '添加', '录入', 'new', 'add'].includes(first)) return parseNewLead(tokens.slice(1));
  if (tokens.length === 0) return { ok: true, command: { kind: 'leads', query: null } };
  return { ok: true, command: { kind: 'leads', query: recordNumber(tokens[0] as string, 'LD') ?? tokens.join(' ') } };
}

const STATUS_WORDS: Record<string, FollowUpStatus> = {
  意向: 'interested',
  有意向: 'interested',
  interested: 'interested',
  意向强烈: 'strong',
  强烈意向: 'strong',
  高意向: 'strong',
  strong: 'strong',
  无效: 'invalid',
  无效线索: 'invalid',
  invalid: 'invalid',
};

const METHODS: [RegExp, string][] = [
  [/拜访|上门|见面|面谈|visit|met /i, 'visit'],
  [/微信|wechat/i, 'wechat'],
  [/邮件|邮箱|email|e-mail/i, 'email'],
  [/电话|致电|通话|来电|call|phone/i, 'phone'],
];

/** How the follow-up was made, from its words; 'other' when they do not say. */
export function followUpMethod(content: string): string {
  return METHODS.find(([re]) => re.test(content))?.[1] ?? 'other';
}

// 下次 周五, 下次周五, 下次跟进: 12月5日, next friday, next: in 3 days — at a word's start
const NEXT = /(?:^|\s)(下次跟进|下次联系|下次|下回|next follow-?up|next)\s*:?\s*/gi;

/** 跟进 <线索或客户> <内容> [下次 <日期>] */
export function parseFollowUp(tokens: string[]): ParseResult {
  const [target, ...rest] = tokens;
  if (!target) return fail('follow_up', '缺少线索编号或客户名称', 'missing the lead number or customer name');
  const body = rest.join(' ');
  let content = body;
  let next: DaySpec | null = null;
  // the last 下次 that reads as a date is the next follow-up; 下次 as a word of its own that
  // does not is a mistaken date, while one inside a sentence (下次再联系) is just words
  let unread: { text: string; en: string } | null = null;
  for (const m of [...body.matchAll(NEXT)].reverse()) {
    const at = (m.index ?? 0) + m[0].length;
    const dateText = body.slice(at).trim();
    const read = readDaySpec(dateText);
    if (read.ok) {
      next = read.spec;
      content = body.slice(0, m.index).trim();
      unread = null;
      break;
    }
    if (!unread && (/[\s:]$/.test(m[0]) || at === body.length)) unread = { text: dateText, en: read.error.en };
  }
  if (unread)
    return fail(
      'follow_up',
      unread.text ? `下次跟进的日期“${unread.text}”看不懂，请写 ${DAY_EXAMPLE.zh}` : `“下次”后面缺少日期，请写 ${DAY_EXAMPLE.zh}`,
      unread.text ? `${unread.en}: write ${DAY_EXAMPLE.en}` : `missing the date after "next": write ${DAY_EXAMPLE.en}`,
    );
  const recordNo = recordNumber(target, 'LD') ?? target;
  if (!content)
    return fail(
      'follow_up',
      `缺少跟进内容，例如 跟进 ${recordNo} 电话沟通 客户要报价`,
      `missing what was said, e.g. follow-up ${recordNo} called, wants a quote`,
    );
  const status = STATUS_WORDS[(content.split(' ')[0] as string).toLowerCase()] ?? null;
  return { ok: true, command: { kind: 'follow_up', target: recordNo, content, status, method: followUpMethod(content), next } };
}

/** 转化 <线索> [商机名称] [金额] */
export function parseConvert(tokens: string[]): ParseResult {
  const [target, ...rest] = tokens;
  if (!target) return fail('convert', '缺少线索编号，例如 转化 LD-2026-0001', 'missing the lead number, e.g. convert LD-2026-0001');
  const last = rest[rest.length - 1];
  const amount = last !== undefined ? readAmountFen(last) : null;
  if (amount && !amount.ok && amount.problem !== 'not_a_number')
    return fail(
      'convert',
      `商机金额“${last}”不对：应为大于 0 的元，例如 5万`,
      `opportunity amount "${last}" is wrong: yuan above 0, e.g. 50000`,
    );
  const amountFen = amount?.ok ? amount.value : null;
  const name = (amountFen !== null ? rest.slice(0, -1) : rest).join(' ').slice(0, 128) || null;
  return { ok: true, command: { kind: 'convert', target: recordNumber(target, 'LD') ?? target, name, amountFen } };
}

/** 商机 / 商机 OP-2026-0001 / 商机 华东机电 */
export function parseOpportunities(tokens: string[]): ParseResult {
  if (tokens.length === 0) return { ok: true, command: { kind: 'opportunities', query: null } };
  return { ok: true, command: { kind: 'opportunities', query: recordNumber(tokens[0] as string, 'OP') ?? tokens.join(' ') } };
}

const STAGE_NAMES = OPPORTUNITY_STAGE.values.map((s) => OPPORTUNITY_STAGE.labels[s]);

/** 推进 OP-2026-0001 [到] 方案报价 | 输单 <原因>; also glued: 推进OP-2026-0001到商务谈判 */
export function parseAdvance(rest: string): ParseResult {
  const head = /^(OP-\d{4}-\d{1,7})(.*)$/i.exec(rest.trim());
  const opportunityNo = head ? recordNumber(head[1] as string, 'OP') : null;
  if (!head || !opportunityNo)
    return fail(
      'advance',
      '第一个参数应为商机编号，例如 OP-2026-0001（发“商机”查看）',
      'the first argument is the opportunity number, e.g. OP-2026-0001',
    );
  const after = (head[2] as string).trim().replace(/^(?:到|至|为|->|→|to\s)\s*/i, '');
  const read = readStage(after);
  if (!read)
    return fail(
      'advance',
      `${after ? `没有“${after.split(' ')[0]}”这个阶段` : '缺少阶段'}，可选：${STAGE_NAMES.map((l) => l.zh).join('、')}`,
      `${after ? `no stage "${after.split(' ')[0]}"` : 'missing the stage'}; one of ${STAGE_NAMES.map((l) => l.en).join(', ')}`,
    );
  const reason = read.rest.trim().slice(0, 255) || null;
  return { ok: true, command: { kind: 'advance', opportunityNo, stage: read.stage, reason } };
}

/** 完成 12 / 完成 #12 #13 */
export function parseDone(tokens: string[]): ParseResult {
  const ids = tokens.map((t) => /^#?(\d{1,9})$/.exec(t)?.[1]);
  if (ids.length === 0 || ids.some((x) => x === undefined))
    return fail('done', '完成后面写待办编号（发“待办”查看），例如 完成 12', 'give the task number (see "tasks"), e.g. done 12');
  return { ok: true, command: { kind: 'done', taskIds: [...new Set(ids.map(Number))] } };
}

/** 待办 / 待办 张伟: someone else's list; "我的", "my" are one's own */
export function parseTasks(rest: string): ParseResult {
  const who = rest.trim();
  if (!who || /^我/.test(who) || /^(?:my|mine|me)$/i.test(who)) return { ok: true, command: { kind: 'tasks' } };
  return { ok: true, command: { kind: 'tasks', who } };
}
