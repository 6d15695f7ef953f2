import { Op } from 'sequelize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTo } from '../../bot/outbox';
import { type Db, openDb } from '../../models/db';
import type { FakeDelivered } from '../fakes/dingtalk';
import { DingTalkPerson, type DingTalkWorld, everyCopyDecided, startDingTalkWorld } from './dingtalk-app';
import { buttonsOf, cardOf, textOf } from './dingtalk-cards';
import { backlog, drained } from './drained';
import { until } from './lark-app';

/**
 * The outbox and the Stream connection under the faults a deployment meets, over DingTalk: the
 * app SIGKILLed while many sends are in flight (DingTalk may have taken a message the app never
 * recorded), then the connection cut while messages and a click are on their way. A robot
 * message has no idempotency key: what keeps a resend from arriving twice is DingTalk's own
 * rule that the same content reaches a person once a day, and the repeat guard giving the
 * resend exactly what it gave the first try (bot/channels/dingtalk/repeat-guard.ts). A card's
 * resend is the same out-track id. The fake in this process outlives the app, as DingTalk does.
 */
const BURST_TO = ['zhangwei', 'wangfang', 'liqiang', 'liuyang', 'chenjing', 'zhaolei'];
/** each of them stays under DingTalk's 20 a minute with what the story sends them besides */
const BURST = 8;
/** half of them the same words: each repeat must stay distinct across the restart, or DingTalk drops it */
const SAME = '今日待办已更新';
const burstText = (i: number) => (i % 2 ? `批量通知 #${i}` : SAME);
const isBurst = (fake: DingTalkWorld['fake'], d: FakeDelivered) => d.kind === 'robot' && /^(批量通知|今日待办已更新)/.test(textOf(fake, d));

