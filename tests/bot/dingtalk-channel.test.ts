import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_ROUTE_KEY } from '../../bot/channels/dingtalk';
import { pushTo } from '../../bot/outbox';
import { type FakeDelivered, signCallback, signCardCallback } from '../fakes/dingtalk';
import { type DingTalkHarness, staffIdOf, startDingTalkHarness, WAREHOUSE_GROUP } from '../helpers/dingtalk-harness';
import { until } from '../helpers/until';

const STRANGER = 'staff_stranger';

describe.each(['stream', 'http'] as const)('the DingTalk channel in %s mode', (mode) => {
  let h: DingTalkHarness;
  const sinceNow = () => {
    const from = h.fake.state.delivered.length;
    return (pred: (d: FakeDelivered) => boolean) => h.fake.state.delivered.slice(from).filter(pred);
  };
  const cardOf = (d: FakeDelivered | undefined) => (d?.outTrackId ? h.fake.state.cards.get(d.outTrackId) : undefined);

  beforeAll(async () => {
    h = await startDingTalkHarness({ mode });
    h.fake.addPerson({ userId: STRANGER, name: '路人甲', mobile: '13900000000' });
  }, 120_000);
  afterAll(async () => h?.close());

  it('answers a one-to-one robot message, binding the sender by mobile on first contact', async () => {
    const since = sinceNow();
    const r = await h.fake.sendText({ from: staffIdOf('zhangwei'), text: 'A100还有多少' });
    expect(r.status).toBe(200);
    const [reply] = await until('the stock card', () => {
      const got = since((d) => d.toUserId === staffIdOf('zhangwei'));
      return got.length ? got : undefined;
    });
    expect(reply?.kind).toBe('card');
    expect(JSON.stringify(cardOf(reply)?.params)).toContain('A100');
    const binding = await h.t.db.models.ChannelIdentity.findOne({ where: { channel: 'dingtalk', externalId: staffIdOf('zhangwei') } });
    expect(binding?.userId).toBe(await h.userId('zhangwei'));
    expect(binding?.boundBy).toBe('mobile');
  });

  it('acts in a group only when the robot is @mentioned', async () => {
    const since = sinceNow();
    await h.fake.sendText({ from: staffIdOf('chenjing'), group: WAREHOUSE_GROUP, text: 'A100还有多少' });
    await h.delivery.settled();
    expect(since(() => true)).toEqual([]);
    await h.fake.sendText({ from: staffIdOf('chenjing'), group: WAREHOUSE_GROUP, text: 'A100还有多少', mentionBot: true });
    const [reply] = await until('the reply in the group', () => {
      const got = since((d) => d.toGroup === WAREHOUSE_GROUP);
      return got.length ? got : undefined;
    });
    expect(reply?.toUserId).toBeNull();
    await h.delivery.settled();
    expect(since((d) => d.toUserId !== null)).toEqual([]);
  });

  it('answers a stranger politely, runs nothing, and tells the admin once', async () => {
    const quotes = await h.t.db.models.Quote.count();
    await h.fake.sendText({ from: STRANGER, text: '报价 华东机电 A100×10' });
    await h.fake.sendText({ from: STRANGER, text: 'hello, stock of A100?' });
    await until('both refusals', () => (h.fake.textsTo(STRANGER).length >= 2 ? true : undefined));
    const [zh, en] = h.fake.textsTo(STRANGER);
    expect(zh).toContain('请联系管理员');
    expect(en).toContain('Ask an administrator');
    await h.delivery.settled();
    const toAdmin = h.fake.textsTo(staffIdOf('admin')).filter((t) => t.includes(STRANGER));
    expect(toAdmin).toHaveLength(1);
    expect(await h.t.db.models.Quote.count()).toBe(quotes);
    expect(await h.t.db.models.ChannelIdentity.count({ where: { externalId: STRANGER } })).toBe(0);
  });

  it('reaches someone who never wrote to the robot, found by mobile, and stores the binding', async () => {
    const wangfang = await h.userId('wangfang');
    expect(await h.t.db.models.ChannelIdentity.count({ where: { channel: 'dingtalk', userId: wangfang } })).toBe(0);
    await pushTo(h.t.db, [wangfang], { kind: 'text', text: '有一张报价等您审批' }, { dedupeKey: `first-contact-${mode}` });
    await h.delivery.settled();
    expect(h.fake.textsTo(staffIdOf('wangfang'))).toContain('有一张报价等您审批');
    const bound = await h.t.db.models.ChannelIdentity.findOne({ where: { channel: 'dingtalk', userId: wangfang } });
    expect(bound?.externalId).toBe(staffIdOf('wangfang'));
  });

  it('runs a resent message (same msgId) once', async () => {
    const since = sinceNow();
    await h.fake.sendText({ from: staffIdOf('lina'), text: 'A100还有多少' });
    const payload = h.fake.incoming.at(-1) as Record<string, unknown>;
    await until('the reply', () => (since((d) => d.toUserId === staffIdOf('lina')).length ? true : undefined));
    if (mode === 'http') expect((await h.fake.postCallback(payload)).status).toBe(200);
    else expect((await h.fake.gateway.callback('/v1.0/im/bot/messages/get', payload)).code).toBe(200);
    await h.delivery.settled();
    expect(since((d) => d.toUserId === staffIdOf('lina'))).toHaveLength(1);
    expect(await h.t.db.models.ChannelEvent.count({ where: { channel: 'dingtalk', eventId: payload.msgId as string } })).toBe(1);
  });

  it('keeps a burst to one person within the limits, nothing dropped, a repeat of the same text included', async () => {
    const liqiang = await h.userId('liqiang');
    for (let i = 0; i < 30; i++)
      await pushTo(
        h.t.db,
        [liqiang],
        { kind: 'text', text: `提醒 ${i}：客户回访` },
        { dedupeKey: `burst-${mode}-${i}`, digest: 'reminder' },
      );
    await pushTo(h.t.db, [liqiang], { kind: 'text', text: '同一句话' }, { dedupeKey: `same-${mode}-1` });
    await h.delivery.settled();
    await pushTo(h.t.db, [liqiang], { kind: 'text', text: '同一句话' }, { dedupeKey: `same-${mode}-2` });
    await h.delivery.settled();
    const texts = h.fake.textsTo(staffIdOf('liqiang'));
    expect(h.fake.state.drops).toEqual({ overBudget: 0, identical: 0, flowControlled: 0 });
    expect(texts.length).toBeLessThanOrEqual(20);
    for (let i = 0; i < 30; i++) expect(texts.join('\n')).toContain(`提醒 ${i}：`);
    expect(texts.filter((t) => t.startsWith('同一句话'))).toHaveLength(2);
  });
});

