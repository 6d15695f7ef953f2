import type * as lark from '@larksuiteoapi/node-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLark, startFakeLark } from './index';
import { sdkClient } from './sdk-helpers';

const ALICE = 'ou_alice000000000';
const BOB = 'ou_bob0000000000';
const GROUP = 'oc_group000000000';

const card = (text: string, updateMulti = true) => ({
  schema: '2.0',
  config: { update_multi: updateMulti },
  body: { elements: [{ tag: 'markdown', content: text }] },
});

/** what the SDK threw for an HTTP 4xx/5xx: status and Lark's {code,msg} */
async function failure(
  p: Promise<unknown>,
): Promise<{ status?: number; code?: number; headers?: Record<string, string>; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { message: string; response?: { status: number; data?: { code?: number }; headers?: Record<string, string> } };
    return { status: err.response?.status, code: err.response?.data?.code, headers: err.response?.headers, message: err.message };
  }
  throw new Error('expected a failure');
}

let fake: FakeLark;
let client: lark.Client;

beforeEach(async () => {
  fake = await startFakeLark();
  fake.addUser({ openId: ALICE, name: '张三', email: 'alice@example.com', mobile: '+8613800000001', employeeNo: 'E001' });
  fake.addUser({ openId: BOB, name: 'Bob', email: 'bob@example.com' });
  fake.addGroupChat({ chatId: GROUP, name: '销售群', memberOpenIds: [ALICE, BOB] });
  client = sdkClient(fake);
});
afterEach(async () => {
  await fake.close();
});

const sendText = (receiveId: string, text: string, opts: { type?: 'open_id' | 'chat_id' | 'email'; uuid?: string } = {}) =>
  client.im.v1.message.create({
    params: { receive_id_type: opts.type ?? 'open_id' },
    data: { receive_id: receiveId, msg_type: 'text', content: JSON.stringify({ text }), uuid: opts.uuid },
  });

describe('token', () => {
  it('issues one token, which the SDK caches and sends as Bearer', async () => {
    await sendText(ALICE, 'a');
    await sendText(ALICE, 'b');
    expect(fake.tokens.requests).toBe(1);
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /open-apis/auth/v3/tenant_access_token/internal 200',
      'POST /open-apis/im/v1/messages 200',
      'POST /open-apis/im/v1/messages 200',
    ]);
  });

  it('refuses a revoked or expired token with 99991663, HTTP 400', async () => {
    await sendText(ALICE, 'a');
    fake.tokens.revokeAll();
    expect(await failure(sendText(ALICE, 'b'))).toMatchObject({ status: 400, code: 99991663 });
    const other = sdkClient(fake);
    const viaOther = () =>
      other.im.v1.message.create({
        params: { receive_id_type: 'open_id' },
        data: { receive_id: ALICE, msg_type: 'text', content: '{"text":"x"}' },
      });
    await viaOther();
    // the fake's clock runs past the token's life; the SDK's cache (on the real clock) still trusts it
    fake.clock.advance(7200 * 1000);
    expect(await failure(viaOther())).toMatchObject({ code: 99991663 });
  });

  it('answers a wrong secret with a code, which the SDK turns into an error', async () => {
    const wrong = sdkClient(fake, { appSecret: 'nope' });
    const f = await failure(
      wrong.im.v1.message.create({
        params: { receive_id_type: 'open_id' },
        data: { receive_id: ALICE, msg_type: 'text', content: '{"text":"x"}' },
      }),
    );
    expect(f.message).toContain('code: 10014');
    expect(fake.messages).toHaveLength(0);
  });

  it('refuses a request without a token', async () => {
    const res = await fetch(`${fake.domain}/open-apis/bot/v3/info`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: number }).code).toBe(99991661);
  });
});

