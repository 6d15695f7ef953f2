import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTo } from '../../bot/outbox';
import { encryptEvent, type FakeMessage } from '../fakes/lark';
import { type LarkHarness, openIdOf, startLarkHarness, WAREHOUSE_CHAT } from '../helpers/lark-harness';
import { until } from '../helpers/until';

const textOf = (m: FakeMessage | undefined) => (m?.content as { text?: string } | undefined)?.text ?? '';
const cardJson = (m: FakeMessage | undefined) => JSON.stringify(m?.content ?? '');

describe.each(['ws', 'webhook'] as const)('the Lark channel in %s mode', (mode) => {
  let h: LarkHarness;
  const repliesTo = (messageId: string) => h.fake.messages.filter((m) => m.replyToMessageId === messageId);
  const lastIncoming = () => h.fake.store.incoming.at(-1)?.messageId as string;

  beforeAll(async () => {
    h = await startLarkHarness({ mode });
    h.fake.addUser({ openId: 'ou_stranger0000000', name: '路人甲', email: 'someone@elsewhere.cn' });
  }, 120_000);
  afterAll(async () => h?.close());

  it('answers a one-to-one message as a reply to it, binding the sender by the directory on first contact', async () => {
    await h.fake.sendText({ fromOpenId: openIdOf('zhangwei'), text: 'A100还有多少' });
    const asked = lastIncoming();
    const [reply] = await until('the stock card', () => (repliesTo(asked).length ? repliesTo(asked) : undefined));
    expect(reply?.msgType).toBe('interactive');
    expect(cardJson(reply)).toContain('A100');
    expect(reply?.chatId).toBe(h.fake.store.incoming.find((m) => m.messageId === asked)?.chatId);
    expect(reply?.chatType).toBe('p2p');
    const binding = await h.t.db.models.ChannelIdentity.findOne({ where: { channel: 'lark', externalId: openIdOf('zhangwei') } });
    expect(binding?.userId).toBe(await h.userId('zhangwei'));
    expect(binding?.boundBy).toBe('email');
  });

  it('acts in a group chat only when the bot is @mentioned', async () => {
    await h.fake.sendText({ fromOpenId: openIdOf('chenjing'), chatId: WAREHOUSE_CHAT, text: 'A100还有多少' });
    const unmentioned = lastIncoming();
    await h.fake.sendText({ fromOpenId: openIdOf('chenjing'), chatId: WAREHOUSE_CHAT, text: 'A100还有多少', mentionBot: true });
    const mentioned = lastIncoming();
    const [reply] = await until('the reply in the group', () => (repliesTo(mentioned).length ? repliesTo(mentioned) : undefined));
    expect(reply?.chatId).toBe(WAREHOUSE_CHAT);
    await h.delivery.settled();
    expect(repliesTo(unmentioned)).toEqual([]);
    // only the bot's own mention counts
    await h.fake.sendText({
      fromOpenId: openIdOf('chenjing'),
      chatId: WAREHOUSE_CHAT,
      text: 'A100还有多少',
      mentions: [openIdOf('zhangwei')],
    });
    const other = lastIncoming();
    await h.delivery.settled();
    expect(repliesTo(other)).toEqual([]);
  });

  it('answers a stranger politely, runs nothing, and tells the admin once', async () => {
    const quotes = await h.t.db.models.Quote.count();
    await h.fake.sendText({ fromOpenId: 'ou_stranger0000000', text: '报价 华东机电 A100×10' });
    const first = lastIncoming();
    await h.fake.sendText({ fromOpenId: 'ou_stranger0000000', text: 'hello, stock of A100?' });
    const second = lastIncoming();
    const [zh] = await until('the refusal', () => (repliesTo(first).length ? repliesTo(first) : undefined));
    expect(textOf(zh)).toContain('请联系管理员');
    const [en] = await until('the English refusal', () => (repliesTo(second).length ? repliesTo(second) : undefined));
    expect(textOf(en)).toContain('Ask an administrator');
    await h.delivery.settled();
    const toAdmin = h.fake.p2pMessagesOf(openIdOf('admin')).filter((m) => textOf(m).includes('ou_stranger0000000'));
    expect(toAdmin).toHaveLength(1);
    expect(await h.t.db.models.Quote.count()).toBe(quotes);
    expect(await h.t.db.models.ChannelIdentity.count({ where: { externalId: 'ou_stranger0000000' } })).toBe(0);
  });

  it('reaches someone who never wrote to the bot, found by email, and stores the binding', async () => {
    const wangfang = await h.userId('wangfang');
    expect(await h.t.db.models.ChannelIdentity.count({ where: { channel: 'lark', userId: wangfang } })).toBe(0);
    await pushTo(h.t.db, [wangfang], { kind: 'text', text: '有一张报价等您审批' }, { dedupeKey: `first-contact-${mode}` });
    await h.delivery.settled();
    expect(h.fake.p2pMessagesOf(openIdOf('wangfang')).map(textOf)).toContain('有一张报价等您审批');
    expect((await h.t.db.models.ChannelIdentity.findOne({ where: { channel: 'lark', userId: wangfang } }))?.externalId).toBe(
      openIdOf('wangfang'),
    );
  });

  it('says what it can read when someone sends an image', async () => {
    const chat = h.fake.store.incoming.find((m) => m.chatType === 'p2p')?.chatId;
    await h.fake.pushRawMessage({ fromOpenId: openIdOf('zhangwei'), messageType: 'image', content: { image_key: 'img_v3_1' } });
    const asked = lastIncoming();
    const [reply] = await until('the answer to an image', () => (repliesTo(asked).length ? repliesTo(asked) : undefined));
    expect(textOf(reply)).toContain('只能读文字消息');
    expect(reply?.chatId).toBe(chat);
  });

  it('runs a re-pushed event once', async () => {
    const res = await h.fake.sendText({ fromOpenId: openIdOf('lina'), text: 'A100还有多少' });
    const asked = lastIncoming();
    await until('the reply', () => (repliesTo(asked).length ? true : undefined));
    await h.fake.repush(res.eventId);
    await h.fake.repush(res.eventId);
    await h.delivery.settled();
    expect(repliesTo(asked)).toHaveLength(1);
  });
});

