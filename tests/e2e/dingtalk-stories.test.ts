import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../activities/stock';
import { openDb } from '../../models/db';
import type { FakeDelivered } from '../fakes/dingtalk';
import { removeDataDir } from './app';
import {
  DingTalkPerson,
  type DingTalkWorld,
  everyCopyDecided,
  type DingTalkPerson as Person,
  seededDataDir,
  startDingTalkWorld,
  WAREHOUSE_GROUP,
} from './dingtalk-app';
import { buttonsOf, cardOf, statusOf, textOf } from './dingtalk-cards';
import { openReceivables, totalOf, yuan } from './order-money';

/**
 * The quote-to-cash story of tests/e2e/lark-stories.test.ts lived over DingTalk: the real
 * `main.ts` against the loopback fake, in Stream mode (the official dingtalk-stream client
 * holds the connection, robot messages and card clicks come over it) and in HTTP mode (both
 * POSTed to the app, clicks to the card route it registered). Everyone acts in their own chat
 * with the robot; the approvers, who never wrote to it, are found by mobile. What is asserted
 * is what each person's chat shows, as the fake holds it: texts, and cards as drawn now.
 */
const QT = /QT-\d{8}-\d{4}/;
const SO = 'SO-\\d{8}-\\d{4}';
/** the decision's time, and where it was clicked */
const DECIDED_AT = '· \\d\\d-\\d\\d \\d\\d:\\d\\d · 经钉钉';
const MODES = ['stream', 'http'] as const;

const group = (re: RegExp, text: string, i = 1) => {
  const m = re.exec(text);
  if (!m) throw new Error(`${re} does not match: ${text}`);
  return m[i] as string;
};

const worlds = {} as Record<(typeof MODES)[number], DingTalkWorld>;
beforeAll(async () => {
  // one seed for both: the second data directory is a copy
  const seed = await seededDataDir();
  try {
    const [stream, http] = await Promise.all(MODES.map((m) => startDingTalkWorld(m, { seededFrom: seed.dataDir })));
    Object.assign(worlds, { stream, http });
  } finally {
    removeDataDir(seed.dataDir);
  }
}, 120_000);
afterAll(async () => {
  await Promise.all(Object.values(worlds).map((w) => w?.close()));
});