describe.each(['stream', 'http'] as const)('a card click (%s)', (mode) => {
  let h: DingTalkHarness;
  beforeAll(async () => {
    h = await startDingTalkHarness({ mode });
  }, 120_000);
  afterAll(async () => h?.close());

  it('maps to the neutral action (quote.cancel on a draft) and updates the card in place by its out-track id', async () => {
    await h.fake.sendText({ from: staffIdOf('zhangwei'), text: '报价 华东机电 A100×10' });
    const draft = await until('the draft quote card', () =>
      [...h.fake.state.cards.values()].find((c) => c.toUserId === staffIdOf('zhangwei') && c.params.buttons?.includes('quote.cancel')),
    );
    expect(draft.callbackType).toBe(mode === 'http' ? 'HTTP' : 'STREAM');
    const quoteId = (JSON.parse(JSON.parse(draft.params.buttons as string)[0].value) as { quoteId: number }).quoteId;
    expect((await h.t.db.models.Quote.findByPk(quoteId))?.status).toBe('draft');
    const cardsBefore = h.fake.state.cards.size;
    const ack = await h.fake.click({ outTrackId: draft.outTrackId, userId: staffIdOf('zhangwei'), action: 'quote.cancel' });
    expect(ack.code).toBe(200);
    expect(JSON.stringify(ack.data)).toContain('已取消');
    expect((await h.t.db.models.Quote.findByPk(quoteId))?.status).toBe('cancelled');
    // redrawn by the update API; over HTTP DingTalk also draws the callback's answer
    expect(draft.updatedBy).toEqual({ api: 1, callback: mode === 'http' ? 1 : 0 });
    expect(draft.params.status).toBe('已取消');
    expect(draft.params.buttons).not.toContain('quote.cancel');
    await h.delivery.settled();
    expect(h.fake.state.cards.size).toBe(cardsBefore);
    const params = { ...draft.params };
    const outbox = await h.t.db.models.OutboxMessage.count();
    const events = await h.t.db.models.ChannelEvent.count({ where: { channel: 'dingtalk' } });
    if (mode === 'stream') {
      // the same callback pushed again: the same answer (its first ack may have been lost), nothing run twice
      const again = await h.fake.gateway.repushLast();
      expect(again.code).toBe(200);
      expect((again.data as { response?: unknown }).response).toEqual(ack.data);
    }
    await h.delivery.settled();
    expect(await h.t.db.models.ChannelEvent.count({ where: { channel: 'dingtalk' } })).toBe(events);
    expect(draft.params).toEqual(params);
    expect(await h.t.db.models.OutboxMessage.count()).toBe(outbox);
  });

  it("runs nothing for a click on someone else's card", async () => {
    await h.fake.sendText({ from: staffIdOf('lina'), text: '报价 广州恒通 A100×10' });
    const card = await until('李娜’s draft quote card', () =>
      [...h.fake.state.cards.values()].find((c) => c.toUserId === staffIdOf('lina') && c.params.buttons?.includes('quote.cancel')),
    );
    const quoteId = (JSON.parse(JSON.parse(card.params.buttons as string)[0].value) as { quoteId: number }).quoteId;
    const ack = await h.fake.click({ outTrackId: card.outTrackId, userId: staffIdOf('zhangwei'), action: 'quote.cancel' });
    expect(ack.data).toEqual({});
    expect((await h.t.db.models.Quote.findByPk(quoteId))?.status).toBe('draft');
    expect(card.updates).toBe(0);
  });
});

