import { EventEmitter } from 'node:events';
import { get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleRoutes, endConsoleStreams, openConsoleStreams } from '../../app/console';
import { createHttpApp, listen } from '../../app/http';
import type { Card } from '../../bot/cards/card';
import { outboxEvents, pushTo, updateCard } from '../../bot/outbox';
import { loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { freshDb, type TestDb } from '../helpers/db';

/** The console's push side: the inbox by cursor, its long poll, and the Server-Sent Events stream. */

interface Msg {
  cursor: number;
  kind: 'text' | 'card' | 'card_update';
  reply: { kind: string; text?: string; card?: Card; html?: string };
  at: string;
}
interface Inbox {
  messages: Msg[];
  next: number;
}
interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** A Server-Sent Events client over node:http, keeping every event and comment it receives. */
function openSse(url: string, headers: Record<string, string> = {}) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const changed = new EventEmitter();
  let res: IncomingMessage | undefined;
  let ended = false;
  const req = get(url, { headers: { Accept: 'text/event-stream', ...headers } });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', (r) => {
      res = r;
      r.setEncoding('utf8');
      let buf = '';
      r.on('data', (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev: SseEvent = { data: '' };
          let isEvent = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line);
            else if (line.startsWith('id: ')) ev.id = line.slice(4);
            else if (line.startsWith('event: ')) ev.event = line.slice(7);
            else if (line.startsWith('data: ')) {
              ev.data = line.slice(6);
              isEvent = true;
            }
          }
          if (isEvent) events.push(ev);
        }
        changed.emit('change');
      });
      r.on('end', () => {
        ended = true;
        changed.emit('change');
      });
      r.on('error', () => undefined);
      resolve(r);
    });
    req.once('error', reject);
  });
  const until = (what: string, ok: () => boolean, ms = 5000) =>
    new Promise<void>((resolve, reject) => {
      if (ok()) return resolve();
      const timer = setTimeout(() => {
        changed.off('change', check);
        reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events)}`));
      }, ms);
      const check = () => {
        if (!ok()) return;
        clearTimeout(timer);
        changed.off('change', check);
        resolve();
      };
      changed.on('change', check);
    });
  return {
    response,
    events,
    comments,
    messages: () => events.map((e) => JSON.parse(e.data) as Msg),
    waitForEvents: (n: number, ms?: number) => until(`${n} events`, () => events.length >= n, ms),
    waitForComment: (ms?: number) => until('a comment', () => comments.length > 0, ms),
    ended: (ms?: number) => until('the end of the stream', () => ended, ms),
    close: () => {
      req.destroy();
      res?.destroy();
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Resolves once `ok()` holds, checked every 10 ms: waits on a state, asserts nothing about time. */
const until = async (ok: () => boolean) => {
  while (!ok()) await sleep(10);
};

const approval = (status?: string): Card => ({
  id: 'approval:12',
  title: '报价审批 Q-12',
  fields: [{ label: '金额', value: '¥5,054.33' }],
  ...(status
    ? { status: { text: status, tone: 'success' as const } }
    : {
        buttons: [
          { text: '同意', action: 'approval.approve', value: { approvalId: 12 }, style: 'primary' as const },
          { text: '驳回', action: 'approval.reject', value: { approvalId: 12 }, style: 'danger' as const },
        ],
      }),
});

describe('console inbox and stream (real Koa on loopback, SQLite)', () => {
  let t: TestDb;
  let server: Server;
  let base: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
    for (const u of await t.db.models.User.findAll()) ids[u.login] = u.id;
    const routes = consoleRoutes({
      db: t.db,
      config: loadConfig({ env: { CONFIG_FILE: '' } }),
      now: () => new Date('2026-11-23T04:00:00Z'),
    });
    server = await listen(createHttpApp({ db: t.db }, routes), 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    endConsoleStreams();
    await new Promise((r) => server?.close(r));
    await t?.drop();
  });

  const inbox = async (query: string) => {
    const res = await fetch(`${base}/console/api/inbox?${query}`);
    return { status: res.status, body: (await res.json()) as Inbox & { error?: string; field?: string } };
  };
  const uid = (login: string) => ids[login] as number;

  it('reads pushes by cursor: after 0, after the first, card updates in place, and only the recipient sees them', async () => {
    await pushTo(t.db, [uid('zhangwei')], { kind: 'text', text: '报价 Q-12 已提交审批' });
    await pushTo(t.db, [uid('zhangwei'), uid('wangfang')], { kind: 'card', card: approval() });

    const all = await inbox('userId=zhangwei&after=0');
    expect(all.status).toBe(200);
    expect(all.body.messages.map((m) => m.kind)).toEqual(['text', 'card']);
    const [first, second] = all.body.messages as [Msg, Msg];
    expect(first.reply).toEqual({ kind: 'text', text: '报价 Q-12 已提交审批' });
    expect(second.cursor).toBeGreaterThan(first.cursor);
    expect(second.reply.card?.buttons?.map((b) => b.action)).toEqual(['approval.approve', 'approval.reject']);
    expect(second.reply.html).toContain('data-card-id="approval:12"');
    expect(second.reply.html).toContain('data-action="approval.reject"');
    expect(new Date(first.at).getTime()).not.toBeNaN();
    expect(all.body.next).toBe(second.cursor);

    expect((await inbox('userId=zhangwei')).body.messages).toHaveLength(2); // after defaults to 0
    const afterFirst = await inbox(`userId=zhangwei&after=${first.cursor}`);
    expect(afterFirst.body.messages.map((m) => m.cursor)).toEqual([second.cursor]);
    const one = await inbox('userId=zhangwei&after=0&limit=1');
    expect(one.body).toMatchObject({ messages: [{ cursor: first.cursor }], next: first.cursor });
    const none = await inbox(`userId=zhangwei&after=${second.cursor}`);
    expect(none.body).toEqual({ messages: [], next: second.cursor });

    await updateCard(t.db, approval('已同意'), { dedupeKey: 'approval:12:approved' });
    const update = await inbox(`userId=zhangwei&after=${second.cursor}`);
    expect(update.body.messages).toHaveLength(1);
    const [u] = update.body.messages as [Msg];
    expect(u.kind).toBe('card_update');
    expect(u.reply.card?.id).toBe('approval:12');
    expect(u.reply.html).toContain('已同意');
    expect(u.reply.html).not.toContain('<button');

    // 王芳 got the card and its update, not the text; 李娜 got nothing.
    expect((await inbox('userId=wangfang&after=0')).body.messages.map((m) => m.kind)).toEqual(['card', 'card_update']);
    expect(await inbox('userId=lina&after=0')).toEqual({ status: 200, body: { messages: [], next: 0 } });
  });

  it.each([
    ['userId=nobody', 404, 'userId'],
    ['after=0', 400, 'userId'],
    ['userId=zhangwei&userId=lina', 400, 'userId'],
    ['userId=zhangwei&after=-1', 400, 'after'],
    ['userId=zhangwei&after=abc', 400, 'after'],
    ['userId=zhangwei&after=1.5', 400, 'after'],
    ['userId=zhangwei&limit=0', 400, 'limit'],
    ['userId=zhangwei&limit=201', 400, 'limit'],
    ['userId=zhangwei&wait=26', 400, 'wait'],
    ['userId=zhangwei&wait=x', 400, 'wait'],
  ])('GET /console/api/inbox?%s → %i naming %s', async (query, status, field) => {
    const res = await inbox(query);
    expect(res.status).toBe(status);
    expect(res.body.field).toBe(field);
    expect(res.body.error).toEqual(expect.any(String));
  });

  // The long polls below wait up to 25 s; each answer must come before a marker that fires
  // 10 s in, so a poll that ignored the push and waited out its wait would fail the order.
  const MARKER_MS = 10_000;
  const marker = (order: string[]) => sleep(MARKER_MS).then(() => order.push('marker'));

  it('a long poll answers as soon as a push arrives during the wait, with that push', async () => {
    const { next } = (await inbox('userId=lina')).body;
    const order: string[] = [];
    const waiting = inbox(`userId=lina&after=${next}&wait=25`).then((r) => {
      order.push('long poll answered');
      return r;
    });
    await until(() => openConsoleStreams() === 1);
    order.push('long poll waiting');
    await pushTo(t.db, [uid('lina')], { kind: 'text', text: '广州恒通贸易 回款 ¥48,000 已到账' });
    order.push('push written');
    const res = await Promise.race([waiting, marker(order)]);
    expect(order).toEqual(['long poll waiting', 'push written', 'long poll answered']);
    expect(res).toMatchObject({ status: 200 });
    expect((await waiting).body.messages.map((m) => m.reply.text)).toEqual(['广州恒通贸易 回款 ¥48,000 已到账']);
    expect(openConsoleStreams()).toBe(0);
  }, 40_000);

  it('a long poll also finds a push written by another process (no event here) by polling the database', async () => {
    const { next } = (await inbox('userId=liuyang')).body;
    const listeners = outboxEvents.listenerCount('pushed');
    const order: string[] = [];
    const waiting = inbox(`userId=liuyang&after=${next}&wait=25`).then((r) => {
      order.push('long poll answered');
      return r;
    });
    await until(() => outboxEvents.listenerCount('pushed') === listeners + 1);
    order.push('long poll waiting');
    await t.db.models.OutboxMessage.create({
      recipientUserId: uid('liuyang'),
      kind: 'text',
      cardId: null,
      payload: { kind: 'text', text: '来自工作进程的推送' },
      dedupeKey: null,
    });
    order.push('row written');
    await Promise.race([waiting, marker(order)]);
    expect(order).toEqual(['long poll waiting', 'row written', 'long poll answered']);
    expect((await waiting).body.messages.map((m) => m.reply.text)).toEqual(['来自工作进程的推送']);
    expect(outboxEvents.listenerCount('pushed')).toBe(listeners);
  }, 40_000);

  it('a long poll with nothing new waits, then answers empty when the wait is up', async () => {
    const { next } = (await inbox('userId=zhaolei')).body;
    const order: string[] = [];
    const waiting = inbox(`userId=zhaolei&after=${next}&wait=2`).then((r) => {
      order.push('long poll answered');
      return r;
    });
    // seen waiting: an answer at once (no wait) would come before this
    await until(() => openConsoleStreams() === 1 || order.length > 0);
    order.push('long poll waiting');
    const res = await waiting;
    expect(order).toEqual(['long poll waiting', 'long poll answered']);
    expect(res.body).toEqual({ messages: [], next });
    expect(openConsoleStreams()).toBe(0);
  });

  it('the stream sends the backlog after the cursor, then a live push; it honours Last-Event-ID and cleans up on disconnect', async () => {
    const listeners = outboxEvents.listenerCount('pushed');
    const backlog = (await inbox('userId=zhangwei&after=0')).body.messages;
    expect(backlog.length).toBeGreaterThanOrEqual(3);

    const sse = openSse(`${base}/console/api/stream?userId=zhangwei&after=${backlog[0]?.cursor}`);
    const res = await sse.response;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    await sse.waitForEvents(backlog.length - 1);
    expect(sse.events.map((e) => e.id)).toEqual(backlog.slice(1).map((m) => String(m.cursor)));
    expect(sse.events.every((e) => e.event === 'message')).toBe(true);
    expect(sse.messages()[0]?.reply.html).toContain('data-card-id="approval:12"');

    await pushTo(t.db, [uid('zhangwei')], { kind: 'text', text: '订单 SO-1 已发货' });
    await pushTo(t.db, [uid('lina')], { kind: 'text', text: '不是给张伟的' });
    await updateCard(t.db, approval('已驳回'), { dedupeKey: 'approval:12:rejected' });
    await sse.waitForEvents(backlog.length + 1);
    const live = sse.messages().slice(backlog.length - 1);
    expect(live.map((m) => [m.kind, m.reply.text ?? m.reply.card?.status?.text])).toEqual([
      ['text', '订单 SO-1 已发货'],
      ['card_update', '已驳回'],
    ]);
    expect(sse.events.map((e) => Number(e.id))).toEqual([...sse.events.map((e) => Number(e.id))].sort((a, b) => a - b));
    await sleep(1200); // a poll tick re-reads the database: nothing is sent twice
    expect(sse.events).toHaveLength(backlog.length + 1);

    // A reconnecting EventSource sends Last-Event-ID, which wins over ?after.
    const lastButOne = sse.events[sse.events.length - 2]?.id as string;
    const again = openSse(`${base}/console/api/stream?userId=zhangwei&after=0`, { 'Last-Event-ID': lastButOne });
    await again.waitForEvents(1);
    await sleep(300);
    expect(again.events.map((e) => e.id)).toEqual([sse.events[sse.events.length - 1]?.id]);

    expect(openConsoleStreams()).toBe(2);
    expect(outboxEvents.listenerCount('pushed')).toBe(listeners + 2);
    sse.close();
    again.close();
    await sleep(200);
    expect(openConsoleStreams()).toBe(0);
    expect(outboxEvents.listenerCount('pushed')).toBe(listeners);
  });

  it('the stream refuses an unknown user with 404 and a bad cursor with 400', async () => {
    const unknown = await fetch(`${base}/console/api/stream?userId=nobody`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ field: 'userId' });
    const bad = await fetch(`${base}/console/api/stream?userId=zhangwei&after=x`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'after' });
    const badId = await fetch(`${base}/console/api/stream?userId=zhangwei`, { headers: { 'Last-Event-ID': 'abc' } });
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({ field: 'Last-Event-ID' });
    expect(openConsoleStreams()).toBe(0);
  });

  describe('shutdown', () => {
    const deps = () => ({ db: t.db, config: loadConfig({ env: { CONFIG_FILE: '' } }), now: () => new Date() });
    const start = async (pollMs = 200) => {
      const s = await listen(createHttpApp({ db: t.db }, consoleRoutes(deps(), { pollMs, heartbeatMs: 100 })), 0);
      return { s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
    };
    const closed = (s: Server, order: string[]) => new Promise<void>((r) => s.close(() => r(void order.push('server closed'))));

    it('sends heartbeats; server.close() alone ends open streams and long polls within a poll interval', async () => {
      const { s, url } = await start();
      const sse = openSse(`${url}/console/api/stream?userId=chenjing`);
      await sse.response;
      await sse.waitForComment(2000);
      expect(sse.comments[0]).toBe(': ping');
      const order: string[] = [];
      // the long poll would wait 20 s, the marker fires at 10 s: only ending it on close beats the marker
      const poll = fetch(`${url}/console/api/inbox?userId=chenjing&wait=20`).then((r) => {
        order.push('long poll answered');
        return r;
      });
      await until(() => openConsoleStreams() === 2);
      order.push('server closing');
      const ended = sse.ended(30_000).then(() => order.push('stream ended'));
      await Promise.race([Promise.all([closed(s, order), ended, poll]), marker(order)]);
      expect(order[0]).toBe('server closing');
      expect(order.slice(1).sort()).toEqual(['long poll answered', 'server closed', 'stream ended']);
      expect((await poll).status).toBe(200);
      expect(openConsoleStreams()).toBe(0);
    }, 40_000);

    it('endConsoleStreams() ends them at once, without waiting for a poll interval', async () => {
      // a poll interval of a minute: the stream cannot notice the closed server by itself before the marker
      const { s, url } = await start(60_000);
      const sse = openSse(`${url}/console/api/stream?userId=chenjing`);
      await sse.response;
      await until(() => openConsoleStreams() === 1);
      const order: string[] = [];
      const ended = sse.ended(30_000).then(() => order.push('stream ended'));
      const stopped = closed(s, order);
      order.push('endConsoleStreams');
      endConsoleStreams();
      await Promise.race([Promise.all([stopped, ended]), marker(order)]);
      expect(order[0]).toBe('endConsoleStreams');
      expect(order.slice(1).sort()).toEqual(['server closed', 'stream ended']);
      expect(openConsoleStreams()).toBe(0);
    }, 40_000);
  });
});
