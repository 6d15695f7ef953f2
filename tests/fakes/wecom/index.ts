import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encrypt, getSignature } from '@wecom/crypto';
import { FakeWeComApi, type FakeWeComUser } from './api';

export type { FakeWeComMessage, FakeWeComUser, Fault } from './api';
export { PER_MEMBER_PER_HOUR, PER_MEMBER_PER_MIN } from './api';

export interface RawCallback {
  /** the inner XML fields; CreateTime defaults to now */
  fields: Record<string, string>;
  receiveId?: string;
  timestamp?: string;
  nonce?: string;
  /** a signature of one's own (forged), or none at all */
  signature?: string | null;
  /** the same query and body as a request made before */
  replay?: { query: string; body: string };
}

const xmlOf = (fields: Record<string, string>) =>
  `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join('')}</xml>`;

/**
 * A loopback fake of WeCom for one self-built app: the server API (api.ts) on an HTTP server,
 * and the platform side that signs and encrypts callbacks as WeCom does (@wecom/crypto) and
 * POSTs them to the app's callback address.
 */
export class FakeWeCom {
  readonly corpId = `ww${randomBytes(8).toString('hex')}`;
  readonly agentId = '1000002';
  readonly secret = randomBytes(16).toString('hex');
  readonly token = randomBytes(8).toString('hex');
  readonly aesKey = randomBytes(32)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'A')
    .slice(0, 43);
  readonly api: FakeWeComApi;
  callbackUrl = '';
  private msgSeq = 7_000_000_000_000_000_000n;

  private constructor(
    private readonly server: Server,
    readonly apiBase: string,
    api: FakeWeComApi,
  ) {
    this.api = api;
  }

  /** API answers held back this long after the fake acted on the request (a slow network), per request if a function */
  delayMs: number | ((req: { path: string; msgtype?: string }) => number) = 0;
  /** the requests acted on whose answers are held back now */
  readonly held: { path: string; msgtype?: string }[] = [];
  /** what members did, in order: the callbacks the fake posted for them */
  readonly acted: { from: string; what: 'text' | 'click'; text?: string; msgId?: string }[] = [];

  static async start(o: { now?: () => number } = {}): Promise<FakeWeCom> {
    let api: FakeWeComApi | null = null;
    let fake: FakeWeCom | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        let body: Record<string, unknown> = {};
        try {
          body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        } catch {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":47001,"errmsg":"data format error"}');
          return;
        }
        const out = (api as FakeWeComApi).handle(req.method ?? 'GET', url.pathname, url.searchParams, body);
        const answer = () => res.writeHead(out.status, { 'content-type': 'application/json' }).end(JSON.stringify(out.json));
        const seen = { path: url.pathname, ...(typeof body.msgtype === 'string' ? { msgtype: body.msgtype } : {}) };
        const d = fake?.delayMs ?? 0;
        const delay = typeof d === 'function' ? d(seen) : d;
        if (delay <= 0) return void answer();
        const held = (fake as FakeWeCom).held;
        held.push(seen);
        setTimeout(() => {
          held.splice(held.indexOf(seen), 1);
          answer();
        }, delay);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fake = new FakeWeCom(server, base, new FakeWeComApi('', '', ''));
    api = new FakeWeComApi(fake.corpId, fake.secret, fake.agentId, o.now);
    (fake as { api: FakeWeComApi }).api = api;
    return fake;
  }

  addUser(u: FakeWeComUser): void {
    this.api.users.set(u.userid, u);
  }

  /** the URL check the admin console makes when the callback address is saved */
  async verifyUrl(echo = String(Date.now())): Promise<{ status: number; text: string }> {
    const echostr = encrypt(this.aesKey, echo, this.corpId);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(4).toString('hex');
    const q = new URLSearchParams({ msg_signature: getSignature(this.token, timestamp, nonce, echostr), timestamp, nonce, echostr });
    const r = await fetch(`${this.callbackUrl}?${q}`);
    return { status: r.status, text: await r.text() };
  }

  /** a member writes to the app */
  sendText(o: { from: string; text: string; msgId?: string }) {
    const msgId = o.msgId ?? String(this.msgSeq++);
    this.acted.push({ from: o.from, what: 'text', text: o.text, msgId });
    return this.callback({
      fields: { ToUserName: this.corpId, FromUserName: o.from, MsgType: 'text', Content: o.text, MsgId: msgId, AgentID: this.agentId },
    }).then((r) => ({ ...r, msgId }));
  }

  /** a member clicks a card button: WeCom issues a fresh response code with the event */
  click(o: { from: string; taskId: string; key: string }) {
    const code = this.api.issueCode(o.taskId, o.from);
    this.acted.push({ from: o.from, what: 'click' });
    return this.callback({
      fields: {
        ToUserName: this.corpId,
        FromUserName: o.from,
        MsgType: 'event',
        Event: 'template_card_event',
        EventKey: o.key,
        TaskId: o.taskId,
        CardType: 'button_interaction',
        ResponseCode: code,
        AgentID: this.agentId,
      },
    });
  }

  /** one callback, signed and encrypted as WeCom does, or broken in the way asked for */
  async callback(c: RawCallback): Promise<{ status: number; text: string; query: string; body: string }> {
    let query: string;
    let body: string;
    if (c.replay) ({ query, body } = c.replay);
    else {
      const inner = xmlOf({ CreateTime: String(Math.floor(Date.now() / 1000)), ...c.fields });
      const enc = encrypt(this.aesKey, inner, c.receiveId ?? this.corpId);
      const timestamp = c.timestamp ?? String(Math.floor(Date.now() / 1000));
      const nonce = c.nonce ?? randomBytes(4).toString('hex');
      const signature = c.signature === undefined ? getSignature(this.token, timestamp, nonce, enc) : c.signature;
      const q = new URLSearchParams({ timestamp, nonce, ...(signature === null ? {} : { msg_signature: signature }) });
      query = q.toString();
      body = `<xml><ToUserName><![CDATA[${this.corpId}]]></ToUserName><AgentID><![CDATA[${this.agentId}]]></AgentID><Encrypt><![CDATA[${enc}]]></Encrypt></xml>`;
    }
    const r = await fetch(`${this.callbackUrl}?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body });
    return { status: r.status, text: await r.text(), query, body };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export const startFakeWeCom = (o: { now?: () => number } = {}) => FakeWeCom.start(o);
