import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../app/console';
import { createHttpApp, listen } from '../../app/http';
import { loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { freshDb, type TestDb } from '../helpers/db';

describe('console HTTP API (real Koa on loopback)', () => {
  let t: TestDb;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
    const routes = consoleRoutes({
      db: t.db,
      config: loadConfig({ env: { CONFIG_FILE: '' } }),
      now: () => new Date('2026-11-23T04:00:00Z'),
    });
    server = await listen(createHttpApp({ db: t.db }, routes), 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.drop();
  });

  const post = (body: unknown, type = 'application/json') =>
    fetch(`${base}/console/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': type },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('serves the console page and the demo users', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('报价到回款助手');
    const users = (await (await fetch(`${base}/console/api/users`)).json()) as { userId: string; name: string }[];
    expect(users.map((u) => u.userId)).toEqual(
      expect.arrayContaining(['zhangwei', 'lina', 'wangfang', 'liqiang', 'liuyang', 'chenjing', 'zhaolei', 'admin']),
    );
  });

  it('POST /console/api/messages answers a quote with the neutral card, its buttons and its HTML', async () => {
    const res = await post({ userId: 'zhangwei', text: '报价 华东机电 A100×2000 B200×20 折扣12%' });
    expect(res.status).toBe(200);
    const { replies } = (await res.json()) as {
      replies: { kind: string; card: { buttons: { action: string; value: { quoteId: number } }[] }; html: string }[];
    };
    expect(replies[0]?.kind).toBe('card');
    expect(replies[0]?.card.buttons.map((b) => b.action)).toEqual(['quote.submit', 'quote.cancel']);
    expect(replies[0]?.html).toContain('data-action="quote.submit"');
  });

  it.each([
    [{ text: '库存 A100' }, 'userId'],
    [{ userId: 'zhangwei' }, 'text'],
    [{ userId: 'zhangwei', text: '   ' }, 'text'],
    [{ userId: 42, text: 'x' }, 'userId'],
    [{ userId: 'zhangwei', text: 'x'.repeat(2001) }, 'text'],
    ['not json', 'body'],
    [[1, 2], 'body'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field: string }).field).toBe(field);
  });

  it('refuses a body that is not JSON by its content type', async () => {
    const res = await post('userId=zhangwei', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(400);
  });
});