describe('HTTP callbacks that are not from DingTalk', () => {
  let h: DingTalkHarness;
  beforeAll(async () => {
    h = await startDingTalkHarness({ mode: 'http' });
  }, 120_000);
  afterAll(async () => h?.close());

  const message = (msgId: string) => ({
    msgtype: 'text',
    text: { content: 'A100还有多少' },
    msgId,
    conversationType: '1',
    conversationId: `cid_p2p_${staffIdOf('zhangwei')}`,
    senderStaffId: staffIdOf('zhangwei'),
    chatbotUserId: h.fake.state.chatbotUserId,
  });

  it('refuses forged, unsigned and expired callbacks with 401, and runs a replayed one once', async () => {
    const before = h.fake.state.delivered.length;
    const forged = await h.fake.postCallback(message('m-forged'), { sign: 'bm90IGEgc2lnbmF0dXJl' });
    const unsigned = await h.fake.postCallback(message('m-unsigned'), { sign: null });
    const expired = await h.fake.postCallback(message('m-expired'), { timestamp: String(Date.now() - 3_601_000) });
    const future = await h.fake.postCallback(message('m-future'), { timestamp: String(Date.now() + 3_601_000) });
    expect([forged, unsigned, expired, future].map((r) => r.status)).toEqual([401, 401, 401, 401]);
    await h.delivery.settled();
    expect(h.fake.state.delivered.length).toBe(before);
    expect(await h.t.db.models.ChannelEvent.count()).toBe(0);
    const ts = String(Date.now());
    expect((await h.fake.postCallback(message('m-genuine'), { timestamp: ts })).status).toBe(200);
    await until('the genuine one answered', () => h.fake.state.delivered.length > before || undefined);
    expect((await h.fake.postCallback(message('m-genuine'), { timestamp: ts })).status).toBe(200);
    await h.delivery.settled();
    expect(h.fake.state.delivered.length - before).toBe(1);
    expect(await h.t.db.models.ChannelEvent.count()).toBe(1);
  });
});

