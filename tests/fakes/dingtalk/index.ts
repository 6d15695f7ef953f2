import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { type FakeCard, type FakeDelivered, FakeDingTalkState, type FakePerson } from './api';
import { FakeStreamGateway, type StreamAck } from './gateway';

export { DINGTALK_LIMITS } from './limits';
export type { FakeCard, FakeDelivered, FakePerson, StreamAck };

const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
const TOPIC_CARD = '/v1.0/card/instances/callback';

export const signCallback = (secret: string, timestamp: string) =>
  createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
/** an HTTP card callback's signature: the route's apiSecret over the timestamp (x-ddpaas-signature) */
export const signCardCallback = (apiSecret: string, timestamp: string) =>
  createHmac('sha256', apiSecret).update(timestamp).digest('base64');

/** what the app answered a click with: its status (stream: the ack's code) and body */
export interface ClickAnswer {
  code: number;
  data: unknown;
}

export interface FakeDingTalk {
  state: FakeDingTalkState;
  gateway: FakeStreamGateway;
  /** the base of both the new API and oapi (one loopback server serves both) */
  base: string;
  /** robot messages as people sent them to the bot */
  incoming: Record<string, unknown>[];
  addPerson(p: FakePerson): void;
  addGroup(id: string, name: string, members: string[]): void;
  /** HTTP mode: where robot messages are POSTed */
  useCallbackUrl(url: string): void;
  /** someone writes to the robot, by stream or HTTP callback; resolves with the msgId and the answer */
  sendText(o: { from: string; text: string; group?: string; mentionBot?: boolean }): Promise<{ msgId: string; status: number }>;
  /** a signed (or deliberately not) HTTP callback with a given body */
  postCallback(body: unknown, o?: { timestamp?: string; sign?: string | null }): Promise<{ status: number; text: string }>;
  /**
   * a click on a card's button, as the card was created to call back: through the stream, or
   * POSTed, signed, to the URL its HTTP route key was registered with (the answer redraws it)
   */
  click(o: { outTrackId: string; userId: string; action: string; comment?: string; messageId?: string }): Promise<ClickAnswer>;
  /** what DingTalk sends when that button is clicked (the same in both modes) */
  clickPayload(o: { outTrackId: string; userId: string; action: string; comment?: string }): Record<string, unknown>;
  /** an HTTP card callback with a given body, signed with the route's secret (or deliberately not) */
  postCardCallback(
    routeKey: string,
    body: unknown,
    o?: { timestamp?: string; sign?: string | null },
  ): Promise<{ status: number; text: string }>;
  /** the answer to every API call is held back this long, after the platform acted on it */
  delay(ms: number): void;
  deliveredTo(userId: string): FakeDelivered[];
  textsTo(userId: string): string[];
  close(): Promise<void>;
}

