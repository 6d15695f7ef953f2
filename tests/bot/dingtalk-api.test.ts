import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDingTalkApi, type DingTalkApi } from '../../bot/channels/dingtalk/api';
import { dingTalkChannel } from '../../bot/channels/dingtalk/channel';
import { DeliveryError } from '../../bot/delivery/delivery-error';
import { DINGTALK_LIMITS, type FakeDingTalk, startFakeDingTalk } from '../fakes/dingtalk';
import { staffIdOf, startDingTalkHarness } from '../helpers/dingtalk-harness';

describe('the DingTalk API client against the fake', () => {
  let fake: FakeDingTalk;
  let api: DingTalkApi;
  beforeAll(async () => {
    fake = await startFakeDingTalk();
    fake.addPerson({ userId: 'u1', name: '张伟', mobile: '13800000001', email: 'zw@example.cn', jobNumber: 'E001' });
    api = createDingTalkApi({
      clientId: fake.state.clientId,
      clientSecret: fake.state.clientSecret,
      robotCode: '',
      cardTemplateId: 't.schema',
      apiBase: fake.base,
      oapiBase: fake.base,
    });
  });
  afterAll(async () => fake?.close());

  const tokenRequests = () => fake.state.requests.filter((r) => r.path === '/v1.0/oauth2/accessToken').length;

  it('asks for a token once, sends it on every call, and asks again when it is no longer taken', async () => {
    await api.sendToUser('u1', { msgKey: 'sampleText', content: 'a' });
    await api.sendToUser('u1', { msgKey: 'sampleText', content: 'b' });
    expect(tokenRequests()).toBe(1);
    fake.state.revokeTokens();
    await api.sendToUser('u1', { msgKey: 'sampleText', content: 'c' });
    expect(tokenRequests()).toBe(2);
    expect(fake.textsTo('u1')).toEqual(['a', 'b', 'c']);
  });

  it('reads the directory: a person by staff id, a staff id by mobile', async () => {
    expect(await api.userById('u1')).toMatchObject({ mobile: '13800000001', email: 'zw@example.cn', jobNumber: 'E001' });
    expect(await api.userById('nobody')).toBeNull();
    expect(await api.userIdByMobile('+86 138-0000-0001')).toBe('u1');
    expect(await api.userIdByMobile('13900000000')).toBeNull();
  });

  it('turns a 5xx into a retryable error and a flow-controlled person into a rate-limited one', async () => {
    fake.state.failNext('/v1.0/robot', 1, 503);
    const e1 = await api.sendToUser('u1', { msgKey: 'sampleText', content: 'x' }).catch((e) => e);
    expect(e1).toBeInstanceOf(DeliveryError);
    expect(e1.retryable).toBe(true);
    expect(e1.rateLimited).toBe(false);
    fake.state.limits = { ...DINGTALK_LIMITS, perUserPerMinute: 0 };
    const e2 = await api.sendToUser('u1', { msgKey: 'sampleText', content: 'y' }).catch((e) => e);
    expect(e2).toBeInstanceOf(DeliveryError);
    expect(e2.rateLimited).toBe(true);
    expect(e2.retryable).toBe(true);
    fake.state.limits = { ...DINGTALK_LIMITS };
    const e3 = await api.sendToUser('nobody', { msgKey: 'sampleText', content: 'z' }).catch((e) => e);
    expect(e3.retryable).toBe(false);
  });

  it('creates a card once per out-track id and updates it in place', async () => {
    const channel = dingTalkChannel(api, { addressOf: async () => 'u1' }, { callbackType: 'STREAM' });
    const card = { id: 'quote:9', title: '报价单', buttons: [{ text: '取消', action: 'quote.cancel', value: { quoteId: 9 } }] };
    const m = {
      deliveryId: 7,
      uuid: 'd-7',
      kind: 'card' as const,
      reply: { kind: 'card' as const, card },
      externalId: 'u1',
      replyTo: null,
      messageIds: [],
    };
    const first = await channel.send(m);
    const again = await channel.send(m);
    expect(first.platformMessageId).toBe('d-7');
    expect(again.platformMessageId).toBe('d-7');
    expect(fake.deliveredTo('u1').filter((d) => d.kind === 'card')).toHaveLength(1);
    await channel.send({
      ...m,
      deliveryId: 8,
      uuid: 'd-8',
      kind: 'card_update',
      reply: { kind: 'card', card: { ...card, status: { text: '已取消', tone: 'danger' }, buttons: [] } },
      messageIds: ['d-7'],
    });
    expect(fake.state.cards.get('d-7')).toMatchObject({ updates: 1, params: { status: '已取消', buttons: '[]' } });
  });

  it('without a card template sends a card as markdown, and an update as a new message', async () => {
    const bare = { ...api, cardTemplateId: '' };
    const channel = dingTalkChannel(bare, { addressOf: async () => 'u1' }, { callbackType: 'STREAM' });
    const card = { id: 'quote:10', title: '报价单 *10*', fields: [{ label: '客户', value: '华东机电' }] };
    const m = {
      deliveryId: 9,
      uuid: 'd-9',
      kind: 'card' as const,
      reply: { kind: 'card' as const, card },
      externalId: 'u1',
      replyTo: null,
      messageIds: [],
    };
    await channel.send(m);
    await channel.send({
      ...m,
      deliveryId: 10,
      uuid: 'd-10',
      kind: 'card_update',
      reply: { kind: 'card', card: { ...card, status: { text: '已取消', tone: 'danger' } } },
      messageIds: ['pqk'],
    });
    const md = fake.deliveredTo('u1').filter((d) => d.msgKey === 'sampleMarkdown');
    expect(md).toHaveLength(2);
    expect(md[0]?.param?.text).toContain('华东机电');
    expect(md[0]?.param?.text).not.toContain('*10*');
    expect(md[1]?.param?.text).toContain('已取消');
  });
});

describe('the stream connection', () => {
  it('answers the gateway SYSTEM ping and comes back after the gateway drops it', async () => {
    const h = await startDingTalkHarness({ mode: 'stream' });
    try {
      h.fake.gateway.ping();
      for (let i = 0; i < 100 && h.fake.gateway.pingsAnswered === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(h.fake.gateway.pingsAnswered).toBe(1);
      h.fake.gateway.close();
      for (let i = 0; i < 200 && h.fake.gateway.connectionsSeen < 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(h.fake.gateway.connectionsSeen).toBe(2);
      await h.fake.gateway.waitForConnection();
      const r = await h.fake.sendText({ from: staffIdOf('zhangwei'), text: '帮助' });
      expect(r.status).toBe(200);
    } finally {
      await h.close();
    }
  }, 60_000);
});