describe('HTTP card callbacks', () => {
  let h: DingTalkHarness;
  beforeAll(async () => {
    h = await startDingTalkHarness({ mode: 'http' });
  }, 120_000);
  afterAll(async () => h?.close());

  const draftOf = async (login: string, text: string) => {
    const before = new Set(h.fake.state.cards.keys());
    await h.fake.sendText({ from: staffIdOf(login), text });
    const card = await until(`${login}'s draft quote card`, () =>
      [...h.fake.state.cards.values()].find((c) => !before.has(c.outTrackId) && c.params.buttons?.includes('quote.cancel')),
    );
    const quoteId = (JSON.parse(JSON.parse(card.params.buttons as string)[0].value) as { quoteId: number }).quoteId;
    return { card, status: async () => (await h.t.db.models.Quote.findByPk(quoteId))?.status };
  };

  it('registered its route at start: our card callback URL, and a secret of its own', async () => {
    const route = h.fake.state.cardStore.routes.get(CARD_ROUTE_KEY);
    expect(route?.url).toBe(h.config.dingtalk.cardCallbackUrl);
    expect(route?.apiSecret).toMatch(/^[\w-]{20,}$/);
    expect(route?.apiSecret).not.toBe(h.fake.state.clientSecret);
    expect(h.dingtalk.health()).toMatchObject({ mode: 'http', cardCallback: 'registered' });
  });

  it('refuses forged, unsigned, expired and replayed clicks with 401 and runs none of them, also after a restart', async () => {
    const a = await draftOf('zhangwei', '报价 华东机电 A100×10');
    const b = await draftOf('zhangwei', '报价 华东机电 A100×20');
    const bodyA = h.fake.clickPayload({ outTrackId: a.card.outTrackId, userId: staffIdOf('zhangwei'), action: 'quote.cancel' });
    const bodyB = h.fake.clickPayload({ outTrackId: b.card.outTrackId, userId: staffIdOf('zhangwei'), action: 'quote.cancel' });
    const post = (body: unknown, o?: { timestamp?: string; sign?: string | null }) => h.fake.postCardCallback(CARD_ROUTE_KEY, body, o);
    const events = await h.t.db.models.ChannelEvent.count();
    const now = String(Date.now());
    const refused = [
      await post(bodyA, { sign: 'bm90IGEgc2lnbmF0dXJl' }),
      await post(bodyA, { sign: null }),
      await post(bodyA, { timestamp: String(Date.now() - 3_601_000) }),
      await post(bodyA, { timestamp: String(Date.now() + 3_601_000) }),
      // signed the way robot messages are, with the app secret: not how card callbacks are
      await post(bodyA, { timestamp: now, sign: signCallback(h.fake.state.clientSecret, now) }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(refused.map((r) => JSON.parse(r.text).msg)).toEqual([
      'refused: forged',
      'refused: unsigned',
      'refused: expired',
      'refused: expired',
      'refused: forged',
    ]);
    expect(await h.t.db.models.ChannelEvent.count()).toBe(events);
    expect([await a.status(), await b.status()]).toEqual(['draft', 'draft']);

    const ts = String(Date.now());
    const genuine = await post(bodyA, { timestamp: ts });
    expect(genuine.status).toBe(200);
    expect(await a.status()).toBe('cancelled');
    // the signature covers only the timestamp: the same one again, with this body or another, is a replay
    const sign = signCardCallback((h.fake.state.cardStore.routes.get(CARD_ROUTE_KEY) as { apiSecret: string }).apiSecret, ts);
    expect((await post(bodyA, { timestamp: ts, sign })).status).toBe(401);
    const spliced = await post(bodyB, { timestamp: ts, sign });
    expect([spliced.status, JSON.parse(spliced.text).msg]).toEqual([401, 'refused: replayed']);
    await h.restart();
    const afterRestart = await post(bodyB, { timestamp: ts, sign });
    expect([afterRestart.status, JSON.parse(afterRestart.text).msg]).toEqual([401, 'refused: replayed']);
    expect(await b.status()).toBe('draft');
    expect(await h.t.db.models.ChannelEvent.count()).toBe(events + 1);
  });
});
