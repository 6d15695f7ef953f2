import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { FakeTokens } from './auth';
import { FakeClock } from './clock';
import {
  type ClickCardInput,
  cardEvent,
  type LarkEventEnvelope,
  messageEvent,
  otherMessageEvent,
  type SendOtherInput,
  type SendPostInput,
  type SendTextInput,
} from './events';
import { FakeFaults, type InjectedAnswer } from './faults';
import { DEFAULT_LIMITS, type LarkLimits, SlidingLimiter } from './limits';
import { httpHandler, type RequestLogEntry } from './server';
import type { FakeState } from './state';
import { FakeStore } from './store';
import { postWebhook, type WebhookRawInput, type WebhookResult } from './webhook';
import { FakeWsHub, type WsClientConfig } from './ws';

export interface FakeLarkOptions {
  appId?: string;
  appSecret?: string;
  /** '' sends webhook events unencrypted and unsigned */
  encryptKey?: string;
  verificationToken?: string;
  limits?: Partial<LarkLimits>;
  tokenTtlSeconds?: number;
  /** ClientConfig handed out with the WS endpoint, seconds; small by default so reconnects are quick */
  wsClientConfig?: Partial<WsClientConfig>;
  /** split WS event payloads into fragments of this many bytes (the SDK reassembles them) */
  wsFragmentBytes?: number;
  /** seed of failRatio's random */
  seed?: number;
  bot?: { openId?: string; appName?: string };
}

/** What one push to the app came back with: the WS ack, or the webhook's HTTP answer. */
export interface PushResult {
  eventId: string;
  via: 'ws' | 'webhook';
  /** the ack's code (200, or 500 when the handler threw) or the webhook's HTTP status */
  code: number;
  /** the app's decoded answer (a card callback's {toast?, card?}) */
  answer?: unknown;
}

export interface PushedEvent {
  eventId: string;
  eventType: string;
  envelope: LarkEventEnvelope;
  results: PushResult[];
}

export class FakeLark {
  readonly clock = new FakeClock();
  readonly store = new FakeStore();
  readonly requests: RequestLogEntry[] = [];
  readonly events: PushedEvent[] = [];
  readonly faults: FakeFaults;
  readonly tokens: FakeTokens;
  readonly ws: FakeWsHub;
  readonly state: FakeState;
  private webhookUrl: string | undefined;
  private readonly server: Server;
  private readonly wsConfig: WsClientConfig;

