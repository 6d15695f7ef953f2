import { Op } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTo } from '../../bot/outbox';
import { type Db, openDb } from '../../models/db';
import type { FakeLark } from '../fakes/lark';
import { backlog, drained } from './drained';
import { everyCopyDecided, LarkPerson, type LarkWorld, startLarkWorld, until } from './lark-app';
import { buttonsOf, cardText } from './lark-cards';

/**
 * The delivery outbox and the long connection under the faults a deployment meets: the app
 * SIGKILLed while many sends to Lark are in flight (the platform may have taken a message the
 * app never recorded), and the long connection dropped while a message is on its way. The
 * fake in this process outlives the app, as Lark does.
 */
const BURST_TO = ['zhangwei', 'wangfang', 'liqiang', 'liuyang', 'chenjing', 'lina'];
const BURST = 25;
const burstText = (i: number) => `批量通知 #${i}`;

/** every approval card of a decided step, in every chat, shows no buttons */
async function noDecidedCardWithButtons(fake: FakeLark, db: Db): Promise<void> {
  const decided = await db.models.ApprovalStep.findAll({ where: { status: { [Op.in]: ['approved', 'rejected'] } }, attributes: ['id'] });
  const ids = new Set(decided.map((s) => `approval:${s.id}`));
  expect(ids.size).toBeGreaterThan(0);
  const left = fake.messages.filter((m) => buttonsOf(fake.currentContent(m.messageId)).some((b) => ids.has(b.value.c)));
  expect(left.map((m) => `${m.chatId}: ${cardText(fake.currentContent(m.messageId)).split('\n')[1]}`)).toEqual([]);
}

describe('SIGKILL while deliveries to Lark are in flight (ws)', () => {
  let w: LarkWorld;
  let db: Db;
  beforeAll(async () => {
    // the burst is written by this process, as another process of the app would: polled for
    w = await startLarkWorld('ws', { Q2C_DELIVERY__POLL_MS: '100', Q2C_DELIVERY__BACKOFF_BASE_MS: '50' });
    db = await openDb({ url: '', dataDir: w.dataDir });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await w?.close();
  });

  it('delivers every message exactly once after the restart, and leaves no decided card with buttons', async () => {
    const [rep, wang] = ['zhangwei', 'wangfang'].map((l) => new LarkPerson(w.fake, l)) as [LarkPerson, LarkPerson];
    const quote = await rep.ask('报价 华东机电 A100×2000 折扣12%', '草稿');
    await rep.click(quote, 'quote.submit');
    const card = await wang.pushed(/待 王芳 审批/);

    // slow sends: each Lark call takes 300 ms, after the platform has acted on it
    w.fake.delay(300);
    const users = await db.models.User.findAll({ where: { login: { [Op.in]: BURST_TO } }, attributes: ['id', 'login'] });
    expect(users).toHaveLength(BURST_TO.length);
    for (let i = 0; i < BURST; i++)
      await pushTo(
        db,
        users.map((u) => u.id),
        { kind: 'text', text: burstText(i) },
        { dedupeKey: `e2e-burst:${i}` },
      );
    const click = await wang.click(card, 'approval.approve');
    expect(click.toast).not.toBe('');
    const before = await until('a few of the burst out and many still to go', async () => {
      const c = await backlog(db);
      const out = w.fake.messages.filter((m) => cardText(m.content).startsWith('批量通知')).length;
      return out >= 8 && c.pending >= 40 && c;
    });
    const exit = await w.app.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    expect(before.pending).toBeGreaterThanOrEqual(40);
    // what the kill interrupted: messages Lark holds whose delivery the app never marked sent
    const recorded = new Set(
      (await db.models.Delivery.findAll({ where: { state: 'sent' }, attributes: ['platformMessageId'] })).map((d) => d.platformMessageId),
    );
    const unrecorded = w.fake.messages.filter((m) => !recorded.has(m.messageId));
    expect(unrecorded.length, 'sends the platform took but the killed app never recorded').toBeGreaterThan(0);
    // and approval cards still on their way (the rep's decided copy, 李强's new card)
    const cardsOnTheirWay = await db.models.Delivery.count({ where: { state: 'pending', cardId: { [Op.like]: 'approval:%' } } });
    expect(cardsOnTheirWay).toBeGreaterThan(0);

    w.fake.delay(20);
    await w.restart();
    await drained(db, 'the outbox drained after the restart');

    // every message to a person on Lark arrived once: one chat message per delivery uuid, and no text twice
    const lark = await db.models.Delivery.findAll({ where: { channel: 'lark', kind: { [Op.ne]: 'card_update' } } });
    expect(lark.filter((d) => d.state !== 'sent' && d.state !== 'merged').map((d) => `${d.id} ${d.state} ${d.lastError}`)).toEqual([]);
    const bound = new Map((await db.models.ChannelIdentity.findAll({ where: { channel: 'lark' } })).map((b) => [b.userId, b.externalId]));
    // what each person sees: each text of the burst once in their chat
    for (const u of users)
      for (let i = 0; i < BURST; i++) {
        const seen = w.fake.p2pMessagesOf(bound.get(u.id) as string).filter((m) => cardText(m.content) === burstText(i));
        expect(seen.length, `${u.login} got ${burstText(i)} ${seen.length} times`).toBe(1);
      }

    const byUuid = new Map<string, number>();
    for (const m of w.fake.messages) if (m.uuid) byUuid.set(m.uuid, (byUuid.get(m.uuid) ?? 0) + 1);
    const missing = lark.filter((d) => d.state === 'sent' && byUuid.get(`d-${d.id}`) !== 1);
    expect(missing.map((d) => `d-${d.id}: ${byUuid.get(`d-${d.id}`) ?? 0}`)).toEqual([]);
    const outbox = await db.models.OutboxMessage.findAll({ where: { kind: { [Op.ne]: 'card_update' } } });
    const owed = outbox.filter((o) => bound.has(o.recipientUserId) && (o.onlyChannel ?? 'lark') === 'lark');
    const delivered = new Set(lark.map((d) => d.outboxMessageId));
    expect(owed.filter((o) => !delivered.has(o.id)).map((o) => o.id)).toEqual([]);
    // the decision reached every copy of the card, the rep's (sent after the restart) included
    await everyCopyDecided(w.fake, card, /^王芳 已同意/, [wang, rep]);
    await noDecidedCardWithButtons(w.fake, db);
    // and /healthz says so: nothing waiting, nothing given up
    const health = (await (await fetch(`${w.app.base}/healthz`)).json()) as {
      delivery: { pending: number; dead: number; unfanned: number; channels: Record<string, { pending: number; dead: number }> };
      channels: { lark: { mode: string } };
    };
    expect(health.delivery).toMatchObject({ pending: 0, dead: 0, unfanned: 0 });
    expect(health.channels.lark.mode).toBe('ws');
  }, 240_000);
});

