import { Op } from 'sequelize';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalActivities } from '../../activities/approval';
import { createOrderActivities } from '../../activities/order';
import { createPaymentActivities } from '../../activities/payment';
import { createReceivableActivities } from '../../activities/receivable';
import { createTaskActivities } from '../../activities/tasks';
import { parseCommand } from '../../bot/commands/grammar';
import { quoteCommand } from '../../bot/commands/quote';
import { type Dispatcher, startDispatcher } from '../../bot/delivery/dispatcher';
import { loadUser } from '../../bot/user-context';
import { loadConfig } from '../../config';
import { HUADONG } from '../../models/seed/customers';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { createTask } from '../../models/task';
import { RecordingChannel } from '../bot/delivery/recording-channel';
import { activityDeps } from '../helpers/activity-deps';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

/**
 * Every reminder that asks someone to act leaves a task (U2), on both databases: the dunning
 * ladder's (raised a rung at a time, closed when the money is in), an approval's (due when the
 * reminder would go out, urgent once reminded, the superior's when escalated), and the day's
 * overdue tasks go out in each person's reminder digest.
 */
const NOW = new Date('2026-11-23T02:00:00Z'); // Monday 10:00 in Shanghai
const TODAY_DUE = '2026-11-23T10:00:00.000Z';
const quiet = { info: () => {}, warn: () => {}, error: (m: string) => console.error(m) };

