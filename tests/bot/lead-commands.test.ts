import { Op } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUADONG } from '../../models/seed/customers';
import { dbKinds } from '../helpers/db';
import { DemoChat } from '../helpers/demo-chat';

/**
 * 线索, 跟进 and 转化 in chat against the demo company, on both databases: 张伟, 孙丽, 吴昊 and
 * 郑洁 are 华东's reps (in id order), 王芳 their manager; 李娜 is a 华南 rep; 李强 the director
 * in no team. Today is Monday 2026-11-23, 10:00 in Shanghai.
 */
const NOW = new Date('2026-11-23T02:00:00Z');
const FRIDAY_DUE = '2026-11-27T10:00:00.000Z'; // 18:00 in Shanghai

describe.each(await dbKinds())('线索 · 跟进 · 转化 (%s)', (kind) => {
  let chat: DemoChat;
  beforeAll(async () => {
    chat = await DemoChat.open(kind, NOW);
  });
  afterAll(async () => chat?.t.drop());

  const leadNo = (reply: string) => /LD-\d{4}-\d{4}/.exec(reply)?.[0] as string;

  it('new leads go round the team in turn, whoever enters them, and each new owner is told', async () => {
    const entered = [
      ['zhangwei', '线索 新 张三 13800000001 官网表单 苏州精密机械有限公司'],
      ['zhangwei', '线索 新 李四 13800000002 展会 无锡远大五金'],
      ['wangfang', '线索 新 王五 13800000003 电话 常州恒力电气'],
      ['zhangwei', '线索 新 赵六 13800000004 转介绍 南京金陵机电'],
      ['liqiang', '线索 新 钱七 13800000005 手工录入 杭州东方贸易'], // the director is in no team: the first team's turn
    ] as const;
    const owners: string[] = [];
    for (const [who, text] of entered) {
      const reply = await chat.text(who, text);
      expect(reply).toMatch(/^已创建线索 LD-2026-\d{4} /);
      const lead = await chat.db.models.Lead.findOne({ where: { number: leadNo(reply) } });
      owners.push((await chat.db.models.User.findByPk(lead?.ownerUserId as number))?.login ?? '');
    }
    expect(owners).toEqual(['zhangwei', 'sunli', 'wuhao', 'zhengjie', 'zhangwei']);
    expect(
      (await chat.pushesTo('sunli')).some((p) =>
        /^新线索分配给您：LD-2026-\d{4} 无锡远大五金（李四 13800000002），来源 展会，张伟 录入/.test(p),
      ),
    ).toBe(true);
    expect((await chat.pushesTo('zhangwei')).filter((p) => p.startsWith('新线索分配给您'))).toEqual([
      expect.stringContaining('杭州东方贸易'), // from 李强; his own entry is no news to him
    ]);
    const audits = await chat.db.models.AuditLog.findAll({ where: { action: 'lead.create' } });
    expect(audits).toHaveLength(5);
    expect(audits[1]?.after).toMatchObject({
      companyName: '无锡远大五金',
      source: 'expo',
      ownerUserId: chat.ids.sunli,
      assignedBy: 'round_robin',
    });
  });

  it('tells the one who entered it who got it, in English when asked in English', async () => {
    const reply = await chat.text('zhangwei', 'lead new Tom 13800000006 website Acme Co');
    expect(reply).toMatch(/^Lead LD-2026-\d{4} Acme Co created \(Tom 13800000006, Website form\); owner: 孙丽, told$/);
  });

  it('refuses a phone number already on an open lead, saying which', async () => {
    const before = await chat.db.models.Lead.count();
    expect(await chat.text('lina', '线索 新 周八 13800000001 电话 广州白云五金')).toMatch(
      /^电话 13800000001 已有线索 LD-2026-\d{4} 苏州精密机械有限公司（负责人 张伟），请勿重复录入$/,
    );
    expect(await chat.db.models.Lead.count()).toBe(before);
  });

  it('a malformed lead gets the reason and an example', async () => {
    expect(await chat.text('zhangwei', '线索 新 张三 138000 官网表单 某公司')).toBe(
      '电话号码“138000”不对：手机号应为 11 位，座机如 021-12345678\n例：线索 新 张三 13800000000 官网表单 华东机电',
    );
  });

  it('线索 lists my open leads; a manager sees the team’s with their owners; another team’s is nowhere', async () => {
    const mine = await chat.card('zhangwei', '线索');
    expect(mine.title).toMatch(/^我的线索（\d+）$/);
    expect(mine.table?.columns).not.toContain('负责人');
    const myNumbers = (mine.table?.rows ?? []).map((r) => r[0] as string);
    const owned = await chat.db.models.Lead.findAll({ where: { number: myNumbers }, attributes: ['ownerUserId'] });
    expect(new Set(owned.map((l) => l.ownerUserId))).toEqual(new Set([chat.ids.zhangwei]));
    const team = await chat.card('wangfang', '线索');
    expect(team.title).toMatch(/^本组线索（\d+）$/);
    expect(team.table?.columns.at(-1)).toBe('负责人');
    const suzhou = (await chat.db.models.Lead.findOne({ where: { companyName: '苏州精密机械有限公司' } }))?.number as string;
    expect((await chat.card('wangfang', `线索 ${suzhou}`)).title).toBe(`线索 ${suzhou} · 苏州精密机械有限公司`);
    expect(await chat.text('lina', `线索 ${suzhou}`)).toBe(`没有找到线索“${suzhou}”`);
    expect(await chat.text('liuyang', '线索')).toBe('您无权查看线索');
  });

  it('跟进 records what was said, resets the idle clock, sets the status and puts the next date in the owner’s 待办', async () => {
    const lead = (await chat.db.models.Lead.findOne({ where: { companyName: '苏州精密机械有限公司' } }))!;
    const reply = await chat.text('zhangwei', `跟进 ${lead.number} 意向强烈 上门拜访，客户要M8螺栓报价 下次 周五`);
    const task = await chat.db.models.Task.findOne({ where: { refType: 'lead', refId: lead.id, status: 'open' } });
    expect(reply).toBe(
      `已记录跟进 苏州精密机械有限公司（${lead.number}）；状态：意向强烈；下次跟进 11月27日（周五），已加入您的待办 #${task?.id}`,
    );
    expect(task).toMatchObject({
      userId: chat.ids.zhangwei,
      priority: 'high',
      source: 'follow_up',
      title: `跟进 苏州精密机械有限公司（${lead.number}）`,
    });
    expect(task?.dueAt?.toISOString()).toBe(FRIDAY_DUE);
    await lead.reload();
    expect(lead.status).toBe('strong');
    expect(lead.lastFollowUpAt?.toISOString()).toBe(NOW.toISOString());
    expect(lead.nextFollowUpAt?.toISOString()).toBe(FRIDAY_DUE);
    const f = await chat.db.models.FollowUp.findOne({ where: { leadId: lead.id } });
    expect(f).toMatchObject({ userId: chat.ids.zhangwei, method: 'visit', content: '意向强烈 上门拜访 客户要M8螺栓报价' });
    expect(
      await chat.db.models.AuditLog.count({ where: { entityType: 'lead', entityId: String(lead.id), action: 'lead.follow_up' } }),
    ).toBe(1);

    // the next follow-up fulfils the task the last one asked for, and asks for its own
    const again = await chat.text('zhangwei', `跟进 ${lead.number} 电话确认样品 下次 12月5日`);
    expect(again).toMatch(/下次跟进 12月5日（周六），已加入您的待办 #\d+$/);
    await task?.reload();
    expect(task?.status).toBe('done');
    const open = await chat.db.models.Task.findAll({ where: { refType: 'lead', refId: lead.id, status: 'open' } });
    expect(open.map((x) => x.dueAt?.toISOString())).toEqual(['2026-12-05T10:00:00.000Z']);
  });

  it('a manager’s follow-up of a rep’s lead goes in the rep’s 待办, and the rep is told', async () => {
    const lead = (await chat.db.models.Lead.findOne({ where: { companyName: '无锡远大五金' } }))!;
    const reply = await chat.text('wangfang', `跟进 ${lead.number} 意向 电话沟通 下次 3天后`);
    expect(reply).toMatch(/；下次跟进 11月26日（周四），已加入 孙丽 的待办 #\d+$/);
    const task = await chat.db.models.Task.findOne({ where: { refType: 'lead', refId: lead.id, status: 'open' } });
    expect(task).toMatchObject({ userId: chat.ids.sunli, priority: 'normal' });
    expect((await chat.pushesTo('sunli')).at(-1)).toBe(
      `王芳 跟进了 无锡远大五金（${lead.number}）：意向 电话沟通，下次跟进 11月26日（周四） 已加入您的待办`,
    );
  });

  it('跟进 a customer: the record is the customer’s, the task its owner’s', async () => {
    const reply = await chat.text('zhangwei', '跟进 华东机电 微信沟通年度框架价格 下次 下周一');
    expect(reply).toMatch(new RegExp(`^已记录跟进 ${HUADONG}；下次跟进 11月30日（周一），已加入您的待办 #\\d+$`));
    const customer = await chat.db.models.Customer.findOne({ where: { name: HUADONG } });
    const f = await chat.db.models.FollowUp.findOne({ where: { customerId: customer?.id }, order: [['id', 'DESC']] });
    expect(f).toMatchObject({ content: '微信沟通年度框架价格', method: 'wechat', userId: chat.ids.zhangwei });
    const tasks = await chat.db.models.Task.findAll({
      where: { refType: 'customer', refId: customer?.id, status: 'open' },
      order: [['id', 'ASC']],
    });
    // the seeded renewal task stays: a follow-up fulfils only the follow-ups asked for
    expect(tasks.map((x) => [x.source, x.userId])).toEqual([
      [null, chat.ids.zhangwei],
      ['follow_up', chat.ids.zhangwei],
    ]);
  });

  it('refuses a date in the past, another rep’s lead and a lead of no one’s, writing nothing', async () => {
    const lead = (await chat.db.models.Lead.findOne({ where: { companyName: '苏州精密机械有限公司' } }))!;
    const before = await chat.db.models.FollowUp.count();
    expect(await chat.text('zhangwei', `跟进 ${lead.number} 打了电话 下次 2026-11-20`)).toBe('下次跟进日期不对：2026-11-20 已经过去了');
    expect(await chat.text('lina', `跟进 ${lead.number} 打了电话`)).toBe(`没有找到线索“${lead.number}”`);
    expect(await chat.text('zhangwei', '跟进 LD-2099-9999 打了电话')).toBe('没有找到线索“LD-2099-9999”');
    expect(await chat.text('chenjing', `跟进 ${lead.number} 打了电话`)).toBe('只有销售可以记录跟进');
    expect(await chat.db.models.FollowUp.count()).toBe(before);
  });

  it('转化 makes the customer, its contact and an opportunity at 初步接触, in one go', async () => {
    const lead = (await chat.db.models.Lead.findOne({ where: { companyName: '苏州精密机械有限公司' } }))!;
    const reply = await chat.text('zhangwei', `转化 ${lead.number} 年度紧固件采购 5万`);
    expect(reply).toMatch(
      new RegExp(
        `^已转化线索 ${lead.number}：新客户 C-2026-0001 苏州精密机械有限公司；商机 (OP-2026-\\d{4}) 年度紧固件采购（初步接触，金额 ¥50,000.00）。报价：报价 OP-2026-\\d{4} A100×100$`,
      ),
    );
    const customer = await chat.db.models.Customer.findOne({ where: { name: '苏州精密机械有限公司' } });
    expect(customer).toMatchObject({
      code: 'C-2026-0001',
      grade: 'C',
      creditLimitFen: 0,
      ownerUserId: chat.ids.zhangwei,
      teamId: lead.teamId,
    });
    expect(await chat.db.models.Contact.findOne({ where: { customerId: customer?.id } })).toMatchObject({
      name: '张三',
      mobile: '13800000001',
    });
    const opp = await chat.db.models.Opportunity.findOne({ where: { leadId: lead.id } });
    expect(opp).toMatchObject({
      customerId: customer?.id,
      stage: 'initial',
      amountFen: 5_000_000,
      ownerUserId: chat.ids.zhangwei,
      name: '年度紧固件采购',
    });
    await lead.reload();
    expect(lead).toMatchObject({ status: 'converted', convertedCustomerId: customer?.id, convertedOpportunityId: opp?.id });
    // its follow-up task is the opportunity's business now
    expect(await chat.db.models.Task.count({ where: { refType: 'lead', refId: lead.id, status: 'open' } })).toBe(0);
    expect(
      (await chat.db.models.AuditLog.findAll({ where: { action: { [Op.in]: ['customer.create', 'opportunity.create', 'lead.convert'] } } }))
        .map((a) => a.action)
        .sort(),
    ).toEqual(['customer.create', 'lead.convert', 'opportunity.create']);
    expect(await chat.text('zhangwei', `转化 ${lead.number}`)).toBe(`线索 ${lead.number} 已经转化过了`);
    expect(await chat.text('zhangwei', `跟进 ${lead.number} 打了电话`)).toMatch(/^线索 LD-2026-\d{4} 已转化为客户，请跟进客户/);
  });

  it('a lead of a company that is already a customer gets the opportunity, not a twin; someone else’s is refused', async () => {
    await chat.say('zhangwei', `线索 新 刘工 13800000010 电话 ${HUADONG}`);
    const lead = (await chat.db.models.Lead.findOne({ where: { mobile: '13800000010' } }))!;
    const owner = (await chat.db.models.User.findByPk(lead.ownerUserId as number))!.login;
    const customers = await chat.db.models.Customer.count();
    // 华东机电 is 张伟's: the manager may convert it onto the existing customer
    expect(await chat.text('wangfang', `转化 ${lead.number}`)).toMatch(
      new RegExp(`^已转化线索 ${lead.number}：已有客户 C\\d{4} ${HUADONG}；商机 OP-2026-\\d{4} ${HUADONG} 新商机`),
    );
    expect(await chat.db.models.Customer.count()).toBe(customers);
    expect((await chat.pushesTo(owner)).at(-1)).toMatch(new RegExp(`^王芳 已将您的线索 ${lead.number} 转化：客户 ${HUADONG}`));

    await chat.say('lina', '线索 新 马工 13800000011 电话 华东机电有限公司');
    const other = (await chat.db.models.Lead.findOne({ where: { mobile: '13800000011' } }))!;
    const ownerLogin = (await chat.db.models.User.findByPk(other.ownerUserId as number))!.login;
    expect(await chat.text(ownerLogin, `转化 ${other.number}`)).toBe('已有同名客户“华东机电有限公司”，归属其他销售，请联系销售经理处理');
    expect((await other.reload()).status).toBe('new');
  });
});
