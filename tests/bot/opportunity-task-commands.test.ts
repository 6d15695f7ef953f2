import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../bot/cards/card';
import { HUADONG } from '../../models/seed/customers';
import { createTask } from '../../models/task';
import { dbKinds } from '../helpers/db';
import { DemoChat } from '../helpers/demo-chat';

/**
 * 商机, 推进, 报价 from an opportunity, 待办 and 完成 against the demo company, on both
 * databases. 华东机电 (张伟's) has an opportunity at 方案报价; today is Monday 2026-11-23.
 */
const NOW = new Date('2026-11-23T02:00:00Z');

describe.each(await dbKinds())('商机 · 推进 · 待办 · 完成 (%s)', (kind) => {
  let chat: DemoChat;
  let op = ''; // 华东机电's open opportunity
  beforeAll(async () => {
    chat = await DemoChat.open(kind, NOW);
    const huadong = await chat.db.models.Customer.findOne({ where: { name: HUADONG } });
    op = (await chat.db.models.Opportunity.findOne({ where: { customerId: huadong?.id, stage: 'proposal' } }))?.number as string;
  });
  afterAll(async () => chat?.t.drop());

  const field = (c: Card, label: string) => c.fields?.find((f) => f.label === label)?.value;

  it('商机 lists my open opportunities, nearest close first; one of them shows its stage on the path', async () => {
    const list = await chat.card('zhangwei', '商机');
    expect(list.title).toMatch(/^我的商机（\d+）$/);
    const rows = list.table?.rows ?? [];
    expect(rows.map((r) => r[0])).toContain(op);
    const closes = rows.map((r) => r[5] as string).filter((d) => d !== '—');
    expect(closes).toEqual([...closes].sort());
    expect(rows.every((r) => !['赢单', '输单'].includes(r[3] as string))).toBe(true);
    const one = await chat.card('zhangwei', `商机 ${op}`);
    expect(one.title).toMatch(new RegExp(`^商机 ${op} · `));
    expect(field(one, '客户')).toBe(HUADONG);
    expect(field(one, '阶段')).toBe('初步接触 → 需求分析 → 【方案报价】 → 商务谈判 → 赢单/输单');
    expect((await chat.card('zhangwei', '华东机电的商机')).title).toMatch(/^华东机电有限公司的商机（1）$/);
    expect(await chat.text('lina', `商机 ${op}`)).toBe(`没有找到商机 ${op}`);
  });

  it('报价 from the opportunity quotes its customer and carries its link', async () => {
    const card = await chat.card('zhangwei', `报价 ${op} A100×100`);
    expect(card.title).toMatch(new RegExp(`^报价单 QT-20261123-\\d{4} · ${HUADONG}$`));
    expect(field(card, '商机')).toMatch(new RegExp(`^${op} `));
    const quote = await chat.db.models.Quote.findByPk(card.buttons?.[0]?.value.quoteId as number);
    const opp = await chat.db.models.Opportunity.findOne({ where: { number: op } });
    expect(quote?.opportunityId).toBe(opp?.id);
    // the opportunity shows its quotes
    const shown = await chat.card('zhangwei', `商机 ${op}`);
    expect(shown.table?.rows[0]).toEqual([quote?.number, '草稿', expect.stringMatching(/^¥/)]);
    expect(await chat.text('lina', `报价 ${op} A100×100`)).toBe(`没有找到商机 ${op}`);
  });

  it('推进 moves it along the path; 输单 wants a reason; a manager’s move is told to the rep', async () => {
    expect(await chat.text('zhangwei', `推进 ${op} 商务谈判`)).toMatch(new RegExp(`^商机 ${op} .+：方案报价 → 商务谈判$`));
    expect(await chat.text('zhangwei', `推进 ${op} 商务谈判`)).toBe('商机已在“商务谈判”阶段');
    expect(await chat.text('zhangwei', `推进 ${op} 输单`)).toBe('输单请写明原因，例如 输单 价格高于竞争对手');
    expect(await chat.text('wangfang', `推进 ${op} 输单 价格高于竞争对手`)).toMatch(/：商务谈判 → 输单（价格高于竞争对手）$/);
    const opp = await chat.db.models.Opportunity.findOne({ where: { number: op } });
    expect(opp).toMatchObject({ stage: 'lost', winLossReason: '价格高于竞争对手' });
    expect((await chat.pushesTo('zhangwei')).at(-1)).toMatch(
      new RegExp(`^王芳 将您的商机 ${op} .+ 从 商务谈判 推进到 输单：价格高于竞争对手$`),
    );
    const audits = await chat.db.models.AuditLog.findAll({
      where: { action: 'opportunity.stage', entityId: String(opp?.id) },
      order: [['id', 'ASC']],
    });
    expect(audits.map((a) => [a.userId, a.before?.stage, a.after?.stage])).toEqual([
      [chat.ids.zhangwei, 'proposal', 'negotiation'],
      [chat.ids.wangfang, 'negotiation', 'lost'],
    ]);
    expect(await chat.text('zhangwei', `推进 ${op} 需求分析`)).toBe('商机已输单，不能再推进；客户再有需求请新建商机');
    expect(await chat.text('zhangwei', `报价 ${op} A100×100`)).toBe(`商机 ${op} 已输单，不能再报价`);
    expect(await chat.text('zhangwei', `advance ${op} won`)).toBe('the opportunity is lost already; a new need is a new opportunity');
    expect(await chat.text('lina', `推进 ${op} 赢单`)).toBe(`没有找到商机 ${op}`);
    expect(await chat.text('liuyang', `推进 ${op} 赢单`)).toBe('只有销售可以推进商机');
  });

  it('待办 lists overdue first with their due dates, then by priority; 完成 closes one of mine', async () => {
    const add = (title: string, priority: 'low' | 'normal' | 'high' | 'urgent', dueAt: string | null) =>
      chat.db.writeTx((transaction) =>
        createTask(
          chat.db,
          {
            userId: chat.ids.wuhao as number,
            title,
            priority,
            dueAt: dueAt ? new Date(dueAt) : null,
            refType: null,
            refId: null,
            source: title,
          },
          { transaction, now: NOW },
        ),
      );
    await chat.db.models.Task.update({ status: 'done' }, { where: { userId: chat.ids.wuhao as number } }); // a list of known tasks
    const later = await add('下周拜访', 'urgent', '2026-11-30T10:00:00Z');
    const late = await add('回电话', 'low', '2026-11-20T10:00:00Z');
    const none = await add('整理名片', 'normal', null);
    const card = await chat.card('wuhao', '待办');
    expect(card.title).toBe('吴昊的待办（3，逾期 1）');
    expect(card.status).toEqual({ text: '1 条已逾期', tone: 'danger' });
    expect(card.table?.rows).toEqual([
      [`#${late.id}`, '低', '回电话', '⚠ 2026-11-20 18:00 已逾期'],
      [`#${later.id}`, '紧急', '下周拜访', '2026-11-30 18:00'],
      [`#${none.id}`, '中', '整理名片', '—'],
    ]);
    expect(await chat.text('wuhao', `完成 ${late.id}`)).toBe(`已完成 #${late.id} 回电话`);
    expect(await chat.text('wuhao', `完成 ${late.id}`)).toBe(`待办 #${late.id} 已经完成了`);
    expect((await chat.card('wuhao', 'tasks')).title).toBe('Tasks of 吴昊 (2)');
    expect(await chat.db.models.AuditLog.count({ where: { action: 'task.done', entityId: String(late.id), userId: chat.ids.wuhao } })).toBe(
      1,
    );
  });

  it('a manager sees and closes a team member’s task, and they are told; nobody else’s is even there', async () => {
    const task = (await chat.db.models.Task.findOne({ where: { userId: chat.ids.wuhao, status: 'open' }, order: [['id', 'ASC']] }))!;
    expect((await chat.card('wangfang', '待办 吴昊')).title).toMatch(/^吴昊的待办/);
    expect(await chat.text('zhangwei', `完成 ${task.id}`)).toBe(`没有找到待办 #${task.id}`);
    expect(await chat.text('chengang', `完成 ${task.id}`)).toBe(`没有找到待办 #${task.id}`);
    expect(await chat.text('chengang', '待办 吴昊')).toBe('没有找到“吴昊”的待办');
    expect(await chat.text('wangfang', `完成 ${task.id} 99999`)).toBe(`已完成 #${task.id} ${task.title}\n没有找到待办 #99999`);
    expect((await chat.pushesTo('wuhao')).at(-1)).toBe(`王芳 已将您的待办 #${task.id}“${task.title}”标记为完成`);
  });

  it('待办 with nothing open says so', async () => {
    expect(await chat.text('admin', '待办')).toBe('暂无待办 🎉');
  });
});