describe('messages', () => {
  it('creates into a p2p chat by open_id or email and into a group by chat_id', async () => {
    const a = await sendText(ALICE, '你好');
    const b = await sendText('bob@example.com', 'hi', { type: 'email' });
    const g = await sendText(GROUP, 'all', { type: 'chat_id' });
    expect(a).toMatchObject({ code: 0, msg: 'success', data: { msg_type: 'text' } });
    expect(a.data?.message_id).toMatch(/^om_/);
    expect(fake.p2pMessagesOf(ALICE).map((m) => m.content)).toEqual([{ text: '你好' }]);
    expect(fake.p2pMessagesOf(BOB).map((m) => m.messageId)).toEqual([b.data?.message_id]);
    expect(fake.messagesIn(GROUP).map((m) => [m.chatType, m.messageId])).toEqual([['group', g.data?.message_id]]);
  });

  it('replies in the chat of the parent message', async () => {
    const parent = await sendText(GROUP, 'q', { type: 'chat_id' });
    const r = await client.im.v1.message.reply({
      path: { message_id: parent.data!.message_id! },
      data: { msg_type: 'interactive', content: JSON.stringify(card('答复')), uuid: 'r-1' },
    });
    const reply = fake.messages.find((m) => m.messageId === r.data?.message_id)!;
    expect(reply).toMatchObject({ chatId: GROUP, replyToMessageId: parent.data!.message_id, msgType: 'interactive', uuid: 'r-1' });
  });

  it('patches a shared 2.0 card and keeps its history; refuses other messages', async () => {
    const m = await client.im.v1.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: ALICE, msg_type: 'interactive', content: JSON.stringify(card('v1')) },
    });
    const id = m.data!.message_id!;
    await client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card('v2')) } });
    expect(fake.currentContent(id)).toEqual(card('v2'));
    expect(fake.messages[0]!.patches.map((p) => p.via)).toEqual(['api']);

    const text = await sendText(ALICE, 'plain');
    expect(
      await failure(
        client.im.v1.message.patch({ path: { message_id: text.data!.message_id! }, data: { content: JSON.stringify(card('x')) } }),
      ),
    ).toMatchObject({ status: 400, code: 230031 });
    const solo = await client.im.v1.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: ALICE, msg_type: 'interactive', content: JSON.stringify(card('solo', false)) },
    });
    expect(
      await failure(
        client.im.v1.message.patch({ path: { message_id: solo.data!.message_id! }, data: { content: JSON.stringify(card('x')) } }),
      ),
    ).toMatchObject({ code: 230031 });
    expect(await failure(client.im.v1.message.patch({ path: { message_id: id }, data: { content: '{not json' } }))).toMatchObject({
      code: 230001,
    });
  });

  it('answers bad input and unknown receivers Lark-style', async () => {
    const create = (data: Record<string, unknown>, type: 'open_id' | 'chat_id' = 'open_id') =>
      failure(client.im.v1.message.create({ params: { receive_id_type: type }, data: { receive_id: ALICE, ...data } as never }));
    expect(await create({ msg_type: 'text', content: '{"nope":1}' })).toMatchObject({ status: 400, code: 230001 });
    expect(await create({ msg_type: 'image', content: '{}' })).toMatchObject({ code: 230001 });
    expect(await create({ msg_type: 'interactive', content: JSON.stringify({ elements: [] }) })).toMatchObject({ code: 230099 });
    expect(await create({ receive_id: 'ou_nobody', msg_type: 'text', content: '{"text":"x"}' })).toMatchObject({ code: 230013 });
    expect(await create({ receive_id: 'oc_nowhere', msg_type: 'text', content: '{"text":"x"}' }, 'chat_id')).toMatchObject({
      code: 230002,
    });
    expect(fake.messages).toHaveLength(0);
  });

  it('dedupes by uuid for an hour', async () => {
    const a = await sendText(ALICE, 'once', { uuid: 'd-1' });
    const b = await sendText(ALICE, 'once', { uuid: 'd-1' });
    expect(b.data?.message_id).toBe(a.data?.message_id);
    expect(fake.p2pMessagesOf(ALICE)).toHaveLength(1);
    fake.clock.advance(3600 * 1000);
    const c = await sendText(ALICE, 'once', { uuid: 'd-1' });
    expect(c.data?.message_id).not.toBe(a.data?.message_id);
    expect(fake.p2pMessagesOf(ALICE)).toHaveLength(2);
  });
});

