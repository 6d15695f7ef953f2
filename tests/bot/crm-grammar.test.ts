import { describe, expect, it } from 'vitest';
import { type Command, localeOf, parseCommand } from '../../bot/commands/grammar';

/** The CRM commands as typed in chat → what they mean, or the reason they cannot be read. */

const ok = (text: string): Command => {
  const r = parseCommand(text);
  if (!r.ok) throw new Error(`${text}: ${r.error.zh}`);
  return r.command;
};
const refused = (text: string) => {
  const r = parseCommand(text);
  if (r.ok) throw new Error(`${text} was read as ${JSON.stringify(r.command)}`);
  return r;
};

describe('线索: list, look up, enter', () => {
  it.each([
    ['线索', { kind: 'leads', query: null }],
    ['我的线索', { kind: 'leads', query: null }],
    ['leads', { kind: 'leads', query: null }],
    ['线索 LD-2026-0001', { kind: 'leads', query: 'LD-2026-0001' }],
    ['线索 ld-2026-1', { kind: 'leads', query: 'LD-2026-0001' }],
    ['线索LD-2026-0012', { kind: 'leads', query: 'LD-2026-0012' }],
    ['线索 新华机械', { kind: 'leads', query: '新华机械' }], // a company starting with 新 is a name, not "new"
  ])('%s', (text, command) => expect(ok(text)).toEqual(command));

  const lead = (companyName: string, contactName: string | null, mobile: string | null, source: string, note: string | null = null) => ({
    kind: 'lead_new',
    lead: { companyName, contactName, mobile, source, note },
  });
  it.each([
    ['线索 新 张三 13800000000 官网表单 华东机电', lead('华东机电', '张三', '13800000000', 'website')],
    ['线索 新 张三 13800000000 官网表单 苏州精密机械有限公司', lead('苏州精密机械有限公司', '张三', '13800000000', 'website')],
    ['线索 新 苏州精密机械有限公司 展会 李四 13912345678', lead('苏州精密机械有限公司', '李四', '13912345678', 'expo')],
    [
      '新线索 王五 +8613700001111 转介绍 宁波海天贸易 要M8螺栓报价',
      lead('宁波海天贸易', '王五', '13700001111', 'referral', '要M8螺栓报价'),
    ],
    ['线索 新 张三 021-12345678 电话 上海某某', lead('上海某某', '张三', '021-12345678', 'phone')],
    ['线索 新 13800000000 无锡远大五金', lead('无锡远大五金', null, '13800000000', 'manual')],
    ['lead new Tom 13800000000 website Acme Co', lead('Acme Co', 'Tom', '13800000000', 'website')],
  ])('%s', (text, command) => expect(ok(text)).toEqual(command));

  it.each([
    ['线索 新 张三 1380000000 官网表单 华东机电', /电话号码“1380000000”不对/],
    ['线索 新 张三 13800000000 官网表单', /缺少公司名称/],
    ['线索 新', /缺少公司名称/],
    ['线索 新 华东机电 官网', /请写联系人或电话/],
  ])('%s is refused', (text, reason) => {
    const r = refused(text);
    expect(r.error.zh).toMatch(reason);
    expect(r.kind).toBe('lead_new');
    expect(r.example.zh).toContain('线索 新');
  });
});

describe('跟进: target, what was said, status, next date', () => {
  it.each([
    [
      '跟进 LD-2026-0001 电话沟通 客户要报价 下次 周五',
      {
        target: 'LD-2026-0001',
        content: '电话沟通 客户要报价',
        status: null,
        method: 'phone',
        next: { kind: 'weekday', weekday: 5, week: 'coming' },
      },
    ],
    [
      '跟进 LD-2026-0001 意向强烈 上门拜访，预算20万 下次3天后',
      {
        target: 'LD-2026-0001',
        content: '意向强烈 上门拜访 预算20万',
        status: 'strong',
        method: 'visit',
        next: { kind: 'offset', n: 3, unit: 'day' },
      },
    ],
    [
      '跟进 华东机电 微信发了目录 下次跟进：12月5日',
      {
        target: '华东机电',
        content: '微信发了目录',
        status: null,
        method: 'wechat',
        next: { kind: 'date', year: null, month: 12, day: 5 },
      },
    ],
    ['跟进 张三 无效 同行询价', { target: '张三', content: '无效 同行询价', status: 'invalid', method: 'other', next: null }],
    // 下次 inside a sentence is words, not a date
    ['跟进 ld-2026-7 客户说下次再联系', { target: 'LD-2026-0007', content: '客户说下次再联系', status: null, method: 'other', next: null }],
    [
      'follow-up LD-2026-0001 called, wants a quote next friday',
      {
        target: 'LD-2026-0001',
        content: 'called wants a quote',
        status: null,
        method: 'phone',
        next: { kind: 'weekday', weekday: 5, week: 'coming' },
      },
    ],
  ])('%s', (text, fields) => expect(ok(text)).toEqual({ kind: 'follow_up', ...fields }));

  it.each([
    ['跟进', /缺少线索编号或客户名称/],
    ['跟进 LD-2026-0001', /缺少跟进内容/],
    ['跟进 LD-2026-0001 下次 周五', /缺少跟进内容/],
    ['跟进 LD-2026-0001 打了电话 下次 改天', /下次跟进的日期“改天”看不懂/],
    ['跟进 LD-2026-0001 打了电话 下次', /“下次”后面缺少日期/],
  ])('%s is refused', (text, reason) => {
    const r = refused(text);
    expect(r.error.zh).toMatch(reason);
    expect(r.kind).toBe('follow_up');
  });
});

