import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleRoutes } from '../../app/console';
import { createHttpApp, listen } from '../../app/http';
import { handleAction } from '../../bot/actions';
import { loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { freshDb, type TestDb } from '../helpers/db';

// The real card actions, watched: what the console hands them, and a card they answer with.
vi.mock('../../bot/actions', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../bot/actions')>();
  return { ...real, handleAction: vi.fn(real.handleAction) };
});

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

  const click = (body: unknown) =>
    fetch(`${base}/console/api/actions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  // An action no card has, so the click reaches bot/actions without starting any real work.
  const ok = { userId: 'zhangwei', cardId: 'test:1', action: 'test.noop', value: { testId: 1 } };

  it('POST /console/api/actions hands a valid click to the card actions and answers with replies', async () => {
    for (const body of [ok, { ...ok, action: 'test.reject', comment: '价格太低' }, { ...ok, comment: '' }, { ...ok, comment: null }]) {
      const res = await click(body);
      expect(res.status).toBe(200);
      const { replies } = (await res.json()) as { replies: { kind: string }[] };
      expect(replies.length).toBeGreaterThan(0);
      expect(['text', 'card']).toContain(replies[0]?.kind);
    }
  });

  it('POST /console/api/actions passes the click on as given, and a card in the answer comes with its HTML', async () => {
    const card = { id: 'approval:12', title: '报价审批', status: { text: '已驳回', tone: 'danger' as const } };
    vi.mocked(handleAction).mockResolvedValueOnce([
      { kind: 'text', text: '已驳回' },
      { kind: 'card', card },
    ]);
    const res = await click({ ...ok, cardId: 'approval:12', action: 'approval.reject', value: { approvalId: 12 }, comment: '价格太低' });
    expect(vi.mocked(handleAction).mock.lastCall?.[1]).toEqual({
      userLogin: 'zhangwei',
      cardId: 'approval:12',
      action: 'approval.reject',
      value: { approvalId: 12 },
      comment: '价格太低',
      // where the click was made: a late click on another platform's copy is told so
      channel: 'console',
    });
    const { replies } = (await res.json()) as { replies: { kind: string; html?: string }[] };
    expect(replies[0]).toEqual({ kind: 'text', text: '已驳回' });
    expect(replies[1]).toMatchObject({ kind: 'card', card });
    expect(replies[1]?.html).toContain('data-card-id="approval:12"');
    await click({ ...ok, comment: '  ' });
    expect(vi.mocked(handleAction).mock.lastCall?.[1]).not.toHaveProperty('comment');
  });

  it.each([
    [{ ...ok, userId: undefined }, 'userId'],
    [{ ...ok, userId: '' }, 'userId'],
    [{ ...ok, userId: 7 }, 'userId'],
    [{ ...ok, cardId: undefined }, 'cardId'],
    [{ ...ok, cardId: '  ' }, 'cardId'],
    [{ ...ok, cardId: 'x'.repeat(129) }, 'cardId'],
    [{ ...ok, action: undefined }, 'action'],
    [{ ...ok, action: 3 }, 'action'],
    [{ ...ok, action: 'quote submit' }, 'action'],
    [{ ...ok, action: 'x'.repeat(65) }, 'action'],
    [{ ...ok, value: undefined }, 'value'],
    [{ ...ok, value: 'quoteId=1' }, 'value'],
    [{ ...ok, value: [1] }, 'value'],
    [{ ...ok, value: null }, 'value'],
    [{ ...ok, value: { quoteId: { nested: 1 } } }, 'value'],
    [{ ...ok, comment: 42 }, 'comment'],
    [{ ...ok, comment: '理'.repeat(501) }, 'comment'],
    ['{', 'body'],
    [[ok], 'body'],
  ])('POST /console/api/actions refuses %j with 400 naming %s', async (body, field) => {
    const res = await click(body);
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: string; field: string };
    expect(answer.field).toBe(field);
    expect(answer.error).toEqual(expect.any(String));
  });

  it('refuses a body that is not JSON by its content type', async () => {
    const res = await post('userId=zhangwei', 'application/x-www-form-urlencoded');
    expect(res.status).toBe(400);
  });

  it('refuses a body over 64 KiB naming the body, and answers the next request normally', async () => {
    const res = await post({ userId: 'zhangwei', text: `库存 A100 ${'x'.repeat(70 * 1024)}` });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('body larger than 65536 bytes');
    const again = await post({ userId: 'zhangwei', text: '库存 A100' });
    expect(again.status).toBe(200);
    expect(JSON.stringify(await again.json())).toContain('"id":"stock:');
  });

  it('refuses malformed JSON naming the body', async () => {
    const res = await post('{"userId": "zhangwei", "text": ');
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('expected a JSON object');
  });
});