describe('webhook requests that are not from Lark', () => {
  let h: LarkHarness;
  beforeAll(async () => {
    h = await startLarkHarness({ mode: 'webhook' });
  }, 120_000);
  afterAll(async () => h?.close());

  const event = () => ({
    schema: '2.0',
    header: {
      event_id: `ev_forge_${Math.random().toString(36).slice(2)}`,
      event_type: 'im.message.receive_v1',
      create_time: String(Date.now()),
      token: h.fake.verificationToken,
      app_id: h.fake.appId,
      tenant_key: 't',
    },
    event: {
      sender: { sender_id: { open_id: openIdOf('zhangwei') }, sender_type: 'user' },
      message: {
        message_id: 'om_forged',
        chat_id: `oc_p2p_${openIdOf('zhangwei')}`,
        chat_type: 'p2p',
        message_type: 'text',
        content: '{"text":"A100还有多少"}',
      },
    },
  });

  it('refuses forged, unsigned, replayed, expired and wrong-token requests with 401, and none reaches the bot', async () => {
    const before = h.fake.messages.length;
    const forged = await h.fake.webhookRaw({ event: event(), signature: 'a'.repeat(64) });
    const unsigned = await h.fake.webhookRaw({ event: event(), omitHeaders: true });
    const expired = await h.fake.webhookRaw({ event: event(), timestamp: String(Math.floor(Date.now() / 1000) - 301) });
    const future = await h.fake.webhookRaw({ event: event(), timestamp: String(Math.floor(Date.now() / 1000) + 301) });
    const badToken = await h.fake.webhookRaw({ event: { ...event(), header: { ...event().header, token: 'guess' } } });
    const plain = await h.fake.webhookRaw({ body: event() });
    expect([forged, unsigned, expired, future, badToken, plain].map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    // a genuine request, then the very same bytes again
    const body = { encrypt: encryptEvent(h.fake.encryptKey, JSON.stringify(event())) };
    const ts = String(Math.floor(Date.now() / 1000));
    const genuine = await h.fake.webhookRaw({ body, timestamp: ts, nonce: 'n-1' });
    expect(genuine.status).toBe(200);
    await until('the genuine one answered', () => h.fake.messages.length > before || undefined);
    await h.delivery.settled();
    const replayed = await h.fake.webhookRaw({ body, timestamp: ts, nonce: 'n-1' });
    expect(replayed.status).toBe(401);
    await h.delivery.settled();
    expect(h.fake.messages.length - before).toBe(1);
    expect(await h.t.db.models.ChannelEvent.count()).toBe(1);
  });

  it('answers the URL check', async () => {
    const r = await h.fake.urlVerification('c-123');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ challenge: 'c-123' });
  });
});