describe('转化, 商机, 推进', () => {
  it.each([
    ['转化 LD-2026-0001', { kind: 'convert', target: 'LD-2026-0001', name: null, amountFen: null }],
    ['转化 LD-2026-0001 年度轴承采购 5万', { kind: 'convert', target: 'LD-2026-0001', name: '年度轴承采购', amountFen: 5_000_000 }],
    ['convert ld-2026-3 ¥80,000', { kind: 'convert', target: 'LD-2026-0003', name: null, amountFen: 8_000_000 }],
    ['商机', { kind: 'opportunities', query: null }],
    ['商机 op-2026-2', { kind: 'opportunities', query: 'OP-2026-0002' }],
    ['华东机电的商机', { kind: 'opportunities', query: '华东机电' }],
    ['推进 OP-2026-0001 方案报价', { kind: 'advance', opportunityNo: 'OP-2026-0001', stage: 'proposal', reason: null }],
    ['推进 OP-2026-0001 到 商务谈判', { kind: 'advance', opportunityNo: 'OP-2026-0001', stage: 'negotiation', reason: null }],
    ['推进OP-2026-0001到商务谈判', { kind: 'advance', opportunityNo: 'OP-2026-0001', stage: 'negotiation', reason: null }],
    [
      '推进 OP-2026-0001 输单 价格高于竞争对手',
      { kind: 'advance', opportunityNo: 'OP-2026-0001', stage: 'lost', reason: '价格高于竞争对手' },
    ],
    ['OP-2026-0001 推进到 赢单', { kind: 'advance', opportunityNo: 'OP-2026-0001', stage: 'won', reason: null }],
    [
      'advance OP-2026-0001 lost price too high',
      { kind: 'advance', opportunityNo: 'OP-2026-0001', stage: 'lost', reason: 'price too high' },
    ],
  ])('%s', (text, command) => expect(ok(text)).toEqual(command));

  it.each([
    ['转化', 'convert', /缺少线索编号/],
    ['转化 LD-2026-0001 -5万', 'convert', /商机金额“-5万”不对/],
    ['推进 方案报价', 'advance', /第一个参数应为商机编号/],
    ['推进 OP-2026-0001', 'advance', /缺少阶段，可选：初步接触、需求分析、方案报价、商务谈判、赢单、输单/],
    ['推进 OP-2026-0001 签合同', 'advance', /没有“签合同”这个阶段/],
  ])('%s is refused', (text, kind, reason) => {
    const r = refused(text);
    expect(r.kind).toBe(kind);
    expect(r.error.zh).toMatch(reason);
    expect(r.error.en.length).toBeGreaterThan(5);
  });
});

describe('待办 and 完成', () => {
  it.each([
    ['待办', { kind: 'tasks' }],
    ['我的待办', { kind: 'tasks' }],
    ['待办 张伟', { kind: 'tasks', who: '张伟' }],
    ['tasks zhangwei', { kind: 'tasks', who: 'zhangwei' }],
    ['完成 12', { kind: 'done', taskIds: [12] }],
    ['完成 #12', { kind: 'done', taskIds: [12] }],
    ['完成 12 13 12', { kind: 'done', taskIds: [12, 13] }],
    ['done 7', { kind: 'done', taskIds: [7] }],
  ])('%s', (text, command) => expect(ok(text)).toEqual(command));

  it.each(['完成', '完成 十二', '完成 跟进华东机电'])('%s is refused with an example', (text) => {
    const r = refused(text);
    expect(r.kind).toBe('done');
    expect(r.error.zh).toMatch(/完成后面写待办编号/);
    expect(r.example.zh).toBe('完成 12');
  });
});

describe('报价 from an opportunity carries its number', () => {
  it.each([
    ['报价 OP-2026-0001 A100×100', 'OP-2026-0001'],
    ['报价 商机 op-2026-1 A100×100', 'OP-2026-0001'],
    ['quote opportunity OP-2026-0001 A100x100', 'OP-2026-0001'],
  ])('%s', (text, opportunityNo) => {
    expect(ok(text)).toEqual({ kind: 'quote', customer: '', items: [{ sku: 'A100', qty: 100 }], discountBp: 0, opportunityNo });
  });
});

describe('English in, English out', () => {
  it.each([
    ['leads', 'en'],
    ['follow-up LD-2026-0001 called next friday', 'en'],
    ['advance OP-2026-0001 won', 'en'],
    ['跟进 LD-2026-0001 电话', 'zh'],
  ] as const)('%s → %s', (text, locale) => expect(localeOf(text)).toBe(locale));
});
