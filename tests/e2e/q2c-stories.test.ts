import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDiscrepancies } from '../../activities/stock';
import { formatFen } from '../../domain/money';
import { openDb } from '../../models/db';
import { freshDataDir, launchChromium, type RunningApp, removeDataDir, startApp } from './app';
import { openReceivables, totalOf, yuan } from './order-money';

/**
 * The three quote-to-cash stories of issue 4, as people live them in the console page: the
 * real run command, Debian's Chromium, one page per person at a time (switching user in the
 * page reloads that user's pushes). The rep keeps a page of their own open, so what reaches
 * them arrives live over the stream. Every wait is bounded: the flows run asynchronously.
 */
const WAIT = 20_000;
const QT = /QT-\d{8}-\d{4}/;
const SO = 'SO-\\d{8}-\\d{4}';

/** ¥4,437.01 → 443701 (fen) */
const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a person sees: the rendered text (innerText, allowed in e2e by biome.json), cells and fields apart. */
const seen = (loc: Locator) => loc.innerText();

/** One browser page of the console, acting as one user at a time. */
class ConsolePage {
  private constructor(readonly page: Page) {}

  static async open(browser: Browser, base: string, login: string): Promise<ConsolePage> {
    const page = await browser.newPage();
    page.setDefaultTimeout(WAIT);
    await page.goto(`${base}/`);
    await page.waitForSelector(`#user option[value="${login}"]`, { state: 'attached' });
    const c = new ConsolePage(page);
    await c.as(login);
    return c;
  }

  /** Chooses the user in the header: the page clears and replays that user's pushes. */
  async as(login: string): Promise<void> {
    await this.page.selectOption('#user', login);
    await this.page.locator('#conn', { hasText: '已连接' }).waitFor();
  }

  async send(text: string): Promise<void> {
    await this.page.fill('#text', text);
    await this.page.press('#text', 'Enter');
  }

  /** a card whose id starts with `idPrefix`, optionally containing a text */
  card(idPrefix: string, hasText?: string | RegExp): Locator {
    return this.page.locator(`section.card[data-card-id^="${idPrefix}"]`, hasText ? { hasText } : {});
  }

  /** a text answered to what this user sent or clicked */
  reply(hasText: string | RegExp): Locator {
    return this.page.locator('.bot-text:not(.pushed)', { hasText });
  }

  /** a text pushed to this user */
  pushed(hasText: string | RegExp): Locator {
    return this.page.locator('.bot-text.pushed', { hasText });
  }

  /** waits for a card's status banner to contain `text`, then returns the card's whole text */
  async statusOf(card: Locator, text: string | RegExp): Promise<string> {
    await card.locator('p.status', { hasText: text }).waitFor();
    return seen(card);
  }

  /**
   * Sends a command and returns its answer, a card: a card with that id already on the page is
   * marked stale first, because the answer replaces it in place.
   */
  async ask(text: string, idPrefix: string, hasText: string): Promise<Locator> {
    for (const el of await this.card(idPrefix, hasText).all()) await el.evaluate((e) => e.setAttribute('data-stale', ''));
    await this.send(text);
    const fresh = this.page.locator(`section.card[data-card-id^="${idPrefix}"]:not([data-stale])`, { hasText });
    await fresh.waitFor();
    return fresh;
  }

  /** the card's status banner as it is now */
  statusNow(card: Locator): Promise<string> {
    return seen(card.locator('p.status'));
  }

  /** asks again (as a person would) until the answer's status matches; for what happens after an asynchronous step */
  async askUntil(text: string, idPrefix: string, hasText: string, status: RegExp): Promise<Locator> {
    const deadline = Date.now() + WAIT;
    const said: string[] = [];
    for (;;) {
      const card = await this.ask(text, idPrefix, hasText);
      said.push(await this.statusNow(card));
      if (status.test(said.at(-1) as string)) return card;
      if (Date.now() > deadline) throw new Error(`“${text}” answered ${said.join(' / ')}, never ${status}`);
      await this.page.waitForTimeout(300);
    }
  }

