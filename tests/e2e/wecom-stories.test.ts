import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../activities/stock';
import { openDb } from '../../models/db';
import type { FakeWeComMessage } from '../fakes/wecom';
import { until } from './lark-app';
import { buttonsOf, cardText, type WeComPerson as Person, startWeComWorld, statusOf, WeComPerson, type WeComWorld } from './wecom-app';

/**
 * The quote-to-cash story of tests/e2e/lark-stories.test.ts, lived over WeCom (企业微信): the
 * real `main.ts` against the loopback fake, every message and click an encrypted, signed
 * callback as WeCom posts it. Everyone acts in their own chat with the app (WeCom app chats
 * are one to one); those who never wrote to it (the approvers, the warehouse, finance) are
 * reached by the work email the directory has for them. A click is answered with an empty 200
 * and its card redrawn by update_template_card with the response code the click brought;
 * what is asserted is what each person's chat shows, as the fake holds it. A card can be
 * redrawn once per code: a card nobody clicks gets one update (its send's code), after that
 * it comes anew as a message.
 */
const QT = /QT-\d{8}-\d{4}/;
const SO = /SO-\d{8}-\d{4}/;
/** the decision's time, and where it was clicked */
const DECIDED_AT = '· \\d\\d-\\d\\d \\d\\d:\\d\\d · 经企业微信';

const fen = (yuan: string) => Math.round(Number(yuan.replace(/[¥,]/g, '')) * 100);
const yuan = (f: number) => (f / 100).toFixed(2);
const group = (re: RegExp, text: string, i = 1) => {
  const m = re.exec(text);
  if (!m) throw new Error(`${re} does not match: ${text}`);
  return m[i] as string;
};