describe('the long connection dropped while a message is on its way (ws)', () => {
  let w: LarkWorld;
  let db: Db;
  beforeAll(async () => {
    w = await startLarkWorld('ws');
    db = await openDb({ url: '', dataDir: w.dataDir });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await w?.close();
  });

  it('reconnects, and a message sent during or just before the drop is answered once', async () => {
    const rep = new LarkPerson(w.fake, 'zhangwei');
    await rep.ask('A100还有多少', 'A100');
    const seenBefore = w.fake.ws.connectionsSeen;
    const asked: string[] = [];
    for (let round = 0; round < 3; round++) {
      // sent, then the connection cut before (or just as) the app acknowledges it: Lark pushes it again
      const before = w.fake.store.incoming.length;
      const onItsWay = rep.say(`A100还有多少 ${round}a`);
      w.fake.dropWsConnections();
      // and one typed while the connection is down
      const duringDrop = rep.say(`A100还有多少 ${round}b`);
      asked.push(await onItsWay, await duringDrop);
      expect(w.fake.store.incoming.length - before).toBe(2);
    }
    for (const id of asked) await rep.reply(id, 'A100');
    expect(w.fake.ws.connectionsSeen).toBeGreaterThanOrEqual(seenBefore + 3);
    await drained(db, 'every event handled and answered');
    for (const id of asked) expect(rep.repliesTo(id), `answers to ${id}`).toHaveLength(1);
    const health = (await (await fetch(`${w.app.base}/healthz`)).json()) as { channels?: { lark?: { connection?: { ok: boolean } } } };
    expect(health.channels?.lark?.connection?.ok).toBe(true);
  }, 120_000);

  it('answers a click whose answer the drop lost, when Lark pushes it again: toast and redrawn card, submitted once', async () => {
    const rep = new LarkPerson(w.fake, 'zhangwei');
    const quote = await rep.ask('报价 华东机电 A100×100 折扣8%', '草稿');
    const quoteNo = /QT-\d{8}-\d{4}/.exec(cardText(quote.content))?.[0] as string;
    const submit = buttonsOf(quote.content).find((b) => b.value.a === 'quote.submit');
    const n = w.fake.events.length;
    const click = w.fake.clickCard({ operatorOpenId: rep.openId, messageId: quote.messageId, value: submit?.value ?? {} });
    const eventId = w.fake.events[n]?.eventId as string;
    // the app holds the click (remembered, being handled, not yet acked) when the connection goes
    await until('the click remembered by the app', async () => (await db.models.ChannelEvent.count({ where: { eventId } })) > 0);
    w.fake.dropWsConnections();
    const res = await click;
    expect((res.answer as { toast?: { content?: string } }).toast?.content).toContain(`报价 ${quoteNo} 已提交`);
    await rep.shows(quote, '已提交审批');
    expect(buttonsOf(w.fake.currentContent(quote.messageId))).toEqual([]);
    await rep.pushed(`${quoteNo} 已提交 王芳 审批`);
    await drained(db, 'the click handled');
    expect(rep.chat.filter((m) => cardText(m.content).startsWith(`${quoteNo} 已提交 王芳 审批`))).toHaveLength(1);
    expect(
      await db.models.SalesOrder.count({ where: { quoteId: (await db.models.Quote.findOne({ where: { number: quoteNo } }))?.id } }),
    ).toBe(1);
  }, 120_000);
});
