import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLark, startFakeLark } from './index';
import { quietLogger, sdkClient } from './sdk-helpers';

const ALICE = 'ou_alice000000000';
const GROUP = 'oc_group000000000';
const card = (text: string) => ({
  schema: '2.0',
  config: { update_multi: true },
  body: { elements: [{ tag: 'markdown', content: text }] },
});

/** the flattened handler data, as much of it as the tests read */
interface MessageData {
  event_id: string;
  message: { chat_type: string; content: string };
}
interface CardData {
  action: { value: unknown };
  context: { open_message_id: string };
  operator: { open_id: string };
}

let fake: FakeLark;
/** what the app's handlers saw, in order */
let seen: string[];
let handlers: { message: (d: MessageData) => unknown; card: (d: CardData) => unknown };

function dispatcher(opts: { encryptKey?: string } = {}) {
  return new lark.EventDispatcher({ ...opts, logger: quietLogger() }).register({
    'im.message.receive_v1': async (d: MessageData) => handlers.message(d),
    'card.action.trigger': async (d: CardData) => handlers.card(d),
  } as never);
}

async function sendCard(): Promise<string> {
  const m = await sdkClient(fake).im.v1.message.create({
    params: { receive_id_type: 'open_id' },
    data: { receive_id: ALICE, msg_type: 'interactive', content: JSON.stringify(card('待审批')) },
  });
  return m.data!.message_id!;
}

beforeEach(async () => {
  fake = await startFakeLark({ wsFragmentBytes: 100 });
  fake.addUser({ openId: ALICE, name: '张三' });
  fake.addGroupChat({ chatId: GROUP, name: '销售群', memberOpenIds: [ALICE] });
  seen = [];
  handlers = {
    message: (d) => {
      seen.push(`${d.event_id} ${d.message.chat_type} ${d.message.content}`);
    },
    card: (d) => {
      seen.push(`card ${JSON.stringify(d.action.value)} ${d.context.open_message_id} ${d.operator.open_id}`);
      return { toast: { type: 'success', content: '已批准' }, card: { type: 'raw', data: card('已批准') } };
    },
  };
});
afterEach(async () => {
  await fake.close();
});

describe('long connection (WSClient)', () => {
  let ws: lark.WSClient;
  beforeEach(async () => {
    ws = new lark.WSClient({ appId: fake.appId, appSecret: fake.appSecret, domain: fake.domain, logger: quietLogger() });
    await ws.start({ eventDispatcher: dispatcher() });
    await fake.ws.waitForConnection();
  });
  afterEach(() => ws.close({ force: true }));

  it('pushes a message event in fragments and gets the ack; pings get pongs', async () => {
    const r = await fake.sendText({ fromOpenId: ALICE, chatId: GROUP, text: '查库存 A-1', mentionBot: true });
    expect(r).toEqual({ eventId: expect.stringMatching(/^ev_/), via: 'ws', code: 200, answer: undefined });
    expect(seen).toEqual([`${r.eventId} group {"text":"@_user_1 查库存 A-1"}`]);
    expect(fake.ws.pings).toBeGreaterThan(0);
    const p = await fake.sendPost({ fromOpenId: ALICE, title: '报价', lines: ['客户 甲', '数量 3'] });
    expect(seen[1]).toContain(`${p.eventId} p2p {"title":"报价","content":[[{"tag":"text","text":"客户 甲"}]`);
  });

  it('carries a card click and the app answer back; a raw card replaces the message', async () => {
    const id = await sendCard();
    const r = await fake.clickCard({ operatorOpenId: ALICE, messageId: id, value: { action: 'approve', req: 'R1' } });
    expect(r.answer).toEqual({ toast: { type: 'success', content: '已批准' }, card: { type: 'raw', data: card('已批准') } });
    expect(seen).toEqual([`card {"action":"approve","req":"R1"} ${id} ${ALICE}`]);
    expect(fake.currentContent(id)).toEqual(card('已批准'));
    expect(fake.messages[0]!.patches.map((p) => p.via)).toEqual(['callback']);
  });

  it('acks with code 500 when the handler throws', async () => {
    handlers.message = () => {
      throw new Error('boom');
    };
    expect((await fake.sendText({ fromOpenId: ALICE, text: 'x' })).code).toBe(500);
  });

  it('re-pushes an unacked event after the server drops the connection, and queues pushes until the client is back', async () => {
    let release!: () => void;
    const calls: string[] = [];
    handlers.message = async (d) => {
      calls.push(d.event_id);
      if (calls.length === 1) {
        await new Promise<void>((r) => {
          release = r;
        });
      }
    };
    const first = fake.sendText({ fromOpenId: ALICE, text: 'slow' });
    await until(() => calls.length === 1);
    fake.dropWsConnections();
    const queued = fake.sendText({ fromOpenId: ALICE, text: 'while down' });
    const [result, later] = await Promise.all([first, queued]);
    expect(fake.ws.connectionsSeen).toBe(2);
    // the slow one ran twice (first attempt still hanging, the re-push acked); the queued one once
    expect(calls.filter((id) => id === result.eventId)).toHaveLength(2);
    expect(calls.filter((id) => id === later.eventId)).toHaveLength(1);
    expect([result.code, later.code]).toEqual([200, 200]);
    release();
    expect(fake.events.map((e) => e.results.length)).toEqual([1, 1]);
  });

  it('repush sends the same event_id again', async () => {
    const r = await fake.sendText({ fromOpenId: ALICE, text: 'again' });
    await fake.repush(r.eventId);
    expect(seen.map((l) => l.split(' ')[0])).toEqual([r.eventId, r.eventId]);
  });
});

describe('webhook (EventDispatcher behind node:http)', () => {
  let server: Server;
  beforeEach(async () => {
    const handle = lark.adaptDefault('/webhook/event', dispatcher({ encryptKey: fake.encryptKey }), { autoChallenge: true });
    server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    fake.useWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/event`);
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('posts encrypted, signed events that the SDK accepts', async () => {
    const r = await fake.sendText({ fromOpenId: ALICE, text: '你好' });
    expect(r).toMatchObject({ via: 'webhook', code: 200 });
    expect(seen).toEqual([`${r.eventId} p2p {"text":"你好"}`]);
  });

  it('answers a card click with the app answer', async () => {
    const id = await sendCard();
    const r = await fake.clickCard({ operatorOpenId: ALICE, messageId: id, value: { action: 'approve' }, inputValue: '太贵' });
    expect(r.answer).toMatchObject({ toast: { content: '已批准' } });
    expect(fake.currentContent(id)).toEqual(card('已批准'));
  });

  it('answers url_verification with the challenge', async () => {
    expect((await fake.urlVerification('c-123')).json).toEqual({ challenge: 'c-123' });
  });

  it('forged or unsigned requests do not reach the handlers', async () => {
    const r = await fake.sendText({ fromOpenId: ALICE, text: 'real' });
    const event = fake.events[0]!.envelope;
    await fake.webhookRaw({ event, signature: 'f'.repeat(64) });
    await fake.webhookRaw({ event, omitHeaders: true });
    expect(seen).toHaveLength(1);
    await fake.webhookRaw({ event, timestamp: '1000000000' });
    expect(seen).toEqual([`${r.eventId} p2p {"text":"real"}`, `${r.eventId} p2p {"text":"real"}`]);
  });
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error('condition not met');
}
