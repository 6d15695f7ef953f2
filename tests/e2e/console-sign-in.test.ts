import { describe, expect, it } from 'vitest';
import { appAndBrowser, askStockOfA100, setPasswordCli } from './app';

/**
 * The exposed console as a person meets it, in Chromium: the real run command with
 * CONSOLE_SIGN_IN=always (sign-in as off loopback, while the tests still talk only on
 * 127.0.0.1), a password an admin set with `npm run set-password`, and the sign-in form.
 */
describe('exposed console: signing in through the page', () => {
  const run = appAndBrowser({
    env: { CONSOLE_SIGN_IN: 'always' },
    prepare: (app) => setPasswordCli({ DATA_DIR: app.dataDir, DATABASE_URL: '' }, 'zhangwei', 'zhangwei-pass-1'),
  });

  it('a wrong password shows the error; the right one opens the chat as that user, who asks for stock and signs out', async () => {
    const { app, browser } = run;
    expect(app.output()).toMatch(/ready: http:\/\/127\.0\.0\.1:\d+\/healthz .*sign-in required/);
    const page = await browser.newPage();
    await page.goto(`${app.base}/`);
    await page.locator('#signin').waitFor();
    expect(await page.locator('#picker').isVisible()).toBe(false);
    expect(await page.locator('#form').isVisible()).toBe(false);

    await page.fill('#login', 'zhangwei');
    await page.fill('#password', 'not-his-password');
    await page.click('#signin button[type="submit"]');
    await page.locator('#signin-error', { hasText: '登录名或密码错误' }).waitFor();
    expect(await page.locator('#form').isVisible()).toBe(false);

    await page.fill('#password', 'zhangwei-pass-1');
    await page.press('#password', 'Enter');
    await page.locator('#form').waitFor();
    expect(await page.locator('#me-name').innerText()).toBe('张伟（销售代表）');
    expect(await page.locator('#picker').isVisible()).toBe(false);
    expect(await page.locator('#signin').isVisible()).toBe(false);
    // httpOnly: the page's scripts cannot read the session
    expect(await page.evaluate('document.cookie')).not.toContain('q2c_session');
    expect(await page.context().cookies()).toEqual([expect.objectContaining({ name: 'q2c_session', httpOnly: true, sameSite: 'Strict' })]);

    await askStockOfA100(page);
    await page.locator('#conn', { hasText: '已连接' }).waitFor();

    await page.click('#logout');
    await page.locator('#signin').waitFor();
    expect(await page.locator('#signin-error').innerText()).toBe('已退出登录');
    await page.reload();
    await page.locator('#signin').waitFor();
    expect(await page.locator('#form').isVisible()).toBe(false);
  }, 60_000);
});