/** A loopback DingTalk: the API, oapi and the stream gateway on one port, on the clock `now`. */
export async function startFakeDingTalk(o: { now?: () => number } = {}): Promise<FakeDingTalk> {
  const state = new FakeDingTalkState(o.now);
  const incoming: Record<string, unknown>[] = [];
  let callbackUrl = '';
  let base = '';
  let delayMs = 0;
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await read(req);
    let body: Record<string, unknown> = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {}
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
    const a = state.handle(req.method ?? 'GET', url.pathname, url.searchParams, headers, body, `${base.replace('http', 'ws')}/connect`);
    state.requests.push({ method: req.method ?? '', path: url.pathname, status: a.status });
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(a.body));
  });
  const wss = new WebSocketServer({ server, path: '/connect' });
  const gateway = new FakeStreamGateway(wss, state.tickets, state.clientId);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const postCallback: FakeDingTalk['postCallback'] = async (body, o = {}) => {
    const ts = o.timestamp ?? String(state.now());
    const sign = o.sign === undefined ? signCallback(state.clientSecret, ts) : o.sign;
    const res = await fetch(callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(sign === null ? {} : { timestamp: ts, sign }) },
      body: JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  };

  const clickPayload: FakeDingTalk['clickPayload'] = (o) => {
    const card = state.cards.get(o.outTrackId);
    const buttons = JSON.parse(card?.params.buttons ?? '[]') as { action: string; value: string }[];
    const b = buttons.find((x) => x.action === o.action);
    if (!card || !b) throw new Error(`no button ${o.action} on ${o.outTrackId}`);
    const params = { cardId: card.params.cardId, action: b.action, value: b.value, ...(o.comment ? { comment: o.comment } : {}) };
    const content = JSON.stringify({ cardPrivateData: { actionIds: [b.action], params } });
    return {
      extension: '{}',
      corpId: state.corpId,
      userId: o.userId,
      outTrackId: o.outTrackId,
      type: 'actionCallback',
      content,
      value: content,
    };
  };

  const postCardCallback: FakeDingTalk['postCardCallback'] = async (routeKey, body, o = {}) => {
    const route = state.cardStore.routes.get(routeKey);
    if (!route) throw new Error(`no card callback route ${routeKey} registered`);
    const ts = o.timestamp ?? String(state.now());
    const sign = o.sign === undefined ? signCardCallback(route.apiSecret, ts) : o.sign;
    const res = await fetch(route.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(sign === null ? {} : { 'x-ddpaas-signature-timestamp': ts, 'x-ddpaas-signature': sign }),
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  };

  return {
    state,
    gateway,
    base,
    incoming,
    addPerson: (p) => state.people.set(p.userId, p),
    addGroup: (id, name, members) => state.groups.set(id, { name, members }),
    useCallbackUrl: (u) => {
      callbackUrl = u;
    },
    async sendText(o) {
      const msgId = `msg${randomUUID().replace(/-/g, '')}`;
      const group = o.group;
      const payload = {
        msgtype: 'text',
        text: { content: group && o.mentionBot ? ` ${o.text}` : o.text },
        msgId,
        createAt: state.now(),
        conversationType: group ? '2' : '1',
        conversationId: group ?? `cid_p2p_${o.from}`,
        ...(group ? { conversationTitle: state.groups.get(group)?.name } : {}),
        senderId: `$:LWCP_v1:$${o.from}`,
        senderNick: state.people.get(o.from)?.name ?? o.from,
        senderStaffId: o.from,
        senderCorpId: state.corpId,
        chatbotUserId: state.chatbotUserId,
        robotCode: state.clientId,
        isAdmin: false,
        isInAtList: !!(group && o.mentionBot),
        atUsers: group && o.mentionBot ? [{ dingtalkId: state.chatbotUserId }] : [],
        sessionWebhook: `${base}/robot/sendBySession?session=x`,
        sessionWebhookExpiredTime: state.now() + 5_400_000,
      };
      incoming.push(payload);
      if (callbackUrl) return { msgId, status: (await postCallback(payload)).status };
      const ack = await gateway.callback(TOPIC_ROBOT, payload);
      return { msgId, status: ack.code };
    },
    postCallback,
    postCardCallback,
    delay: (ms) => {
      delayMs = ms;
    },
    clickPayload,
    async click(o) {
      const payload = clickPayload(o);
      const card = state.cards.get(o.outTrackId) as FakeCard;
      if (card.callbackType !== 'HTTP') {
        // the Node SDK acks a callback with {response: <the answer>}
        const ack = await gateway.callback(TOPIC_CARD, payload, o.messageId ? { messageId: o.messageId } : {});
        return { code: ack.code, data: (ack.data as { response?: unknown } | null)?.response ?? ack.data };
      }
      const res = await postCardCallback(card.callbackRouteKey as string, payload);
      let data: unknown = res.text;
      try {
        data = JSON.parse(res.text);
      } catch {}
      if (res.status === 200) state.cardStore.applyAnswer(o.outTrackId, data);
      return { code: res.status, data };
    },
    deliveredTo: (userId) => state.delivered.filter((d) => d.toUserId === userId),
    textsTo: (userId) =>
      state.delivered.filter((d) => d.toUserId === userId && d.kind === 'robot').map((d) => d.param?.content ?? d.param?.text ?? ''),
    close: async () => {
      gateway.close();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
