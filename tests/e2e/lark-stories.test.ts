import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../activities/stock';
import { formatFen } from '../../domain/money';
import { openDb } from '../../models/db';
import { everyCopyDecided, LarkPerson, type LarkWorld, startLarkWorld, WAREHOUSE_CHAT } from './lark-app';
import { buttonsOf, cardIdsOf, cardText, statusOf } from './lark-cards';
import { openReceivables, totalOf, yuan } from './order-money';

/**
 * The three quote-to-cash stories of tests/e2e/q2c-stories.test.ts, lived over Lark instead
 * of the console page, by the long connection and by the webhook: the real `main.ts` against
 * the loopback fake. Everyone acts in their own chat with the bot; those who never wrote to it
 * (the approvers) are reached by the email the directory has for them. What is asserted is
 * what each person's chat shows, as the fake holds it.
 */
const QT = /QT-\d{8}-\d{4}/;
const SO = 'SO-\\d{8}-\\d{4}';
/** the decision's time, and where it was clicked */
const DECIDED_AT = '· \\d\\d-\\d\\d \\d\\d:\\d\\d · 经飞书';

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const group = (re: RegExp, text: string, i = 1) => {
  const m = re.exec(text);
  if (!m) throw new Error(`${re} does not match: ${text}`);
  return m[i] as string;
};

/** the approval card of a step pushed to this person, found by its quote number and status */
const approvalIn = (p: LarkPerson, quoteNo: string, status: string) =>
  p.pushed(new RegExp(`（报价 ${quoteNo}）[\\s\\S]*`)).then(async (m) => {
    expect(cardIdsOf(m.content)[0]).toMatch(/^approval:\d+$/);
    expect(statusOf(m.content)).toBe(status);
    return m;
  });