describe.each(await dbKinds())('tasks from reminders (%s)', (kind) => {
  let t: TestDb;
  const config = loadConfig({ env: { CONFIG_FILE: '' } });
  const ids: Record<string, number> = {};
  let dispatcher: Dispatcher | undefined;
  beforeAll(async () => {
    t = await freshDb(kind);
    await seedDemoCompany(t.db);
    for (const u of await t.db.models.User.findAll()) ids[u.login] = u.id;
  });
  afterEach(async () => {
    await dispatcher?.stop();
    dispatcher = undefined;
  });
  afterAll(async () => t?.drop());

  const deps = () => activityDeps(t.db, config, () => NOW);
  const tasksAbout = (refType: string, refId: number) =>
    t.db.models.Task.findAll({
      where: { refType, refId },
      order: [['userId', 'ASC']],
      attributes: ['userId', 'priority', 'status', 'source', 'title', 'dueAt'],
    });

  it('a dunning notice gives each person told a task; the next rung raises it; paying it off closes them', async () => {
    const customer = (await t.db.models.Customer.findOne({ where: { name: '广州恒通贸易' } }))!;
    const r = (await t.db.models.Receivable.findOne({
      where: { customerId: customer.id, status: { [Op.in]: ['open', 'partially_paid'] }, dueDate: { [Op.lt]: '2026-11-23' } },
      order: [['dueDate', 'ASC']],
    }))!;
    const dun = createReceivableActivities(deps());
    await dun.dunningNotice({ receivableId: r.id, rung: { at: 0, daysOverdue: 1, notify: ['rep'] } });
    let tasks = await tasksAbout('receivable', r.id);
    expect(tasks.map((x) => [x.userId, x.priority, x.status, x.source])).toEqual([[ids.lina, 'normal', 'open', 'dunning']]);
    expect(tasks[0]?.title).toMatch(new RegExp(`^催收 广州恒通贸易 应收 ${r.number}（逾期 \\d+ 天，未收 ¥[\\d,.]+）$`));
    expect(tasks[0]?.dueAt?.toISOString()).toBe(TODAY_DUE);

    await dun.dunningNotice({ receivableId: r.id, rung: { at: 0, daysOverdue: 7, notify: ['rep', 'finance'] } });
    tasks = await tasksAbout('receivable', r.id);
    expect(tasks.map((x) => [x.userId, x.priority, x.status])).toEqual([
      [ids.lina, 'high', 'open'],
      [ids.liuyang, 'high', 'open'],
    ]);
    // a retried notice changes nothing
    await dun.dunningNotice({ receivableId: r.id, rung: { at: 0, daysOverdue: 7, notify: ['rep', 'finance'] } });
    expect(await t.db.models.Task.count({ where: { refType: 'receivable', refId: r.id } })).toBe(2);

    const open = await t.db.models.Receivable.findAll({
      where: { customerId: customer.id, status: { [Op.in]: ['open', 'partially_paid'] } },
    });
    const owed = open.reduce((s, x) => s + x.amountFen - x.paidFen, 0);
    await createPaymentActivities(deps()).recordPayment({
      idempotencyKey: 'pay-all',
      customerId: customer.id,
      amountFen: owed,
      recordedByUserId: ids.liuyang as number,
    });
    expect((await tasksAbout('receivable', r.id)).map((x) => x.status)).toEqual(['done', 'done']);
    expect(await t.db.models.Task.count({ where: { refType: 'receivable', refId: open.map((x) => x.id), status: 'open' } })).toBe(0);
  });

  it('an approval’s card gives the approver a task due when the reminder would go; reminded it is urgent; escalated, the superior gets one', async () => {
    const parsed = parseCommand(`报价 ${HUADONG} A100×2000 折扣12%`);
    if (!parsed.ok || parsed.command.kind !== 'quote') throw new Error('not a quote');
    const rep = (await loadUser(t.db, 'zhangwei'))!;
    const [reply] = await quoteCommand(t.db, config, rep, parsed.command, { today: '2026-11-23' });
    const quoteId = reply?.kind === 'card' ? (reply.card.buttons?.[0]?.value.quoteId as number) : 0;
    const opened = await createOrderActivities(deps()).openOrder({ quoteId, submittedByUserId: rep.id, workflowId: 'wf-tasks' });
    const step = opened.steps[0]!;
    const approval = createApprovalActivities(deps());
    await approval.sendApprovalCard({ stepId: step.stepId, facts: {} });
    let tasks = await tasksAbout('approval_step', step.stepId);
    expect(tasks.map((x) => [x.userId, x.priority, x.source])).toEqual([[ids.wangfang, 'high', 'quoteToCash']]);
    expect(tasks[0]?.dueAt?.toISOString()).toBe(new Date(NOW.getTime() + config.reminders.approvalReminderHours * 3_600_000).toISOString());
    await approval.remindApprover({ stepId: step.stepId });
    await approval.escalateApproval({ stepId: step.stepId });
    tasks = await tasksAbout('approval_step', step.stepId);
    expect(tasks.map((x) => [x.userId, x.priority, x.source, x.status])).toEqual([
      [ids.wangfang, 'urgent', 'quoteToCash', 'open'],
      [ids.liqiang, 'urgent', 'approval_escalation', 'open'],
    ]);
    expect(tasks[1]?.title).toMatch(/^催办 王芳 的审批 QT-20261123-\d{4} · 华东机电有限公司$/);
  });

  it('overdue tasks go out once a day in the person’s reminder digest, with that day’s other reminders', async () => {
    // nothing older in the queue: only what this test writes is handed to the channel
    await t.db.models.OutboxMessage.update({ fannedOut: true }, { where: {} });
    const late = await t.db.writeTx((transaction) =>
      createTask(
        t.db,
        {
          userId: ids.zhangwei as number,
          title: '回电话给杭州通达',
          priority: 'normal',
          dueAt: new Date('2026-11-20T10:00:00Z'),
          refType: null,
          refId: null,
          source: 'test',
        },
        { transaction, now: NOW },
      ),
    );
    const zhangweis = await t.db.models.Receivable.findOne({
      where: { ownerUserId: ids.zhangwei as number, status: { [Op.in]: ['open', 'partially_paid'] }, dueDate: { [Op.lt]: '2026-11-23' } },
    });
    await createReceivableActivities(deps()).dunningNotice({
      receivableId: zhangweis!.id,
      rung: { at: 0, daysOverdue: 1, notify: ['rep'] },
    });
    const remind = createTaskActivities(deps());
    const first = await remind.remindOverdueTasks();
    expect(first.people).toBeGreaterThanOrEqual(1);
    await remind.remindOverdueTasks(); // the scan again the same day: nobody is told twice
    const rows = await t.db.models.OutboxMessage.findAll({
      where: { recipientUserId: ids.zhangwei as number, digest: 'reminder', fannedOut: false },
    });
    expect(rows).toHaveLength(2);

    const lark = new RecordingChannel('lark');
    dispatcher = startDispatcher({
      db: t.db,
      config: { ...config, delivery: { ...config.delivery, pollMs: 20 } },
      channels: [lark],
      log: quiet,
    });
    await dispatcher.settled();
    const sent = lark.sendsTo('ou_zhangwei');
    expect(sent).toHaveLength(1);
    const text = sent[0]?.reply.kind === 'text' ? sent[0].reply.text : '';
    expect(text).toMatch(/提醒汇总.*（2）/);
    expect(text).toContain(`#${late.id} 回电话给杭州通达（截止 11-20 18:00）`);
    expect(text).toContain(`催款提醒：`);
    expect(text).toContain(`“完成 ${late.id}”关闭一条`);
  });
});
