import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLarkApi, type LarkApi } from '../../bot/channels/lark/api';
import { DeliveryError } from '../../bot/delivery/delivery-error';
import { type FakeLark, startFakeLark } from '../fakes/lark';

const ALICE = 'ou_alice000000000';
const GROUP = 'oc_group000000000';
const card = (text: string) => ({
  schema: '2.0',
  config: { update_multi: true },
  body: { elements: [{ tag: 'markdown', content: text }] },
});

let fake: FakeLark;
let api: LarkApi;
let logged: string[];

const apiFor = (f: FakeLark, extra: { appSecret?: string; timeoutMs?: number } = {}) =>
  createLarkApi({
    appId: f.appId,
    appSecret: extra.appSecret ?? f.appSecret,
    domain: f.domain,
    timeoutMs: extra.timeoutMs,
    logger: { debug: (m) => logged.push(m) },
  });

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(e)}`);
  return e;
}
const facts = (e: DeliveryError) => ({ retryable: e.retryable, rateLimited: e.rateLimited, retryAfterMs: e.retryAfterMs, code: e.code });

beforeEach(async () => {
  logged = [];
  fake = await startFakeLark();
  fake.addUser({ openId: ALICE, name: '张三', email: 'alice@example.com', mobile: '+8613800000001', employeeNo: 'E001' });
  fake.addGroupChat({ chatId: GROUP, name: '销售群', memberOpenIds: [ALICE] });
  api = apiFor(fake);
});
afterEach(async () => {
  await fake.close();
});

const sendText = (text: string, uuid: string) =>
  api.send({ receiveIdType: 'open_id', receiveId: ALICE, msgType: 'text', content: { text }, uuid });

describe('calls', () => {
  it('knows the bot', async () => {
    expect(await api.botInfo()).toEqual({ openId: fake.bot.openId, name: fake.bot.appName });
  });

  it('sends, replies and patches, JSON-encoding the content', async () => {
    const first = await sendText('你好', 'd-1');
    const inGroup = await api.send({
      receiveIdType: 'chat_id',
      receiveId: GROUP,
      msgType: 'interactive',
      content: card('v1'),
      uuid: 'd-2',
    });
    const reply = await api.reply({ messageId: inGroup, msgType: 'text', content: { text: '收到' }, uuid: 'd-3' });
    await api.patch({ messageId: inGroup, content: card('v2') });
    expect(fake.p2pMessagesOf(ALICE).map((m) => [m.messageId, m.content, m.uuid])).toEqual([[first, { text: '你好' }, 'd-1']]);
    expect(fake.messagesIn(GROUP).map((m) => [m.messageId, m.replyToMessageId])).toEqual([
      [inGroup, undefined],
      [reply, inGroup],
    ]);
    expect(fake.currentContent(inGroup)).toEqual(card('v2'));
  });

  it('sending the same uuid again yields the same message and no second one', async () => {
    const a = await sendText('一次', 'd-7');
    const b = await sendText('一次', 'd-7');
    expect(b).toBe(a);
    expect(fake.p2pMessagesOf(ALICE)).toHaveLength(1);
  });

  it('looks up users; an unknown one is null', async () => {
    expect(await api.userByOpenId(ALICE)).toEqual({
      openId: ALICE,
      name: '张三',
      email: 'alice@example.com',
      mobile: '+8613800000001',
      employeeNo: 'E001',
    });
    expect(await api.userByOpenId('ou_ghost')).toBeNull();
  });

  it('maps emails and mobiles to open_ids, in batches of 50, leaving out unknown ones', async () => {
    const emails = Array.from({ length: 60 }, (_, i) => `u${i}@example.com`);
    emails.forEach((email, i) => void fake.addUser({ openId: `ou_u${i}`, name: `u${i}`, email }));
    const map = await api.openIdsOf({ emails: [...emails, 'ghost@example.com'], mobiles: ['+8613800000001'] });
    expect(map.size).toBe(61);
    expect(map.get('u59@example.com')).toBe('ou_u59');
    expect(map.get('+8613800000001')).toBe(ALICE);
    expect(map.has('ghost@example.com')).toBe(false);
    expect(fake.requests.filter((r) => r.path.endsWith('/batch_get_id')).length).toBe(2);
  });
});

describe('every failure is a DeliveryError', () => {
  it('refused connection: retryable', async () => {
    await fake.close();
    const e = await failure(sendText('x', 'd-1'));
    expect(facts(e)).toMatchObject({ retryable: true, rateLimited: false, code: 'ECONNREFUSED' });
    fake = await startFakeLark();
  });

  it('timeout: retryable', async () => {
    const slow = apiFor(fake, { timeoutMs: 50 });
    fake.delay(300);
    expect(facts(await failure(slow.botInfo()))).toMatchObject({ retryable: true, rateLimited: false, code: 'ECONNABORTED' });
  });

  it('HTTP 5xx: retryable, not a rate limit', async () => {
    fake.failNext(1, 503);
    expect(facts(await failure(sendText('x', 'd-1')))).toEqual({
      retryable: true,
      rateLimited: false,
      retryAfterMs: undefined,
      code: '503',
    });
    await sendText('x', 'd-1');
  });

  it('230020 (too fast to one user): rate-limited, 1 s by default, and counted by the fake', async () => {
    fake.clock.freeze();
    for (let i = 0; i < 5; i++) await sendText(`m${i}`, `d-${i}`);
    const e = await failure(sendText('m5', 'd-5'));
    expect(facts(e)).toEqual({ retryable: true, rateLimited: true, retryAfterMs: 1000, code: '230020' });
    expect(fake.violations.total).toBe(1);
  });

  it('99991400 with HTTP 429: rate-limited, waiting as long as x-ogw-ratelimit-reset says', async () => {
    const id = await api.send({ receiveIdType: 'open_id', receiveId: ALICE, msgType: 'interactive', content: card('v'), uuid: 'd-1' });
    fake.clock.freeze();
    for (let i = 0; i < 5; i++) await api.patch({ messageId: id, content: card(`v${i}`) });
    expect(facts(await failure(api.patch({ messageId: id, content: card('v5') })))).toEqual({
      retryable: true,
      rateLimited: true,
      retryAfterMs: 1000,
      code: '99991400',
    });
    fake.failNext(1, 429, { body: { code: 99991400, msg: 'request trigger frequency limit' }, headers: { 'x-ogw-ratelimit-reset': '7' } });
    expect(facts(await failure(sendText('x', 'd-2')))).toMatchObject({ rateLimited: true, retryAfterMs: 7000 });
    fake.failNext(1, 429, { body: {} });
    expect(facts(await failure(sendText('x', 'd-2')))).toEqual({ retryable: true, rateLimited: true, retryAfterMs: 1000, code: '429' });
  });

  it('invalid token: retryable, and the next call fetches a new token', async () => {
    await sendText('warm', 'd-1');
    fake.tokens.revokeAll();
    expect(facts(await failure(sendText('x', 'd-2')))).toMatchObject({ retryable: true, rateLimited: false, code: '99991663' });
    await sendText('x', 'd-2');
    expect(fake.tokens.requests).toBe(2);
  });

  it('wrong app secret: not retryable, with Lark’s code', async () => {
    const e = await failure(apiFor(fake, { appSecret: 'wrong' }).botInfo());
    expect(facts(e)).toMatchObject({ retryable: false, code: '10014' });
    expect(e.message).toContain('app secret invalid');
  });

  it('bad input and unknown receivers: not retryable, message carries Lark’s code and msg', async () => {
    const bad = await failure(
      api.send({ receiveIdType: 'open_id', receiveId: ALICE, msgType: 'interactive', content: { elements: [] }, uuid: 'd-1' }),
    );
    expect(facts(bad)).toMatchObject({ retryable: false, rateLimited: false, code: '230099' });
    expect(bad.message).toMatch(/230099 Failed to create card content/);
    const nobody = await failure(
      api.send({ receiveIdType: 'open_id', receiveId: 'ou_nobody', msgType: 'text', content: { text: 'x' }, uuid: 'd-2' }),
    );
    expect(facts(nobody)).toMatchObject({ retryable: false, code: '230013' });
    expect(nobody.message).toContain('Bot has NO availability to this user');
  });

  it('an HTTP-200 answer with a non-zero code (which the SDK returns instead of throwing) fails too', async () => {
    fake.failNext(1, 200, { body: { code: 230001, msg: 'invalid request parameter' } });
    expect(facts(await failure(sendText('x', 'd-1')))).toMatchObject({ retryable: false, code: '230001' });
    fake.failNext(1, 200, { body: { code: 230020, msg: 'This operation triggers the frequency limit' } });
    expect(facts(await failure(sendText('x', 'd-1')))).toMatchObject({ retryable: true, rateLimited: true });
  });

  it('the SDK’s own error lines go to the given logger at debug', async () => {
    fake.failNext(1, 500);
    await failure(api.botInfo());
    expect(logged.some((l) => l.startsWith('lark sdk:') && l.includes('500'))).toBe(true);
  });
});