  /** clicks a card's button; `reason` answers the prompt that a reject asks */
  async click(card: Locator, action: string, reason?: string): Promise<void> {
    if (reason !== undefined) this.page.once('dialog', (d) => void d.accept(reason));
    await card.locator(`button[data-action="${action}"]`).click();
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

async function match(loc: Locator, re: RegExp): Promise<RegExpExecArray> {
  await loc.waitFor();
  const text = await seen(loc);
  const m = re.exec(text);
  if (!m) throw new Error(`${re} does not match: ${text}`);
  return m;
}

describe('quote to cash in the console page (Chromium)', () => {
  const dataDir = freshDataDir();
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    app = await startApp(dataDir);
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    removeDataDir(dataDir);
  });

  it('张伟 quotes A100×2000 折扣12% → 王芳 and 李强 approve → 陈静 ships in two parts → 刘洋 records two payments → 已完成, nothing owed, the ledger balances', async () => {
    const rep = await ConsolePage.open(browser, app.base, 'zhangwei');
    const desk = await ConsolePage.open(browser, app.base, 'wangfang');

    await rep.send('报价 华东机电 A100×2000 折扣12%');
    const quote = rep.card('quote:');
    const quoteText = await rep.statusOf(quote, '草稿');
    const quoteNo = (QT.exec(quoteText) as RegExpExecArray)[0];
    expect(quoteText).toContain('王芳（销售经理）');
    expect(quoteText).toContain('李强（销售总监）');
    await rep.click(quote, 'quote.submit');
    await rep.statusOf(quote, '已提交审批');
    await rep.reply(`报价 ${quoteNo} 已提交`).waitFor();
    // the order number reaches the rep with the first approval step
    const orderNo = (
      await match(rep.pushed(`${quoteNo} 已提交 王芳 审批`), new RegExp(`${quoteNo} 已提交 王芳 审批（第 1/2 步），订单 (${SO})`))
    )[1] as string;

    // 王芳: the approval card was pushed to her; she approves; her card shows it, its buttons gone
    const wangCard = desk.card('approval:', `（报价 ${quoteNo}）`);
    expect(await desk.statusOf(wangCard, '待 王芳 审批')).toMatch(/报价审批 · 华东机电有限公司[\s\S]*1\/2 · 王芳/);
    await desk.click(wangCard, 'approval.approve');
    expect(await desk.statusOf(wangCard, /王芳 已同意 · \d\d-\d\d \d\d:\d\d/)).toContain(orderNo);
    expect(await wangCard.locator('button').count()).toBe(0);
    await desk.reply(`王芳 已同意 ${quoteNo}`).waitFor();
    await rep.pushed(`王芳 已同意 ${quoteNo}`).waitFor();
    await rep.pushed(`${quoteNo} 已提交 李强 审批（第 2/2 步）`).waitFor();

    // 李强 likewise
    await desk.as('liqiang');
    const liCard = desk.card('approval:', `（报价 ${quoteNo}）`);
    expect(await desk.statusOf(liCard, '待 李强 审批')).toContain('2/2 · 李强');
    await desk.click(liCard, 'approval.approve');
    await desk.statusOf(liCard, '李强 已同意');
    expect(await liCard.locator('button').count()).toBe(0);
    // the rep sees both decisions on the approval cards (updated in place, live)
    await rep.statusOf(rep.card('approval:', '2/2 · 李强'), '李强 已同意');
    await rep.statusOf(rep.card('approval:', '1/2 · 王芳'), '王芳 已同意');
    await rep.pushed(`订单 ${orderNo} 已确认，库存已锁定，已通知仓库发货`).waitFor();

    // 陈静 got the shipping notice and ships in two parts
    await desk.as('chenjing');
    const notice = desk.card('shipnotice:', orderNo);
    await desk.statusOf(notice, '待发货');
    expect(await notice.locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/A100 .*\s2000\s+0\s+2000\s+0$/)]);
    await desk.send(`发货 ${orderNo} A100×1200 顺丰 SF1234567890`);
    await desk.reply(/已登记发货 .*（顺丰 SF1234567890），应收 AR-/).waitFor();
    await desk.statusOf(notice, '部分发货');
    await desk.send(`发货 ${orderNo} A100×800 顺丰 SF1234567891`);
    await desk.reply(/已登记发货 .*（顺丰 SF1234567891），应收 AR-/).waitFor();
    await desk.statusOf(notice, '已全部发货');
    expect(await notice.locator('tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/A100 .*\s2000\s+2000\s+0\s+0$/)]);
    await rep.pushed(`订单 ${orderNo} 已发货 A100×1200（顺丰 SF1234567890）`).waitFor();
    await rep.pushed(`订单 ${orderNo} 已发货 A100×800（顺丰 SF1234567891）`).waitFor();

    // 刘洋 reads the two receivables off the order and records two payments that sum to the total
    await desk.as('liuyang');
    const order = await desk.ask(`订单 ${orderNo}`, 'order:', orderNo);
    const orderText = await seen(order);
    expect(await desk.statusNow(order)).toBe('已全部发货，等待回款');
    const total = totalOf(orderText);
    const open = openReceivables(orderText);
    expect(open).toHaveLength(2);
    expect(open.reduce((s, r) => s + r.fen, 0)).toBe(total);
    for (const r of open) {
      await desk.send(`回款 华东机电 ${yuan(r.fen)}`);
      const paid = desk.card('payment:', r.number);
      const text = await desk.statusOf(paid, `核销 ¥`);
      expect(text).toMatch(new RegExp(`${r.number}\\s+¥[\\d,.]+\\s+已结清`));
    }
    // a payment reaches the order's flow as a signal: the order completes a moment later
    expect(await seen(await desk.askUntil(`订单 ${orderNo}`, 'order:', orderNo, /^已完成$/))).not.toContain('未收');

    // 张伟 sees the order completed and his customer owing nothing
    // told it is complete, he asks at once: the order must say so too
    await rep.pushed(`订单 ${orderNo} 已完成：全部发货，货款已全部收回`).waitFor();
    const doneCard = await rep.ask(`订单 ${orderNo}`, 'order:', orderNo);
    expect(await rep.statusNow(doneCard)).toBe('已完成');
    const done = await seen(doneCard);
    expect(done).toContain('SF1234567890');
    expect(done).toContain('SF1234567891');
    const customer = await rep.ask('客户 华东机电', 'customer:', '华东机电');
    expect(await seen(customer)).toMatch(/未收应收\s*¥0\.00/);
    expect(await seen(customer)).not.toContain(orderNo);

    // the stock ledger balances (read the app's SQLite file alongside it; WAL allows it)
    const db = await openDb({ url: '', dataDir });
    try {
      expect(await ledgerDiscrepancies(db)).toEqual([]);
    } finally {
      await db.close();
    }
    await rep.close();
    await desk.close();
  }, 180_000);

  it('王芳 rejects a quote with a reason: her card says so, 张伟 is told why, the order is closed', async () => {
    const rep = await ConsolePage.open(browser, app.base, 'zhangwei');
    const desk = await ConsolePage.open(browser, app.base, 'wangfang');
    const reason = '折扣超出本季度政策，请按 5% 以内重新报价';

    await rep.send('报价 华东机电 A100×100 折扣8%');
    const quote = rep.card('quote:');
    const quoteText = await rep.statusOf(quote, '草稿');
    const quoteNo = (QT.exec(quoteText) as RegExpExecArray)[0];
    expect(quoteText).toContain('王芳（销售经理）— 折扣 8% > 5%');
    expect(quoteText).not.toContain('李强');
    await rep.click(quote, 'quote.submit');
    const orderNo = (
      await match(rep.pushed(`${quoteNo} 已提交 王芳 审批`), new RegExp(`${quoteNo} 已提交 王芳 审批（第 1/1 步），订单 (${SO})`))
    )[1] as string;

    const card = desk.card('approval:', `（报价 ${quoteNo}）`);
    await desk.statusOf(card, '待 王芳 审批');
    await desk.click(card, 'approval.reject', reason);
    const decided = await desk.statusOf(card, /王芳 已驳回 · \d\d-\d\d \d\d:\d\d/);
    expect(decided).toMatch(new RegExp(`意见\\s*${reEscape(reason)}`));
    expect(await card.locator('button').count()).toBe(0);
    await desk.reply(`王芳 已驳回 ${quoteNo}：${reason}`).waitFor();

    await rep.pushed(`报价 ${quoteNo} 被驳回，订单 ${orderNo} 已关闭。审批驳回：王芳（${reason}）`).waitFor();
    await rep.statusOf(rep.card('approval:', `（报价 ${quoteNo}）`), '王芳 已驳回');
    const order = await rep.ask(`订单 ${orderNo}`, 'order:', orderNo);
    expect(await rep.statusNow(order)).toMatch(/^(已驳回|已取消)$/);
    const shown = await seen(order);
    expect(shown).toContain(`关闭原因：审批驳回：王芳（${reason}）`);
    expect(await order.locator('button').count()).toBe(0);
    await rep.close();
    await desk.close();
  }, 120_000);

  it('广州恒通贸易 goes over its credit limit: 陈刚 approves the discount, 刘洋 approves the override, the order goes to the warehouse', async () => {
    const rep = await ConsolePage.open(browser, app.base, 'lina');
    const desk = await ConsolePage.open(browser, app.base, 'chengang');

    // ¥48,000 open of ¥50,000: an order of about ¥2,400 is over the limit
    const before = await seen(await rep.ask('客户 广州恒通', 'customer:', '广州恒通贸易'));
    expect(before).toMatch(/信用额度\s*¥50,000\.00/);
    expect(before).toMatch(/已用额度\s*¥48,000\.00/);
    await rep.send('报价 广州恒通 A100×1000 折扣6%');
    const quote = rep.card('quote:');
    const quoteText = await rep.statusOf(quote, '草稿');
    const quoteNo = (QT.exec(quoteText) as RegExpExecArray)[0];
    expect(quoteText).toContain('陈刚（销售经理）— 折扣 6% > 5%');
    const total = totalOf(quoteText);
    expect(total).toBeGreaterThan(200_000);
    await rep.click(quote, 'quote.submit');
    const orderNo = (
      await match(rep.pushed(`${quoteNo} 已提交 陈刚 审批`), new RegExp(`${quoteNo} 已提交 陈刚 审批（第 1/1 步），订单 (${SO})`))
    )[1] as string;

    const sales = desk.card('approval:', `（报价 ${quoteNo}）`);
    await desk.statusOf(sales, '待 陈刚 审批');
    await desk.click(sales, 'approval.approve');
    await desk.statusOf(sales, '陈刚 已同意');

    const over = formatFen(48_000_00 + total - 50_000_00);
    await rep.pushed(`订单 ${orderNo} 超出信用额度 ${over}`).waitFor();
    expect(await rep.statusNow(await rep.ask(`订单 ${orderNo}`, 'order:', orderNo))).toMatch(/^等待.*超信用额度审批/);

    await desk.as('liuyang');
    const credit = desk.card('approval:', orderNo);
    const creditText = await desk.statusOf(credit, '待 刘洋 审批');
    expect(creditText).toContain('超信用额度审批 · 广州恒通贸易');
    expect(creditText).toMatch(/信用额度\s*¥50,000\.00/);
    expect(creditText).toMatch(new RegExp(`超出\\s*${reEscape(over)}`));
    await desk.click(credit, 'approval.approve');
    await desk.statusOf(credit, '刘洋 已同意');
    expect(await credit.locator('button').count()).toBe(0);

    await rep.pushed(`订单 ${orderNo} 已确认，库存已锁定，已通知仓库发货`).waitFor();
    await desk.as('chenjing');
    await desk.statusOf(desk.card('shipnotice:', orderNo), '待发货');
    expect(await rep.statusNow(await rep.ask(`订单 ${orderNo}`, 'order:', orderNo))).toBe('待发货');
    await rep.close();
    await desk.close();
  }, 120_000);
});
