import { Op } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../bot/cards/card';
import { pushTo } from '../../bot/outbox';
import { type Db, openDb } from '../../models/db';
import type { FakeWeComMessage } from '../fakes/wecom';
import { backlog, drained } from './drained';
import { until } from './lark-app';
import { buttonsOf, cardText, startWeComWorld, WeComPerson, type WeComWorld } from './wecom-app';

/**
 * The delivery outbox under SIGKILL while many sends to WeCom are in flight: WeCom may have
 * taken a message whose answer the app never got, and WeCom gives no idempotency key. What
 * it gives is used instead (bot/channels/wecom/sends.ts): a resent card carries the task_id
 * WeCom already has and is refused, a resent text is identical to the one taken within its
 * duplicate check and is not shown again, an update resent spends the code the first try
 * took. The fake in this process outlives the app, as WeCom does, and holds WeCom's rules.
 * Each person gets fewer than 30 messages in all: the minute's limit is tested elsewhere
 * (tests/bot/wecom-limits.test.ts), not waited for here.
 */
const BURST_TO = ['zhangwei', 'wangfang', 'liqiang', 'liuyang', 'chenjing', 'lina'];
const BURST = 20;
/** every fourth of the burst is a card */
const isCard = (i: number) => i % 4 === 3;
const burstText = (i: number) => `批量通知 #${i}`;
const burstCard = (i: number): Card => ({
  id: `notice:burst:${i}`,
  title: `批量卡片 #${i}`,
  fields: [{ label: '序号', value: String(i) }],
});

const cardIdOf = (m: FakeWeComMessage) => buttonsOf(m.sent)[0]?.cardId as string;