  constructor(opts: FakeLarkOptions = {}) {
    const limiter = new SlidingLimiter(this.clock);
    this.state = {
      appId: opts.appId ?? 'cli_0123456789abcdef',
      appSecret: opts.appSecret ?? 'fake-app-secret',
      encryptKey: opts.encryptKey ?? 'fake-encrypt-key',
      verificationToken: opts.verificationToken ?? 'fake-verification-token',
      tenantKey: 'fake-tenant',
      bot: { openId: opts.bot?.openId ?? 'ou_bot0000000000', appName: opts.bot?.appName ?? '报价助手' },
      clock: this.clock,
      store: this.store,
      limiter,
      limits: { ...DEFAULT_LIMITS, ...opts.limits },
    };
    this.wsConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 0.05, ReconnectNonce: 0.02, ...opts.wsClientConfig };
    this.faults = new FakeFaults(opts.seed ?? 1);
    this.tokens = new FakeTokens(this.state, opts.tokenTtlSeconds ?? 7200);
    const handler = httpHandler({
      s: this.state,
      tokens: this.tokens,
      faults: this.faults,
      log: this.requests,
      wsUrl: () => `ws://127.0.0.1:${this.port}/ws`,
      wsClientConfig: () => this.wsConfig,
    });
    this.server = createServer(handler);
    const wss = new WebSocketServer({ server: this.server, path: '/ws' });
    this.ws = new FakeWsHub(wss, () => this.wsConfig, opts.wsFragmentBytes);
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** pass as `domain` to lark.Client / lark.WSClient */
  get domain(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get appId(): string {
    return this.state.appId;
  }
  get appSecret(): string {
    return this.state.appSecret;
  }
  get encryptKey(): string {
    return this.state.encryptKey;
  }
  get verificationToken(): string {
    return this.state.verificationToken;
  }
  get bot(): { openId: string; appName: string } {
    return this.state.bot;
  }
  get violations() {
    return this.state.limiter.violations;
  }
  get messages() {
    return this.store.messages;
  }

  async close(): Promise<void> {
    this.ws.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addUser(u: Parameters<FakeStore['addUser']>[0]) {
    return this.store.addUser(u);
  }
  addGroupChat(c: Parameters<FakeStore['addGroupChat']>[0]) {
    return this.store.addGroupChat(c);
  }
  messagesIn(chatId: string) {
    return this.store.messagesIn(chatId);
  }
  p2pMessagesOf(openId: string) {
    return this.store.p2pMessagesOf(openId);
  }
  currentContent(messageId: string) {
    return this.store.currentContent(messageId);
  }

  /** the next n HTTP requests (token included, WS discovery not) answer `status`, optionally with a crafted body/headers */
  failNext(n: number, status = 500, answer?: InjectedAnswer): void {
    this.faults.failNext(n, status, answer);
  }
  failRatio(p: number, status = 503): void {
    this.faults.failRatio(p, status);
  }
  delay(ms: number): void {
    this.faults.delayMs = ms;
  }
  dropWsConnections(): void {
    this.ws.dropAll();
  }

  /** from now on, pushes go to this URL (signed, encrypted) instead of over the long connection */
  useWebhook(url: string | undefined): void {
    this.webhookUrl = url;
  }

  sendText(input: SendTextInput): Promise<PushResult> {
    return this.push(messageEvent(this.state, input));
  }
  sendPost(input: SendPostInput): Promise<PushResult> {
    return this.push(messageEvent(this.state, input));
  }
  /** an image, a file, a sticker: a message the app cannot read */
  pushRawMessage(input: SendOtherInput): Promise<PushResult> {
    return this.push(otherMessageEvent(this.state, input));
  }

  /** a card button click; a `{card:{type:'raw', data}}` answer replaces the card, as Lark does */
  async clickCard(input: ClickCardInput): Promise<PushResult> {
    const result = await this.push(cardEvent(this.state, input));
    const card = (result.answer as { card?: { type?: string; data?: unknown } } | undefined)?.card;
    if (result.code === 200 && card?.type === 'raw') {
      this.store.message(input.messageId)!.patches.push({ content: card.data, at: this.clock.now(), via: 'callback' });
    }
    return result;
  }

  /** the same event again (same event_id), as Lark re-pushes one it thinks was not delivered */
  repush(eventId: string): Promise<PushResult> {
    const pushed = this.events.find((e) => e.eventId === eventId);
    if (!pushed) throw new Error(`fake lark: no event ${eventId}`);
    return this.deliver(pushed);
  }

  /** the encrypted url_verification Lark sends when the webhook URL is saved */
  urlVerification(challenge = 'fake-challenge'): Promise<WebhookResult> {
    return this.webhookRaw({ event: { challenge, token: this.verificationToken, type: 'url_verification' } });
  }

  /** one hand-made webhook request (forged, unsigned, expired, replayed …) */
  webhookRaw(input: WebhookRawInput): Promise<WebhookResult> {
    if (!this.webhookUrl) throw new Error('fake lark: useWebhook(url) first');
    return postWebhook(this.state, this.webhookUrl, input);
  }

  private push(envelope: LarkEventEnvelope): Promise<PushResult> {
    const pushed: PushedEvent = { eventId: envelope.header.event_id, eventType: envelope.header.event_type, envelope, results: [] };
    this.events.push(pushed);
    return this.deliver(pushed);
  }

  private async deliver(pushed: PushedEvent): Promise<PushResult> {
    let result: PushResult;
    if (this.webhookUrl) {
      const res = await postWebhook(this.state, this.webhookUrl, { event: pushed.envelope });
      result = { eventId: pushed.eventId, via: 'webhook', code: res.status, answer: res.json };
    } else {
      const ack = await this.ws.push(pushed.eventId, pushed.envelope);
      result = { eventId: pushed.eventId, via: 'ws', code: ack.code, answer: ack.data };
    }
    pushed.results.push(result);
    return result;
  }
}

export async function startFakeLark(opts: FakeLarkOptions = {}): Promise<FakeLark> {
  return new FakeLark(opts).listen();
}
