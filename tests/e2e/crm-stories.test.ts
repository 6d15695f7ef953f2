import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardIn, consoleApi, freshDataDir, type RunningApp, removeDataDir, startApp, textOf } from './app';

/**
 * The CRM front of issue 14 as people live it, through the console API of the real run
 * command (SQLite, embedded Temporal, the demo company): a manager enters a lead, the team's
 * next rep in turn is told and follows it up with a next date that lands in their 待办, the lead
 * becomes a customer and an opportunity, the opportunity is quoted, moved and won, and the
 * follow-up task is closed. Dates are the app's own today: only their shape is checked.
 */
describe('线索 → 跟进 → 转化 → 商机 → 报价 → 赢单 in the console', () => {
  const dataDir = freshDataDir();
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp(dataDir);
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    removeDataDir(dataDir);
  });

  it('one lead from entry to a won opportunity, each person told what is theirs', async () => {
    const api = consoleApi(app.base);
    const entered = textOf(await api.say('wangfang', '线索 新 张三 13800000000 官网表单 苏州精密机械有限公司'));
    const m = /^已创建线索 (LD-\d{4}-\d{4}) 苏州精密机械有限公司（张三 13800000000，官网表单），负责人：张伟，已通知$/.exec(entered);
    expect(m, entered).not.toBeNull();
    const lead = m?.[1] as string;
    await api.waitForPush('zhangwei', 'the new lead', (p) => p.reply.kind === 'text' && p.reply.text.startsWith(`新线索分配给您：${lead}`));

    const mine = cardIn(await api.say('zhangwei', '线索'), 'leads:');
    expect(mine.table?.rows.map((r) => r[0])).toContain(lead);

    const followed = textOf(await api.say('zhangwei', `跟进 ${lead} 意向强烈 上门拜访，客户要M8螺栓报价 下次 3天后`));
    const task = /已加入您的待办 #(\d+)$/.exec(followed)?.[1];
    expect(followed, followed).toMatch(new RegExp(`^已记录跟进 苏州精密机械有限公司（${lead}）；状态：意向强烈；下次跟进 .+（周.）`));
    const todo = cardIn(await api.say('zhangwei', '待办'), 'tasks:');
    expect(todo.table?.rows.find((r) => r[0] === `#${task}`)?.slice(1, 3)).toEqual(['高', `跟进 苏州精密机械有限公司（${lead}）`]);

    const converted = textOf(await api.say('zhangwei', `转化 ${lead} 年度紧固件采购 5万`));
    const op = /商机 (OP-\d{4}-\d{4}) 年度紧固件采购（初步接触，金额 ¥50,000.00）/.exec(converted)?.[1] as string;
    expect(op, converted).toBeTruthy();

    const quote = cardIn(await api.say('zhangwei', `报价 ${op} A100×100`), 'quote:');
    expect(quote.fields?.find((f) => f.label === '商机')?.value).toBe(`${op} 年度紧固件采购`);
    expect(quote.fields?.find((f) => f.label === '客户')?.value).toMatch(/^苏州精密机械有限公司/);

    expect(textOf(await api.say('zhangwei', `推进 ${op} 商务谈判`))).toBe(`商机 ${op} 年度紧固件采购：初步接触 → 商务谈判`);
    expect(textOf(await api.say('wangfang', `推进 ${op} 赢单 价格有竞争力`))).toMatch(
      new RegExp(`^商机 ${op} 年度紧固件采购：商务谈判 → 赢单（价格有竞争力）`),
    );
    await api.waitForPush('zhangwei', 'the win', (p) => p.reply.kind === 'text' && p.reply.text.includes(`从 商务谈判 推进到 赢单`));
    const won = cardIn(await api.say('zhangwei', `商机 ${op}`), 'opportunity:');
    expect(won.status?.text).toBe('赢单');
    expect(won.table?.rows[0]?.[0]).toBe(quote.title.split(' ')[1]);

    // the follow-up task went with the conversion; what is left is closed by its number
    expect(textOf(await api.say('zhangwei', `完成 ${task}`))).toBe(`待办 #${task} 已经完成了`);
    expect(textOf(await api.say('zhangwei', 'help'))).toContain('new lead: contact, mobile, source');
  }, 90_000);
});