describe('SIGKILL while deliveries to WeCom are in flight', () => {
  let w: WeComWorld;
  let db: Db;
  beforeAll(async () => {
    // the burst is written by this process, as another process of the app would: polled for
    w = await startWeComWorld({ Q2C_DELIVERY__POLL_MS: '100', Q2C_DELIVERY__BACKOFF_BASE_MS: '50' });
    db = await openDb({ url: '', dataDir: w.dataDir });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await w?.close();
  });

  it('delivers every message exactly once after the restart, updates the decided card in place, answers a retried callback once', async () => {
    const [rep, wang] = ['zhangwei', 'wangfang'].map((l) => new WeComPerson(w.fake, l)) as [WeComPerson, WeComPerson];
    const quote = await rep.ask('报价 华东机电 A100×2000 折扣12%', '草稿');
    await rep.click(quote, 'quote.submit');
    const card = await wang.pushed(/待 王芳 审批/);
    const wangId = (await db.models.User.findOne({ where: { login: 'wangfang' }, attributes: ['id'] }))?.id as number;

    // slow answers, each given after WeCom acted on the request: texts 200 ms, cards 1.5 s, updates 4 s
    w.fake.delayMs = (r) => (r.path.endsWith('/update_template_card') ? 4_000 : r.msgtype === 'template_card' ? 1_500 : 200);
    const users = await db.models.User.findAll({ where: { login: { [Op.in]: BURST_TO } }, attributes: ['id', 'login'] });
    expect(users).toHaveLength(BURST_TO.length);
    for (let i = 0; i < BURST; i++)
      await pushTo(
        db,
        users.map((u) => u.id),
        isCard(i) ? { kind: 'card', card: burstCard(i) } : { kind: 'text', text: burstText(i) },
        { dedupeKey: `e2e-burst:${i}` },
      );
    await wang.click(card, 'approval.approve');
    // the kill comes while WeCom has taken a text, a card and the update of 王芳's card, and not yet answered
    const held = (what: (h: { path: string; msgtype?: string }) => boolean) => w.fake.held.some(what);
    await until(
      'a text, a card and the update of the decided card taken by WeCom and not yet answered, much of the burst to go',
      async () =>
        held((h) => h.msgtype === 'text') &&
        held((h) => h.msgtype === 'template_card') &&
        held((h) => h.path.endsWith('/update_template_card')) &&
        (await backlog(db)).pending >= 40,
    );
    // a question on its way when the process dies: WeCom posts it again later (a retry has the same MsgId)
    const asked = rep.say('A100还有多少').catch(() => null);
    const msgId = w.fake.acted.at(-1)?.msgId as string;
    const exit = await w.app.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');
    await asked;

    // what the kill interrupted: messages WeCom holds whose delivery the app never marked sent
    const recorded = new Set(
      (await db.models.Delivery.findAll({ where: { state: 'sent' }, attributes: ['platformMessageId'] })).map((d) => d.platformMessageId),
    );
    const unrecorded = w.fake.api.messages.filter((m) => !recorded.has(m.taskId ?? m.msgid));
    expect(new Set(unrecorded.map((m) => m.msgtype)), 'sends WeCom took but the killed app never recorded').toEqual(
      new Set(['text', 'template_card']),
    );
    const update = await db.models.Delivery.findOne({
      where: { kind: 'card_update', cardId: cardIdOf(card), recipientUserId: wangId, state: { [Op.ne]: 'merged' } },
    });
    expect(update?.state, 'the update WeCom made but the app did not record').toBe('pending');
    expect(w.fake.api.updates.filter((u) => u.taskId === card.taskId)).toHaveLength(1);
    const cardsOnTheirWay = await db.models.Delivery.count({ where: { state: 'pending', cardId: { [Op.like]: 'approval:%' } } });
    expect(cardsOnTheirWay, 'approval cards still on their way').toBeGreaterThan(0);

    w.fake.delayMs = 0;
    await w.restart();
    await w.fake.sendText({ from: rep.userid, text: 'A100还有多少', msgId });
    await drained(db, 'the outbox drained after the restart');

    const wecom = await db.models.Delivery.findAll({ where: { channel: 'wecom', kind: { [Op.ne]: 'card_update' } } });
    expect(wecom.filter((d) => d.state !== 'sent' && d.state !== 'merged').map((d) => `${d.id} ${d.state} ${d.lastError}`)).toEqual([]);
    // nothing owed to a person on WeCom is without its delivery
    const bound = new Set((await db.models.ChannelIdentity.findAll({ where: { channel: 'wecom' } })).map((b) => b.userId));
    const outbox = await db.models.OutboxMessage.findAll({ where: { kind: { [Op.ne]: 'card_update' } } });
    const owed = outbox.filter((o) => bound.has(o.recipientUserId) && (o.onlyChannel ?? 'wecom') === 'wecom');
    const delivered = new Set(wecom.map((d) => d.outboxMessageId));
    expect(owed.filter((o) => !delivered.has(o.id)).map((o) => o.id)).toEqual([]);
    // what each person sees: each text of the burst once in their chat, each card once
    for (const u of users) {
      const chat = w.fake.api.messagesTo(u.login.toUpperCase());
      for (let i = 0; i < BURST; i++) {
        const shows = (m: FakeWeComMessage) =>
          isCard(i) ? cardText(m.sent).startsWith(`批量卡片 #${i}\n`) : cardText(m.sent) === burstText(i);
        expect(chat.filter(shows).length, `${u.login}: #${i}`).toBe(1);
      }
    }
    const byTask = new Map<string, number>();
    for (const m of w.fake.api.messages) if (m.taskId) byTask.set(m.taskId, (byTask.get(m.taskId) ?? 0) + 1);
    expect([...byTask].filter(([, n]) => n !== 1)).toEqual([]);
    const cards = wecom.filter((d) => d.state === 'sent' && d.kind === 'card');
    expect(cards.filter((d) => !byTask.has(d.platformMessageId as string)).map((d) => d.id)).toEqual([]);
    // WeCom was asked again for each one it had: the texts it skipped, the cards it refused by their task_id
    expect(w.fake.api.duplicates, 'texts resent').toBeGreaterThanOrEqual(unrecorded.filter((m) => m.msgtype === 'text').length);
    expect(w.fake.api.taskIdRefusals, 'cards resent').toBeGreaterThanOrEqual(
      unrecorded.filter((m) => m.msgtype === 'template_card').length,
    );
    // the question asked as the process died is answered once
    expect(rep.chat.filter((m) => cardText(m.sent).startsWith('库存 A100'))).toHaveLength(1);

    // the decision reached 王芳's card in place, once (the resent update found its code spent by the first try),
    // and no decided card anywhere still offers buttons
    expect(buttonsOf(card.content)).toEqual([]);
    expect(cardText(card.content)).toMatch(/王芳 已同意/);
    expect(w.fake.api.updates.filter((u) => u.taskId === card.taskId)).toHaveLength(1);
    expect(wang.chat.filter((m) => cardText(m.sent).startsWith('报价审批'))).toEqual([card]);
    expect((await update?.reload())?.state).toBe('sent');
    const decided = await db.models.ApprovalStep.findAll({ where: { status: { [Op.in]: ['approved', 'rejected'] } }, attributes: ['id'] });
    const ids = new Set(decided.map((s) => `approval:${s.id}`));
    expect(ids.size).toBeGreaterThan(0);
    const left = w.fake.api.messages.filter((m) => buttonsOf(m.content).some((b) => ids.has(b.cardId)));
    expect(left.map((m) => `${m.touser}: ${cardText(m.content).split('\n')[1]}`)).toEqual([]);
    await rep.pushed(/^报价审批 · 华东机电有限公司\n王芳 已同意/);

    expect(w.fake.api.dropped).toBe(0);
    const health = (await (await fetch(`${w.app.base}/healthz`)).json()) as {
      delivery: { pending: number; dead: number; unfanned: number };
      channels: { wecom: { token: string } };
    };
    expect(health.delivery).toMatchObject({ pending: 0, dead: 0, unfanned: 0 });
    expect(health.channels.wecom.token).toBe('ok');
  }, 180_000);
});