describe('contact and bot', () => {
  it('looks users up by open_id and by email/mobile', async () => {
    const u = await client.contact.v3.user.get({ path: { user_id: ALICE }, params: { user_id_type: 'open_id' } });
    expect(u.data?.user).toMatchObject({
      open_id: ALICE,
      name: '张三',
      email: 'alice@example.com',
      mobile: '+8613800000001',
      employee_no: 'E001',
    });
    expect(await failure(client.contact.v3.user.get({ path: { user_id: 'ou_ghost' }, params: { user_id_type: 'open_id' } }))).toMatchObject(
      { code: 41050 },
    );
    const ids = await client.contact.v3.user.batchGetId({
      params: { user_id_type: 'open_id' },
      data: { emails: ['alice@example.com', 'ghost@example.com'], mobiles: ['+8613800000001'] },
    });
    expect(ids.data?.user_list).toEqual([
      { user_id: ALICE, email: 'alice@example.com' },
      { email: 'ghost@example.com' },
      { user_id: ALICE, mobile: '+8613800000001' },
    ]);
  });

  it('tells the bot who it is', async () => {
    const info = (await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as { code: number; bot: unknown };
    expect(info).toEqual({
      code: 0,
      msg: 'ok',
      bot: expect.objectContaining({ open_id: fake.bot.openId, app_name: fake.bot.appName, activate_status: 2 }),
    });
  });
});

describe('rate limits', () => {
  it('refuses the 6th message to one user within a second with 230020 and counts it', async () => {
    fake.clock.freeze();
    for (let i = 0; i < 5; i++) await sendText(ALICE, `m${i}`);
    await sendText(BOB, 'another user has their own window');
    expect(await failure(sendText(ALICE, 'too many'))).toMatchObject({ status: 400, code: 230020 });
    for (let i = 0; i < 5; i++) await sendText(GROUP, `g${i}`, { type: 'chat_id' });
    expect(await failure(sendText(GROUP, 'too many', { type: 'chat_id' }))).toMatchObject({ code: 230020 });
    expect(fake.violations).toEqual({ total: 2, byKey: { [`user:${ALICE}`]: 1, [`chat:${GROUP}`]: 1 } });
    fake.clock.advance(1000);
    await sendText(ALICE, 'next second');
    expect(fake.p2pMessagesOf(ALICE)).toHaveLength(6);
  });

  it('refuses over-fast patches with HTTP 429, 99991400 and x-ogw-ratelimit-reset', async () => {
    await fake.close();
    fake = await startFakeLark({ limits: { patchPerAppPerSecond: 7 } });
    fake.addUser({ openId: ALICE, name: '张三' });
    client = sdkClient(fake);
    fake.clock.freeze();
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      fake.clock.advance(1000);
      const m = await client.im.v1.message.create({
        params: { receive_id_type: 'open_id' },
        data: { receive_id: ALICE, msg_type: 'interactive', content: JSON.stringify(card('v0')) },
      });
      ids.push(m.data!.message_id!);
    }
    const patch = (id: string, v: string) =>
      client.im.v1.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card(v)) } });
    for (let i = 0; i < 5; i++) await patch(ids[0]!, `a${i}`);
    const perMessage = await failure(patch(ids[0]!, 'a5'));
    expect(perMessage).toMatchObject({ status: 429, code: 99991400 });
    expect(perMessage.headers?.['x-ogw-ratelimit-reset']).toBe('1');
    await patch(ids[1]!, 'b0');
    await patch(ids[1]!, 'b1');
    expect(await failure(patch(ids[1]!, 'b2'))).toMatchObject({ status: 429, code: 99991400 });
    expect(fake.violations.byKey).toEqual({ [`patch-message:${ids[0]}`]: 1, 'patch-app': 1 });
    expect(fake.currentContent(ids[0]!)).toEqual(card('a4'));
  });
});

describe('faults', () => {
  it('fails the next n requests, then answers again', async () => {
    await sendText(ALICE, 'warm');
    fake.failNext(2, 502);
    expect(await failure(sendText(ALICE, 'x'))).toMatchObject({ status: 502 });
    expect(await failure(sendText(ALICE, 'x'))).toMatchObject({ status: 502 });
    await sendText(ALICE, 'y');
    expect(fake.p2pMessagesOf(ALICE).map((m) => m.content)).toEqual([{ text: 'warm' }, { text: 'y' }]);
  });

  it('fails a seeded share of requests, the same ones on every run', async () => {
    const pattern = async (f: FakeLark) => {
      f.addUser({ openId: ALICE, name: 'a' });
      const c = sdkClient(f);
      await c.request({ method: 'GET', url: '/open-apis/bot/v3/info' });
      f.failRatio(0.5);
      const out: string[] = [];
      for (let i = 0; i < 12; i++)
        out.push(
          await c.request({ method: 'GET', url: '/open-apis/bot/v3/info' }).then(
            () => 'ok',
            (e) => String(e.response?.status),
          ),
        );
      return out;
    };
    const first = await pattern(fake);
    const again = await startFakeLark();
    const second = await pattern(again).finally(() => again.close());
    expect(first).toEqual(second);
    expect(first).toContain('503');
    expect(first).toContain('ok');
  });

  it('delays answers past a client timeout', async () => {
    await sendText(ALICE, 'warm');
    fake.delay(300);
    const f = await failure(client.request({ method: 'GET', url: '/open-apis/bot/v3/info', timeout: 50 }));
    expect(f.status).toBeUndefined();
    expect(f.message).toMatch(/timeout/);
  });
});
