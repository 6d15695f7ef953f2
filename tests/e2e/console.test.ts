import { describe, expect, it } from 'vitest';
import { appAndBrowser, askStockOfA100 } from './app';

/**
 * The console as a person uses it: the real run command on a fresh data directory, Debian's
 * Chromium driven by playwright-core (scripts/test.mjs installs Chromium when it is missing).
 */
describe('web chat console in Chromium', () => {
  const run = appAndBrowser();

  it('a rep asks for stock and gets the per-warehouse card; a manager quotes and sees margin and approvers', async () => {
    const page = await run.browser.newPage();
    await page.goto(`${run.app.base}/`);
    await page.waitForSelector('#user option[value="zhangwei"]', { state: 'attached' });
    await page.selectOption('#user', 'zhangwei');
    await askStockOfA100(page);

    await page.selectOption('#user', 'wangfang');
    await page.fill('#text', '报价 华东机电 A100×2000 B200×20 折扣12%');
    await page.click('button[type="submit"]');
    const quote = page.locator('section.card[data-card-id^="quote:"]');
    await quote.waitFor();
    const text = await quote.innerText();
    expect(text).toContain('¥5,054.33');
    expect(text).toContain('38.29%');
    expect(text).toContain('王芳（销售经理）— 折扣 12% > 5%');
    expect(await quote.locator('button[data-action="quote.submit"]').innerText()).toBe('提交审批');
  }, 60_000);

  it('an unknown command gets the reason and an example', async () => {
    const page = await run.browser.newPage();
    await page.goto(`${run.app.base}/`);
    await page.waitForSelector('#user option[value="zhangwei"]', { state: 'attached' });
    await page.fill('#text', '库纯 A100');
    await page.press('#text', 'Enter');
    await page.locator('.bot-text').first().waitFor();
    expect(await page.locator('.bot-text').first().innerText()).toMatch(/您是想用“库存”吗？[\s\S]*例：库存 A100/);
  }, 60_000);

  it('one message id per typed message: a request lost on the way is sent again with the same id', async () => {
    const page = await run.browser.newPage();
    const sent: { text: string; messageId?: string }[] = [];
    let dropped = false;
    await page.route('**/console/api/messages', async (route: import('playwright-core').Route) => {
      sent.push(JSON.parse(route.request().postData() ?? '{}'));
      if (!dropped) {
        dropped = true;
        await route.abort('connectionreset');
        return;
      }
      await route.continue();
    });
    await page.goto(`${run.app.base}/`);
    await page.waitForSelector('#user option[value="zhangwei"]', { state: 'attached' });
    await page.selectOption('#user', 'zhangwei');
    await page.fill('#text', '库存 A100');
    await page.press('#text', 'Enter');
    await page.locator('section.card[data-card-id="stock:A100"]').waitFor();
    await page.fill('#text', '库存 B200');
    await page.press('#text', 'Enter');
    await page.locator('section.card[data-card-id="stock:B200"]').waitFor();
    expect(sent.map((b) => b.text)).toEqual(['库存 A100', '库存 A100', '库存 B200']);
    const [first, retry, next] = sent.map((b) => b.messageId);
    expect(first).toMatch(/\S{8,}/);
    expect(retry).toBe(first);
    expect(next).not.toBe(first);
    expect(await page.locator('.bot-text').allInnerTexts()).not.toContainEqual(expect.stringContaining('网络错误'));
  }, 60_000);
});
