import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { log } from 'wechaty-puppet';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { PuppetServer } from 'wechaty-puppet-service';

/** What the bot's account sent, as WeChat got it: to whom (a contact or a room), the text, when. */
export interface SentMessage {
  id: string;
  to: string;
  text: string;
  /** by the fake's clock (tests of send limits give it a fast one) */
  at: number;
}

/** What someone sent the bot. */
export interface IncomingMessage {
  id: string;
  from: string;
  room: string | null;
  text: string;
}

// wechaty logs every gRPC stream event at warn: only errors, in tests
log.level('error');

type MockContact = ReturnType<mock.Mocker['createContact']>;
type MockRoom = ReturnType<mock.Mocker['createRoom']>;

/**
 * The WeChat side of the tests: wechaty-puppet-mock (what the issue names for tests) holding
 * the bot's account, the company's people as contacts (a remark = the name the bot's account
 * gave them) and rooms, and recording every message the bot sends, as WeChat would deliver it.
 * A send's answer can be held back after WeChat has taken it (`delayMs`), as a slow network
 * holds it; and new sends can be held before WeChat takes them (`holding`). `serve()` puts the puppet behind wechaty-puppet-service's gRPC server on loopback,
 * without TLS, as a puppet service provider runs it, so that the real app (main.ts with
 * WECHATY_PUPPET=wechaty-puppet-service) connects to it from another process.
 */
export class FakeWeChat {
  readonly mocker = new mock.Mocker();
  readonly puppet: PuppetMock;
  readonly sent: SentMessage[] = [];
  readonly incoming: IncomingMessage[] = [];
  readonly token = `insecure_${randomUUID()}`;
  endpoint = '';
  self: MockContact;
  delayMs = 0;
  /** sends arriving now wait, not yet taken by WeChat, until `release` */
  holding = false;
  readonly held: ((go: boolean) => void)[] = [];
  /** the fake's clock, for the times sends are recorded at */
  clock: () => number = Date.now;
  private readonly contacts = new Map<string, MockContact>();
  private readonly rooms = new Map<string, MockRoom>();
  private server: PuppetServer | null = null;

  constructor() {
    const fake = this;
    class RecordingPuppet extends PuppetMock {
      override async messageSendText(conversationId: string, text: string): Promise<void> {
        if (fake.holding && !(await new Promise<boolean>((go) => fake.held.push(go)))) throw new Error('the connection was lost');
        // the mock stores the message before its promise resolves: read its id before another send runs
        const sending = super.messageSendText(conversationId, text);
        const id = [...fake.mocker.cacheMessagePayload.keys()].pop() as string;
        await sending;
        fake.sent.push({ id, to: conversationId, text, at: fake.clock() });
        // WeChat has the message; its answer to the bot is what is slow
        if (fake.delayMs) await new Promise((r) => setTimeout(r, fake.delayMs));
        // real puppets answer with the message's id; the mock's type says void
        return id as unknown as undefined;
      }
    }
    this.puppet = new RecordingPuppet({ mocker: this.mocker });
    this.self = this.mocker.createContact({ name: 'Q2C 助手' });
  }

  /** a person among the bot's contacts; `remark` is what the bot's account calls them (an employee number binds them) */
  addContact(o: { id: string; name: string; remark?: string }): MockContact {
    const c = this.mocker.createContact({ id: o.id, name: o.name, ...(o.remark ? { alias: o.remark } : {}) } as never);
    this.contacts.set(o.id, c);
    return c;
  }

  addRoom(o: { id: string; topic: string; members: string[] }): MockRoom {
    const room = this.mocker.createRoom({ id: o.id, topic: o.topic, memberIdList: [this.self.id, ...o.members] } as never);
    this.rooms.set(o.id, room);
    return room;
  }

  /** lets the held sends through (`take`), or drops them as requests that never reached WeChat */
  release(take: boolean): void {
    this.holding = false;
    for (const go of this.held.splice(0)) go(take);
  }

  /** logs the bot's account in (a QR code scanned) */
  login(): void {
    this.mocker.login(this.self);
  }

  /** `from` writes to the bot, or in a room (mentioning the bot or not); returns the message's id */
  say(from: string, text: string, room?: { id: string; mention: boolean }): string {
    const who = this.contacts.get(from);
    if (!who) throw new Error(`no contact ${from}`);
    const before = this.mocker.cacheMessagePayload.size;
    if (room) {
      const r = this.rooms.get(room.id);
      if (!r) throw new Error(`no room ${room.id}`);
      who.say(room.mention ? `@${this.self.payload.name}\u2005${text}` : text, room.mention ? [this.self] : []).to(r);
    } else who.say(text).to(this.self);
    const id = [...this.mocker.cacheMessagePayload.keys()][before] as string;
    this.incoming.push({ id, from, room: room?.id ?? null, text });
    return id;
  }

  /** what the bot sent to this contact or room, in order */
  sentTo(conversationId: string): SentMessage[] {
    return this.sent.filter((m) => m.to === conversationId);
  }

  /** serves the puppet over gRPC on 127.0.0.1 (no TLS); the endpoint the app is given */
  async serve(): Promise<string> {
    const port = await freePort();
    this.endpoint = `127.0.0.1:${port}`;
    this.server = new PuppetServer({ puppet: this.puppet, token: this.token, endpoint: this.endpoint, tls: { disable: true } } as never);
    await this.server.start();
    await this.puppet.start();
    return this.endpoint;
  }

  /** the environment that points `npm start` at this puppet service */
  appEnv(): Record<string, string> {
    return {
      WECHATY_PUPPET: 'wechaty-puppet-service',
      WECHATY_PUPPET_TOKEN: this.token,
      WECHATY_PUPPET_SERVICE_ENDPOINT: this.endpoint,
      WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: 'true',
      WECHATY_LOG: 'error',
    };
  }

  async close(): Promise<void> {
    await this.server?.stop().catch(() => {});
    await this.puppet.stop().catch(() => {});
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