describe.each(['ws', 'webhook'] as const)('quote to cash over Lark (%s)', (mode) => {
  let w: LarkWorld;
  const people = <T extends string[]>(...logins: T) => logins.map((l) => new LarkPerson(w.fake, l)) as { [K in keyof T]: LarkPerson };
  const neverWrote = (p: LarkPerson) => expect(w.fake.store.incoming.filter((m) => m.fromOpenId === p.openId)).toEqual([]);

  beforeAll(async () => {
    w = await startLarkWorld(mode);
  }, 120_000);
  afterAll(async () => w?.close());

  it('张伟 quotes A100×2000 折扣12% → 王芳 and 李强 approve by card → 陈静 ships in the group in two parts → 刘洋 records two payments → 已完成', async () => {
    const [rep, wang, li, chen, liu] = people('zhangwei', 'wangfang', 'liqiang', 'chenjing', 'liuyang');
    const quote = await rep.ask('报价 华东机电 A100×2000 折扣12%', '草稿');
    const quoteText = cardText(quote.content);
    const quoteNo = group(QT, quoteText, 0);
    expect(quoteText).toContain('王芳（销售经理）');
    expect(quoteText).toContain('李强（销售总监）');
    const submitted = await rep.click(quote, 'quote.submit');
    expect(submitted.toast).toContain(`报价 ${quoteNo} 已提交`);
    await rep.shows(quote, '已提交审批');
    expect(buttonsOf(w.fake.currentContent(quote.messageId))).toEqual([]);
    const orderNo = group(
      new RegExp(`${quoteNo} 已提交 王芳 审批（第 1/2 步），订单 (${SO})`),
      cardText((await rep.pushed(`${quoteNo} 已提交 王芳 审批`)).content),
    );

    // 王芳 never wrote to the bot: her card reaches her own chat, she approves on it
    const wangCard = await approvalIn(wang, quoteNo, '待 王芳 审批');
    neverWrote(wang);
    expect(cardText(wangCard.content)).toMatch(/报价审批 · 华东机电有限公司[\s\S]*1\/2 · 王芳/);
    const wangClick = await wang.click(wangCard, 'approval.approve');
    expect(wangClick.toast).not.toBe('');
    await everyCopyDecided(w.fake, wangCard, new RegExp(`^王芳 已同意 ${DECIDED_AT}$`), [wang, rep]);
    expect(cardText(w.fake.currentContent(wangCard.messageId))).toContain(orderNo);
    await rep.pushed(`王芳 已同意 ${quoteNo}`);
    await rep.pushed(`${quoteNo} 已提交 李强 审批（第 2/2 步）`);

    const liCard = await approvalIn(li, quoteNo, '待 李强 审批');
    neverWrote(li);
    expect(cardText(liCard.content)).toContain('2/2 · 李强');
    expect((await li.click(liCard, 'approval.approve')).toast).not.toBe('');
    await everyCopyDecided(w.fake, liCard, new RegExp(`^李强 已同意 ${DECIDED_AT}$`), [li, rep]);
    // both decisions stay drawn on every copy, the rep's included
    await everyCopyDecided(w.fake, wangCard, /^王芳 已同意/, [wang, rep]);
    await rep.pushed(`订单 ${orderNo} 已确认，库存已锁定，已通知仓库发货`);

    // 陈静 gets the shipping notice in her chat, and ships by @mentioning the bot in the warehouse group
    const notice = await chen.pushed(new RegExp(`${orderNo}[\\s\\S]*`));
    expect(statusOf(notice.content)).toBe('待发货');
    expect(cardText(notice.content)).toMatch(/A100 .* 2000 0 2000 0$/m);
    const ship1 = await chen.ask(
      `发货 ${orderNo} A100×1200 顺丰 SF1234567890`,
      /已登记发货 .*（顺丰 SF1234567890），应收 AR-/,
      WAREHOUSE_CHAT,
    );
    expect(ship1.chatType).toBe('group');
    await chen.shows(notice, '部分发货');
    await chen.ask(`发货 ${orderNo} A100×800 顺丰 SF1234567891`, /已登记发货 .*（顺丰 SF1234567891），应收 AR-/, WAREHOUSE_CHAT);
    expect(await chen.shows(notice, '已全部发货')).toMatch(/A100 .* 2000 2000 0 0$/m);
    await rep.pushed(`订单 ${orderNo} 已发货 A100×1200（顺丰 SF1234567890）`);
    await rep.pushed(`订单 ${orderNo} 已发货 A100×800（顺丰 SF1234567891）`);

    // 刘洋 reads the two receivables off the order and records two payments that sum to the total
    const order = await liu.ask(`订单 ${orderNo}`, orderNo);
    expect(statusOf(order.content)).toBe('已全部发货，等待回款');
    const orderText = cardText(order.content);
    const total = totalOf(orderText);
    const open = openReceivables(orderText);
    expect(open).toHaveLength(2);
    expect(open.reduce((s, r) => s + r.fen, 0)).toBe(total);
    for (const r of open) {
      const paid = await liu.ask(`回款 华东机电 ${yuan(r.fen)}`, r.number);
      expect(cardText(paid.content)).toContain('核销 ¥');
      expect(cardText(paid.content)).toMatch(new RegExp(`${r.number}\\s+¥[\\d,.]+\\s+已结清`));
    }
    await liu.askUntil(`订单 ${orderNo}`, orderNo, (m) => statusOf(m.content) === '已完成');

    // 张伟 is told, and the order and the customer say so when he asks
    await rep.pushed(`订单 ${orderNo} 已完成：全部发货，货款已全部收回`);
    const done = await rep.ask(`订单 ${orderNo}`, orderNo);
    expect(statusOf(done.content)).toBe('已完成');
    expect(cardText(done.content)).toContain('SF1234567890');
    expect(cardText(done.content)).toContain('SF1234567891');
    const customer = cardText((await rep.ask('客户 华东机电', '华东机电')).content);
    expect(customer).toMatch(/未收应收：\s*¥0\.00/);
    expect(customer).not.toContain(orderNo);

    const db = await openDb({ url: '', dataDir: w.dataDir });
    try {
      expect(await ledgerDiscrepancies(db)).toEqual([]);
    } finally {
      await db.close();
    }
    // every answer to someone's message is a reply to that message, in the chat it came from
    for (const m of w.fake.messages.filter((x) => x.replyToMessageId)) {
      expect(w.fake.store.incoming.find((i) => i.messageId === m.replyToMessageId)?.chatId).toBe(m.chatId);
    }
  }, 240_000);

  it('王芳 rejects with a reason on the card’s form: her card says so, 张伟 is told why, the order is closed', async () => {
    const [rep, wang] = people('zhangwei', 'wangfang');
    const reason = '折扣超出本季度政策，请按 5% 以内重新报价';
    const quote = await rep.ask('报价 华东机电 A100×100 折扣8%', '草稿');
    const quoteText = cardText(quote.content);
    const quoteNo = group(QT, quoteText, 0);
    expect(quoteText).toContain('王芳（销售经理）— 折扣 8% > 5%');
    expect(quoteText).not.toContain('李强');
    expect((await rep.click(quote, 'quote.submit')).toast).toContain(quoteNo);
    const orderNo = group(
      new RegExp(`${quoteNo} 已提交 王芳 审批（第 1/1 步），订单 (${SO})`),
      cardText((await rep.pushed(`${quoteNo} 已提交 王芳 审批`)).content),
    );

    const card = await approvalIn(wang, quoteNo, '待 王芳 审批');
    const rejected = await wang.click(card, 'approval.reject', reason);
    expect(rejected.toast).not.toBe('');
    await everyCopyDecided(w.fake, card, new RegExp(`^王芳 已驳回 ${DECIDED_AT}$`), [wang, rep]);
    expect(cardText(w.fake.currentContent(card.messageId))).toMatch(new RegExp(`意见：\\s*${reEscape(reason)}`));

    await rep.pushed(`报价 ${quoteNo} 被驳回，订单 ${orderNo} 已关闭。审批驳回：王芳（${reason}）`);
    const order = await rep.ask(`订单 ${orderNo}`, orderNo);
    expect(statusOf(order.content)).toMatch(/^(已驳回|已取消)$/);
    expect(cardText(order.content)).toContain(`关闭原因：审批驳回：王芳（${reason}）`);
    expect(buttonsOf(order.content)).toEqual([]);
  }, 120_000);

  it('广州恒通贸易 goes over its credit limit: 陈刚 approves the discount, 刘洋 the override, the order goes to the warehouse', async () => {
    const [rep, chen, liu, warehouse] = people('lina', 'chengang', 'liuyang', 'chenjing');
    const before = cardText((await rep.ask('客户 广州恒通', '广州恒通贸易')).content);
    expect(before).toMatch(/信用额度：\s*¥50,000\.00/);
    expect(before).toMatch(/已用额度：\s*¥48,000\.00/);
    const quote = await rep.ask('报价 广州恒通 A100×1000 折扣6%', '草稿');
    const quoteText = cardText(quote.content);
    const quoteNo = group(QT, quoteText, 0);
    expect(quoteText).toContain('陈刚（销售经理）— 折扣 6% > 5%');
    const total = totalOf(quoteText);
    expect(total).toBeGreaterThan(200_000);
    expect((await rep.click(quote, 'quote.submit')).toast).toContain(`报价 ${quoteNo} 已提交`);
    const orderNo = group(
      new RegExp(`${quoteNo} 已提交 陈刚 审批（第 1/1 步），订单 (${SO})`),
      cardText((await rep.pushed(`${quoteNo} 已提交 陈刚 审批`)).content),
    );

    const sales = await approvalIn(chen, quoteNo, '待 陈刚 审批');
    // the decision itself, or (a slow flow) that it is being handled: the card updates either way
    expect((await chen.click(sales, 'approval.approve')).toast).toMatch(new RegExp(`^(陈刚 已同意 ${quoteNo}|已收到，正在处理)`));
    await everyCopyDecided(w.fake, sales, new RegExp(`^陈刚 已同意 ${DECIDED_AT}$`), [chen, rep]);

    const over = formatFen(48_000_00 + total - 50_000_00);
    await rep.pushed(`订单 ${orderNo} 超出信用额度 ${over}`);
    expect(statusOf((await rep.ask(`订单 ${orderNo}`, orderNo)).content)).toMatch(/^等待.*超信用额度审批/);

    const credit = await liu.pushed(new RegExp(`超信用额度审批 · 广州恒通贸易[\\s\\S]*${orderNo}`));
    expect(statusOf(credit.content)).toBe('待 刘洋 审批');
    const creditText = cardText(credit.content);
    expect(creditText).toMatch(/信用额度：\s*¥50,000\.00/);
    expect(creditText).toMatch(new RegExp(`超出：\\s*${reEscape(over)}`));
    expect((await liu.click(credit, 'approval.approve')).toast).not.toBe('');
    await everyCopyDecided(w.fake, credit, new RegExp(`^刘洋 已同意 ${DECIDED_AT}$`), [liu, rep]);

    await rep.pushed(`订单 ${orderNo} 已确认，库存已锁定，已通知仓库发货`);
    const notice = await warehouse.pushed(new RegExp(`${orderNo}[\\s\\S]*`));
    expect(statusOf(notice.content)).toBe('待发货');
    expect(statusOf((await rep.ask(`订单 ${orderNo}`, orderNo)).content)).toBe('待发货');
  }, 120_000);
});