describe('SIGKILL while deliveries to DingTalk are in flight, then the stream cut (stream)', () => {
  let w: DingTalkWorld;
  let db: Db;
  beforeAll(async () => {
    // the burst is written by this process, as another process of the app would: polled for
    w = await startDingTalkWorld('stream', { env: { Q2C_DELIVERY__POLL_MS: '100', Q2C_DELIVERY__BACKOFF_BASE_MS: '50' } });
    db = await openDb({ url: '', dataDir: w.dataDir });
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await w?.close();
  });

  it('delivers every message exactly once after the restart, and the card decided before the kill is updated in place after it', async () => {
    const fake = w.fake;
    const [rep, wang] = ['zhangwei', 'wangfang'].map((l) => new DingTalkPerson(fake, l)) as [DingTalkPerson, DingTalkPerson];
    const quote = await rep.ask('报价 华东机电 A100×2000 折扣12%', '草稿');
    await rep.click(quote, 'quote.submit');
    const card = await wang.pushed(/待 王芳 审批/);
    const cardId = cardOf(fake, card)?.initial.cardId as string;

    // slow sends: each DingTalk call answers 300 ms after DingTalk acted on it
    fake.delay(300);
    const users = await db.models.User.findAll({ where: { login: { [Op.in]: BURST_TO } }, attributes: ['id', 'login'] });
    expect(users).toHaveLength(BURST_TO.length);
    for (let i = 0; i < BURST; i++)
      await pushTo(
        db,
        users.map((u) => u.id),
        { kind: 'text', text: burstText(i) },
        { dedupeKey: `e2e-burst:${i}` },
      );
    // she decides: her card is to be redrawn, the rep to get it decided, 李强 his step
    await wang.click(card, 'approval.approve');
    await until('a few of the burst out and many still to go', async () => {
      const out = fake.state.delivered.filter((d) => isBurst(fake, d)).length;
      return out >= 8 && (await backlog(db)).pending >= 20;
    });
    const exit = await w.app.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');

    // what the kill interrupted: messages DingTalk holds whose delivery the app never marked sent
    const sentBurst = await db.sequelize.query<{ n: number }>(
      `SELECT COUNT(*) AS n FROM deliveries d JOIN outbox_messages o ON o.id = d.outbox_message_id
        WHERE d.channel = 'dingtalk' AND d.state = 'sent' AND o.dedupe_key LIKE 'e2e-burst:%'`,
      { type: 'SELECT' as never },
    );
    const unrecorded = fake.state.delivered.filter((d) => isBurst(fake, d)).length - Number(sentBurst[0]?.n ?? 0);
    expect(unrecorded, 'sends DingTalk took but the killed app never recorded').toBeGreaterThan(0);
    expect(await db.models.Delivery.count({ where: { state: 'pending', cardId } }), 'the decided card still to be drawn').toBeGreaterThan(
      0,
    );

    fake.delay(0);
    await w.restart();
    await drained(db, 'the outbox drained after the restart');

    // what each person sees: each text of the burst once, the repeats told apart as before the kill
    for (const u of users) {
      const texts = fake.textsTo(`staff_${u.login}`);
      for (let i = 1; i < BURST; i += 2)
        expect(
          texts.filter((t) => t === burstText(i)),
          `${u.login}: ${burstText(i)}`,
        ).toHaveLength(1);
      expect(
        texts.filter((t) => t.startsWith(SAME)),
        u.login,
      ).toEqual([SAME, `${SAME}（2）`, `${SAME}（3）`, `${SAME}（4）`]);
    }
    // each interrupted send went again as the very same message, and DingTalk kept the first
    expect(fake.state.drops.identical).toBe(unrecorded);
    for (const drop of fake.state.limiter.dropLog) {
      const sent = (JSON.parse(drop.content.slice(drop.content.indexOf('|') + 1)) as { content?: string }).content;
      expect(
        fake.textsTo(drop.userId).filter((t) => t === sent),
        `${sent} to ${drop.userId}`,
      ).toHaveLength(1);
    }
    expect(fake.state.drops.overBudget).toBe(0);
    expect(fake.state.drops.flowControlled).toBe(0);

    const dingtalk = await db.models.Delivery.findAll({ where: { channel: 'dingtalk' } });
    expect(dingtalk.filter((d) => d.state !== 'sent' && d.state !== 'merged').map((d) => `${d.id} ${d.state} ${d.lastError}`)).toEqual([]);
    // every card sent once: one card in the chat per out-track id, and each card delivery's card there
    const cards = dingtalk.filter((d) => d.kind === 'card');
    expect(cards.filter((d) => !fake.state.cards.has(`d-${d.id}`)).map((d) => d.id)).toEqual([]);
    expect(new Set(fake.state.delivered.filter((d) => d.kind === 'card').map((d) => d.outTrackId)).size).toBe(
      fake.state.delivered.filter((d) => d.kind === 'card').length,
    );

    // the decision reached every copy: hers redrawn in place after the restart, the rep's sent decided
    await everyCopyDecided(fake, cardId, /^王芳 已同意/, [wang, rep]);
    expect(wang.chat.filter((d) => cardOf(fake, d)?.initial.cardId === cardId)).toHaveLength(1);
    expect(cardOf(fake, card)?.updatedBy.api).toBeGreaterThanOrEqual(1);
    const decidedSteps = await db.models.ApprovalStep.findAll({
      where: { status: { [Op.in]: ['approved', 'rejected'] } },
      attributes: ['id'],
    });
    const decided = new Set(decidedSteps.map((s) => `approval:${s.id}`));
    const stale = [...fake.state.cards.values()].filter((c) => decided.has(c.params.cardId ?? '') && buttonsOf(c.params).length > 0);
    expect(stale.map((c) => `${c.toUserId}: ${c.params.status}`)).toEqual([]);
    const health = (await (await fetch(`${w.app.base}/healthz`)).json()) as {
      delivery: { pending: number; dead: number; unfanned: number };
      channels: { dingtalk: { mode: string; connection: { ok: boolean } } };
    };
    expect(health.delivery).toMatchObject({ pending: 0, dead: 0, unfanned: 0 });
    expect(health.channels.dingtalk).toMatchObject({ mode: 'stream', connection: { ok: true } });
  }, 120_000);

  it('after the stream is cut, answers each message sent just before or during the cut once', async () => {
    const fake = w.fake;
    const sun = new DingTalkPerson(fake, 'sunli');
    const seenBefore = fake.gateway.connectionsSeen;
    const repushedBefore = fake.gateway.repushed;
    const before = sun.chat.length;
    const asked: string[] = [];
    for (let round = 0; round < 3; round++) {
      // on its way (not yet acknowledged) when the connection goes: DingTalk pushes it again
      const onItsWay = sun.say(`A100还有多少 ${round}a`);
      fake.gateway.close();
      // and one typed while the connection is down: pushed once the app is back
      const duringDrop = sun.say(`A100还有多少 ${round}b`);
      await Promise.all([onItsWay, duringDrop]);
      asked.push(...fake.incoming.slice(-2).map((m) => m.msgId as string));
    }
    expect(fake.gateway.connectionsSeen).toBeGreaterThanOrEqual(seenBefore + 3);
    // the ones cut off on their way and the ones typed meanwhile, all pushed on a new connection
    expect(fake.gateway.repushed - repushedBefore).toBeGreaterThanOrEqual(6);
    await drained(db, 'every message handled and answered');
    const stock = sun.chat.slice(before).filter((d) => textOf(fake, d).includes('A100'));
    expect(stock).toHaveLength(asked.length);
    for (const msgId of asked) {
      expect(await db.models.ChannelEvent.count({ where: { channel: 'dingtalk', eventId: msgId, state: 'done' } })).toBe(1);
      expect(await db.models.OutboxMessage.count({ where: { dedupeKey: { [Op.like]: `dingtalk.reply:${msgId}:%` } } })).toBe(1);
    }
  }, 60_000);

  it('answers a click whose ack the cut lost, when DingTalk pushes it again: card redrawn, submitted once', async () => {
    const fake = w.fake;
    const rep = new DingTalkPerson(fake, 'lina');
    const quote = await rep.ask('报价 广州恒通 A100×100 折扣8%', '草稿');
    const quoteNo = /QT-\d{8}-\d{4}/.exec(textOf(fake, quote))?.[0] as string;
    const pushedBefore = fake.gateway.pushed.length;
    const repushedBefore = fake.gateway.repushed;
    // the card's redraw (PUT, before the ack) is slow: the ack cannot be out when the connection goes
    fake.delay(500);
    const click = rep.click(quote, 'quote.submit');
    const eventId = await until('the click pushed', () => fake.gateway.pushed[pushedBefore]?.messageId);
    // the app holds the click (remembered, being handled, maybe not yet acked) when the connection goes
    await until('the click remembered by the app', async () => (await db.models.ChannelEvent.count({ where: { eventId } })) > 0);
    fake.gateway.close();
    await click;
    fake.delay(0);
    expect(fake.gateway.repushed - repushedBefore).toBe(1);
    await rep.shows(quote, '已提交审批');
    expect(buttonsOf(cardOf(fake, quote)?.params ?? {})).toEqual([]);
    await rep.pushed(`${quoteNo} 已提交 陈刚 审批`);
    await drained(db, 'the click handled');
    expect(rep.chat.filter((d) => textOf(fake, d).startsWith(`${quoteNo} 已提交 陈刚 审批`))).toHaveLength(1);
    const q = await db.models.Quote.findOne({ where: { number: quoteNo } });
    expect(await db.models.SalesOrder.count({ where: { quoteId: q?.id } })).toBe(1);
  }, 60_000);
});
