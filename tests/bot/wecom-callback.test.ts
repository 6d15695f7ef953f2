import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWeComApi } from '../../bot/channels/wecom/api';
import { DeliveryError } from '../../bot/delivery/delivery-error';
import { until } from '../helpers/until';
import { startWeComHarness, useridOf, type WeComHarness } from '../helpers/wecom-harness';

describe('WeCom callbacks that are not from WeCom, or not now', () => {
  let h: WeComHarness;
  beforeAll(async () => {
    h = await startWeComHarness();
  }, 120_000);
  afterAll(async () => h?.close());

  const text = (msgId: string) => ({
    ToUserName: h.fake.corpId,
    FromUserName: useridOf('zhangwei'),
    MsgType: 'text',
    Content: 'A100还有多少',
    MsgId: msgId,
    AgentID: h.fake.agentId,
  });
  const now = () => Math.floor(Date.now() / 1000);

  it('refuses forged, unsigned, wrong-receive-id, expired and replayed callbacks; none reaches the bot', async () => {
    const forged = await h.fake.callback({ fields: text('1001'), signature: 'a'.repeat(40) });
    const unsigned = await h.fake.callback({ fields: text('1002'), signature: null });
    const otherCorp = await h.fake.callback({ fields: text('1003'), receiveId: 'wwsomeoneelse0000' });
    const stale = await h.fake.callback({ fields: text('1004'), timestamp: String(now() - 301) });
    const future = await h.fake.callback({ fields: text('1005'), timestamp: String(now() + 301) });
    const oldMessage = await h.fake.callback({ fields: { ...text('1006'), CreateTime: String(now() - 3600) } });
    expect([forged, unsigned, otherCorp, stale, future, oldMessage].map((r) => r.status)).toEqual([401, 401, 403, 403, 403, 403]);
    // a genuine one, then the very same request again, then the same MsgId newly signed (WeCom's own retry)
    const genuine = await h.fake.callback({ fields: text('2001') });
    expect(genuine.status).toBe(200);
    await until('the answer', () => h.fake.api.messagesTo(useridOf('zhangwei')).length > 0 || undefined);
    const replayed = await h.fake.callback({ fields: {}, replay: { query: genuine.query, body: genuine.body } });
    expect(replayed.status).toBe(403);
    const resent = await h.fake.callback({ fields: text('2001') });
    expect(resent.status).toBe(200);
    await h.delivery.settled();
    expect(h.fake.api.messagesTo(useridOf('zhangwei'))).toHaveLength(1);
    expect(await h.t.db.models.ChannelEvent.count()).toBe(1);
  });

  it('refuses a forged URL check', async () => {
    const r = await fetch(`${h.fake.callbackUrl}?msg_signature=${'0'.repeat(40)}&timestamp=${now()}&nonce=1&echostr=abc`);
    expect(r.status).toBe(401);
    expect(await r.text()).not.toContain('abc');
  });
});

describe('the WeCom API client', () => {
  let h: WeComHarness;
  beforeAll(async () => {
    h = await startWeComHarness({ people: ['zhangwei'] });
  }, 120_000);
  afterAll(async () => h?.close());
  const api = () => createWeComApi({ apiBase: h.fake.apiBase, corpId: h.fake.corpId, secret: h.fake.secret, agentId: h.fake.agentId });

  it('keeps its token, and fetches a new one once WeCom says it expired', async () => {
    const a = api();
    const calls = h.fake.api.tokenCalls;
    await a.sendText(useridOf('zhangwei'), '一');
    await a.sendText(useridOf('zhangwei'), '二');
    expect(h.fake.api.tokenCalls - calls).toBe(1);
    h.fake.api.expireTokens();
    await a.sendText(useridOf('zhangwei'), '三');
    expect(h.fake.api.tokenCalls - calls).toBe(2);
  });

  it('says which failures are worth retrying: 5xx and busy yes, a bad request no', async () => {
    const a = api();
    const fail = async () =>
      a.sendText(useridOf('zhangwei'), 'x').then(
        () => null,
        (e) => e as DeliveryError,
      );
    h.fake.api.faults.push({ path: '/cgi-bin/message/send', status: 502, times: 1 });
    expect(await fail()).toMatchObject({ retryable: true, code: '502' });
    h.fake.api.faults.push({ path: '/cgi-bin/message/send', errcode: -1, times: 1 });
    expect(await fail()).toMatchObject({ retryable: true, code: '-1' });
    h.fake.api.faults.push({ path: '/cgi-bin/message/send', errcode: 45033, times: 1 });
    expect(await fail()).toMatchObject({ retryable: true, rateLimited: true });
    h.fake.api.faults.push({ path: '/cgi-bin/message/send', errcode: 40008, times: 1 });
    const bad = await fail();
    expect(bad).toBeInstanceOf(DeliveryError);
    expect(bad).toMatchObject({ retryable: false, code: '40008' });
    const stranger = await a.sendText('NOBODY', 'x').then(
      () => null,
      (e) => e as DeliveryError,
    );
    expect(stranger).toMatchObject({ retryable: false, code: 'invaliduser' });
  });

  it('finds a userid by mobile or email, and says null for someone it does not know', async () => {
    const u = await h.t.db.models.User.findOne({ where: { login: 'zhangwei' } });
    const a = api();
    expect(await a.userIdOf({ mobile: u?.mobile })).toBe(useridOf('zhangwei'));
    expect(await a.userIdOf({ email: u?.email })).toBe(useridOf('zhangwei'));
    expect(await a.userIdOf({ email: 'nobody@nowhere.cn', mobile: '13900000000' })).toBeNull();
    expect(await a.user('NOBODY')).toBeNull();
  });
});