// the two apps are separate processes on separate fakes: their stories run side by side
describe.concurrent.each(MODES)('quote to cash over DingTalk (%s)', (mode) => {
  const w = () => worlds[mode];
  const people = <T extends string[]>(...logins: T) => logins.map((l) => new DingTalkPerson(w().fake, l)) as { [K in keyof T]: Person };
  const neverWrote = (p: Person) => expect(w().fake.incoming.filter((m) => m.senderStaffId === p.staffId)).toEqual([]);
  const cardIdOf = (d: FakeDelivered) => cardOf(w().fake, d)?.initial.cardId ?? '';
  /** the approval card of a step pushed to this person, found by its quote number and status */
  const approvalIn = async (p: Person, quoteNo: string, status: string) => {
    const d = await p.pushed(new RegExp(`（报价 ${quoteNo}）`));
    expect(cardIdOf(d)).toMatch(/^approval:\d+$/);
    expect(statusOf(w().fake, d, false)).toBe(status);
    return d;
  };

  it('张伟 quotes A100×2000 折扣12% → 王芳 and 李强 approve on the card → 陈静 ships in the group in two parts → 刘洋 records two payments → 已完成', async () => {
    const fake = w().fake;
    const [rep, wang, li, chen, liu] = people('zhangwei', 'wangfang', 'liqiang', 'chenjing', 'liuyang');
    const quote = await rep.ask('报价 华东机电 A100×2000 折扣12%', '草稿');
    expect(quote.kind).toBe('card');
    const quoteText = textOf(fake, quote);
    const quoteNo = group(QT, quoteText, 0);
    expect(quoteText).toContain('王芳（销售经理）');
    expect(quoteText).toContain('李强（销售总监）');
    expect(cardOf(fake, quote)?.callbackType).toBe(mode === 'http' ? 'HTTP' : 'STREAM');

    // 提交审批 on the card: the card is redrawn in place, by its out-track id, with no buttons left
    await rep.click(quote, 'quote.submit');
    await rep.shows(quote, '已提交审批');
    expect(buttonsOf(cardOf(fake, quote)?.params ?? {})).toEqual([]);
    expect(cardOf(fake, quote)?.updatedBy.api).toBeGreaterThanOrEqual(1);
    const orderNo = group(
      new RegExp(`${quoteNo} 已提交 王芳 审批（第 1/2 步），订单 (${SO})`),
      textOf(fake, await rep.pushed(`${quoteNo} 已提交 王芳 审批`)),
    );

    // 王芳 never wrote to the robot: her card reaches her by mobile, she approves on it
    const wangCard = await approvalIn(wang, quoteNo, '待 王芳 审批');
    neverWrote(wang);
    expect(textOf(fake, wangCard)).toMatch(/报价审批 · 华东机电有限公司[\s\S]*1\/2 · 王芳/);
    await wang.click(wangCard, 'approval.approve');
    const wangCopies = await everyCopyDecided(fake, cardIdOf(wangCard), new RegExp(`^王芳 已同意 ${DECIDED_AT}$`), [wang, rep]);
    // her own copy redrawn in place (not a new card in her chat); the rep's arrives decided
    expect(wang.chat.filter((d) => cardIdOf(d) === cardIdOf(wangCard))).toHaveLength(1);
    expect(cardOf(fake, wangCard)?.updates).toBeGreaterThanOrEqual(1);
    expect(wangCopies).toHaveLength(2);
    expect(textOf(fake, wangCard, true)).toContain(orderNo);
    await rep.pushed(`王芳 已同意 ${quoteNo}`);
    await rep.pushed(`${quoteNo} 已提交 李强 审批（第 2/2 步）`);

    const liCard = await approvalIn(li, quoteNo, '待 李强 审批');
    neverWrote(li);
    expect(textOf(fake, liCard)).toContain('2/2 · 李强');
    await li.click(liCard, 'approval.approve');
    await everyCopyDecided(fake, cardIdOf(liCard), new RegExp(`^李强 已同意 ${DECIDED_AT}$`), [li, rep]);
    await everyCopyDecided(fake, cardIdOf(wangCard), /^王芳 已同意/, [wang, rep]);
    await rep.pushed(`订单 ${orderNo} 已确认，库存已锁定，已通知仓库发货`);

    // 陈静 gets the shipping notice in her chat, and ships by @mentioning the robot in the warehouse group
    const notice = await chen.pushed(new RegExp(`${orderNo}`));
    expect(statusOf(fake, notice, false)).toBe('待发货');
    expect(textOf(fake, notice)).toMatch(/A100 .* 2000 0 2000 0$/m);
    const ship1 = await chen.ask(
      `发货 ${orderNo} A100×1200 顺丰 SF1234567890`,
      /已登记发货 .*（顺丰 SF1234567890），应收 AR-/,
      WAREHOUSE_GROUP,
    );
    expect(ship1.toGroup).toBe(WAREHOUSE_GROUP);
    await chen.shows(notice, '部分发货');
    await chen.ask(`发货 ${orderNo} A100×800 顺丰 SF1234567891`, /已登记发货 .*（顺丰 SF1234567891），应收 AR-/, WAREHOUSE_GROUP);
    expect(await chen.shows(notice, '已全部发货')).toMatch(/A100 .* 2000 2000 0 0$/m);
    await rep.pushed(`订单 ${orderNo} 已发货 A100×1200（顺丰 SF1234567890）`);
    await rep.pushed(`订单 ${orderNo} 已发货 A100×800（顺丰 SF1234567891）`);

    // 刘洋 reads the two receivables off the order and records two payments that sum to the total
    const order = await liu.ask(`订单 ${orderNo}`, orderNo);
    expect(statusOf(fake, order, false)).toBe('已全部发货，等待回款');
    const orderText = textOf(fake, order);
    const total = totalOf(orderText);
    const open = openReceivables(orderText);
    expect(open).toHaveLength(2);
    expect(open.reduce((s, r) => s + r.fen, 0)).toBe(total);
    for (const r of open) {
      const paid = await liu.ask(`回款 华东机电 ${yuan(r.fen)}`, r.number);
      expect(textOf(fake, paid)).toContain('核销 ¥');
      expect(textOf(fake, paid)).toMatch(new RegExp(`${r.number}\\s+¥[\\d,.]+\\s+已结清`));
    }
    await liu.askUntil(`订单 ${orderNo}`, orderNo, (d) => statusOf(fake, d, false) === '已完成');

    // 张伟 is told, and the order and the customer say so when he asks
    await rep.pushed(`订单 ${orderNo} 已完成：全部发货，货款已全部收回`);
    const done = await rep.ask(`订单 ${orderNo}`, orderNo);
    expect(statusOf(fake, done, false)).toBe('已完成');
    expect(textOf(fake, done)).toContain('SF1234567890');
    expect(textOf(fake, done)).toContain('SF1234567891');
    const customer = textOf(fake, await rep.ask('客户 华东机电', '华东机电'));
    expect(customer).toMatch(/未收应收：\s*¥0\.00/);
    expect(customer).not.toContain(orderNo);

    const db = await openDb({ url: '', dataDir: w().dataDir });
    try {
      expect(await ledgerDiscrepancies(db)).toEqual([]);
    } finally {
      await db.close();
    }
    // DingTalk dropped nothing and throttled nothing on the way
    expect(fake.state.drops).toEqual({ overBudget: 0, identical: 0, flowControlled: 0 });
  }, 120_000);

  // 李娜 and 陈刚: the story above runs beside this one, and has 张伟 near his 20 messages a minute
  it('陈刚 rejects with the reason the card asks for: his card says so, 李娜 is told why, the order is closed', async () => {
    const fake = w().fake;
    const [rep, chen] = people('lina', 'chengang');
    const reason = '折扣超出本季度政策，请按 5% 以内重新报价';
    const quote = await rep.ask('报价 广州恒通 A100×100 折扣8%', '草稿');
    const quoteNo = group(QT, textOf(fake, quote), 0);
    await rep.click(quote, 'quote.submit');
    const submitted = textOf(fake, await rep.pushed(`${quoteNo} 已提交 陈刚 审批`));
    const orderNo = group(new RegExp(`${quoteNo} 已提交 陈刚 审批（第 1/1 步），订单 (${SO})`), submitted);
    const card = await approvalIn(chen, quoteNo, '待 陈刚 审批');
    await chen.click(card, 'approval.reject', reason);
    await everyCopyDecided(fake, cardIdOf(card), new RegExp(`^陈刚 已驳回 ${DECIDED_AT}$`), [chen, rep]);
    expect(textOf(fake, card, true)).toContain(`意见：${reason}`);
    await rep.pushed(`报价 ${quoteNo} 被驳回，订单 ${orderNo} 已关闭。审批驳回：陈刚（${reason}）`);
    const order = await rep.ask(`订单 ${orderNo}`, orderNo);
    expect(statusOf(fake, order, false)).toMatch(/^(已驳回|已取消)$/);
    expect(textOf(fake, order)).toContain(`关闭原因：审批驳回：陈刚（${reason}）`);
  }, 60_000);
});