describe('quote to cash over WeCom', () => {
  let w: WeComWorld;
  const people = <T extends string[]>(...logins: T) => logins.map((l) => new WeComPerson(w.fake, l)) as { [K in keyof T]: Person };
  const neverWrote = (p: Person) => expect(w.fake.acted.filter((a) => a.from === p.userid)).toEqual([]);
  /** the update that redrew a card: the code it spent, and whose click (or send) gave that code */
  const redrawnBy = (m: FakeWeComMessage) => w.fake.api.updates.filter((u) => u.taskId === m.taskId);
  /** the codes WeCom issued for a card, in order: its send's, then one per click */
  const codesOf = (m: FakeWeComMessage) => [...w.fake.api.codes].filter(([, c]) => c.taskId === m.taskId).map(([code]) => code);

  beforeAll(async () => {
    w = await startWeComWorld();
  }, 120_000);
  afterAll(async () => w?.close());

  it('张伟 asks for stock, quotes A100×2000 折扣12% → 王芳 and 李强 approve on the card → 陈静 ships in two parts → 刘洋 records two payments → 已完成', async () => {
    const [rep, wang, li, chen, liu] = people('zhangwei', 'wangfang', 'liqiang', 'chenjing', 'liuyang');

    const stock = await rep.ask('A100还有多少', '库存 A100');
    expect(cardText(stock.sent)).toMatch(/^上海仓 \| 5000 \| 0 \| 5000 \| 0$/m);

    const quote = await rep.ask('报价 华东机电 A100×2000 折扣12%', '草稿');
    const quoteNo = group(QT, cardText(quote.sent), 0);
    expect(cardText(quote.sent)).toContain('手工折扣：12%');
    const quoteTotal = group(/价税合计：(¥[\d,]+\.\d\d)/, cardText(quote.sent));
    await rep.click(quote, 'quote.submit');
    // redrawn in place with the code the click brought: no new card, no buttons
    expect(await rep.shows(quote, '已提交审批')).toContain(quoteNo);
    expect(buttonsOf(quote.content)).toEqual([]);
    expect(redrawnBy(quote).map((u) => u.responseCode)).toEqual([codesOf(quote)[1]]);
    const submitted = await rep.pushed(`${quoteNo} 已提交 王芳 审批（第 1/2 步），订单 `);
    const orderNo = group(SO, cardText(submitted.sent), 0);
    await rep.pushed(`报价 ${quoteNo} 已提交`);

    // 王芳 never wrote to the app: her card reaches her own chat, she approves on it
    const wangCard = await wang.pushed(new RegExp(`订单：${orderNo}`));
    neverWrote(wang);
    expect(statusOf(wangCard.sent)).toBe('待 王芳 审批');
    expect(cardText(wangCard.sent)).toMatch(/^报价审批 · 华东机电有限公司[\s\S]*审批步骤：1\/2 · 王芳/);
    expect(cardText(wangCard.sent)).toContain(`价税合计：${quoteTotal}`);
    await wang.click(wangCard, 'approval.approve');
    await wang.shows(wangCard, new RegExp(`^王芳 已同意 ${DECIDED_AT}$`, 'm'));
    expect(buttonsOf(wangCard.content)).toEqual([]);
    expect(redrawnBy(wangCard).map((u) => u.responseCode)).toEqual([codesOf(wangCard)[1]]);
    // 张伟 gets the decided card as a message of his own, and is told
    await rep.pushed(new RegExp(`^报价审批 · 华东机电有限公司\\n王芳 已同意 ${DECIDED_AT}\\n[\\s\\S]*${orderNo}`));
    await rep.pushed(`王芳 已同意 ${quoteNo}`);
    await rep.pushed(`${quoteNo} 已提交 李强 审批（第 2/2 步）`);

    const liCard = await li.pushed(/待 李强 审批/);
    neverWrote(li);
    expect(cardText(liCard.sent)).toContain('审批步骤：2/2 · 李强');
    await li.click(liCard, 'approval.approve');
    await li.shows(liCard, new RegExp(`^李强 已同意 ${DECIDED_AT}$`, 'm'));
    expect(buttonsOf(liCard.content)).toEqual([]);
    await rep.pushed(new RegExp(`^报价审批 · 华东机电有限公司\\n李强 已同意 ${DECIDED_AT}`));
    await rep.pushed(`订单 ${orderNo} 已确认，库存已锁定，已通知仓库发货`);

    // 陈静 gets the shipping notice in her chat and ships by writing to the app (WeCom has no group for it)
    const notice = await chen.pushed(new RegExp(`${orderNo}[\\s\\S]*待发货`));
    neverWrote(chen);
    expect(cardText(notice.sent)).toMatch(/^A100 .*\| 2000 \| 0 \| 2000 \| 0$/m);
    await chen.ask(`发货 ${orderNo} A100×1200 顺丰 SF1234567890`, /已登记发货 .*（顺丰 SF1234567890），应收 AR-/);
    // the notice nobody clicked is redrawn once, with the code its send gave ...
    await chen.shows(notice, '部分发货');
    expect(redrawnBy(notice).map((u) => u.responseCode)).toEqual([codesOf(notice)[0]]);
    await chen.ask(`发货 ${orderNo} A100×800 顺丰 SF1234567891`, /已登记发货 .*（顺丰 SF1234567891），应收 AR-/);
    // ... and then, that code spent, comes anew as a message showing it all shipped
    const shipped = await chen.pushed(new RegExp(`${orderNo}[\\s\\S]*已全部发货`));
    expect(shipped.taskId).not.toBe(notice.taskId);
    expect(cardText(shipped.sent)).toMatch(/^A100 .*\| 2000 \| 2000 \| 0 \| 0$/m);
    expect(statusOf(notice.content)).toBe('部分发货');
    await rep.pushed(`订单 ${orderNo} 已发货 A100×1200（顺丰 SF1234567890）`);
    await rep.pushed(`订单 ${orderNo} 已发货 A100×800（顺丰 SF1234567891）`);

    // 刘洋 reads the total off the order card and records it in two payments
    const order = await liu.ask(`订单 ${orderNo}`, orderNo);
    expect(statusOf(order.sent)).toBe('已全部发货，等待回款');
    const total = fen(group(/价税合计：(¥[\d,]+\.\d\d)/, cardText(order.sent)));
    expect(total).toBe(fen(quoteTotal));
    const firstPart = 200_000;
    const first = await liu.ask(`回款 华东机电 ${yuan(firstPart)}`, '回款已登记');
    expect(statusOf(first.sent)).toBe(`核销 ¥${(firstPart / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`);
    expect(cardText(first.sent)).toMatch(/^AR-\S+ \| ¥[\d,.]+ \| (已结清|剩余 ¥[\d,.]+)$/m);
    const rest = await liu.ask(`回款 华东机电 ${yuan(total - firstPart)}`, '回款已登记');
    expect(cardText(rest.sent)).toMatch(/已结清$/m);
    expect(cardText(rest.sent)).not.toMatch(/剩余/);
    await liu.askUntil(`订单 ${orderNo}`, orderNo, (m) => statusOf(m.sent) === '已完成');

    // 张伟 is told, and the order and the customer say so when he asks
    await rep.pushed(`订单 ${orderNo} 已完成：全部发货，货款已全部收回`);
    const done = await rep.ask(`订单 ${orderNo}`, orderNo);
    expect(statusOf(done.sent)).toBe('已完成');
    const customer = cardText((await rep.ask('客户 华东机电', '华东机电')).sent);
    // (of its fields, the six a WeCom card shows: the credit used is what is still owed)
    expect(customer).toMatch(/^已用额度：¥0\.00$/m);
    expect(customer).toMatch(/^未到期 \| ¥0\.00 \| 0$/m);

    const db = await openDb({ url: '', dataDir: w.dataDir });
    try {
      expect(await ledgerDiscrepancies(db)).toEqual([]);
    } finally {
      await db.close();
    }
    // within WeCom's limits all along: nothing dropped, nothing sent twice
    await until('the outbox drained', async () => {
      const h = (await (await fetch(`${w.app.base}/healthz`)).json()) as { delivery: { pending: number; unfanned: number; dead: number } };
      return h.delivery.pending === 0 && h.delivery.unfanned === 0 && h.delivery;
    }).then((d) => expect(d.dead).toBe(0));
    expect(w.fake.api.dropped).toBe(0);
    expect(w.fake.api.duplicates).toBe(0);
  }, 120_000);
});
