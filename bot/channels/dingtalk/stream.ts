import { DWClient, type DWClientDownStream, TOPIC_CARD, TOPIC_ROBOT } from 'dingtalk-stream';
import type { InboundLog } from '../inbound';

export interface StreamConnection {
  health(): { ok: boolean; state: string };
  stop(): void;
}

/**
 * dingtalk-stream with the gateway at our configured API base: the SDK hard-codes
 * https://api.dingtalk.com (im-platforms.md §2.4), so the endpoint is asked for here, the same
 * request the SDK makes, and handed to the SDK's own connect.
 */
class ConfiguredClient extends DWClient {
  constructor(
    opts: ConstructorParameters<typeof DWClient>[0],
    private readonly apiBase: string,
  ) {
    super(opts);
  }

  override async getEndpoint(): Promise<this> {
    const res = await fetch(new URL('/v1.0/gateway/connections/open', this.apiBase), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        ua: this.config.ua,
        subscriptions: this.config.subscriptions,
      }),
    });
    if (!res.ok) throw new Error(`gateway connections/open: HTTP ${res.status}`);
    const { endpoint, ticket } = (await res.json()) as { endpoint?: string; ticket?: string };
    if (!endpoint || !ticket) throw new Error('gateway connections/open: no endpoint or ticket');
    (this as unknown as { dw_url: string }).dw_url = `${endpoint}?ticket=${encodeURIComponent(ticket)}`;
    return this;
  }
}

/**
 * Stream mode (DINGTALK_MODE=stream, the default): robot messages and card callbacks come over
 * a WebSocket the app opens, so no public address is needed. Both are CALLBACK frames the SDK
 * does not acknowledge: each is acknowledged here once it is remembered (a robot message) or
 * answered (a click); one that fails is not, and DingTalk pushes it again.
 */
export async function startStream(o: {
  clientId: string;
  clientSecret: string;
  apiBase: string;
  onMessage(data: unknown): Promise<void>;
  onClick(messageId: string, data: unknown): Promise<unknown>;
  log: InboundLog;
}): Promise<StreamConnection> {
  const client = new ConfiguredClient({ clientId: o.clientId, clientSecret: o.clientSecret, ua: 'q2c-bot', keepAlive: true }, o.apiBase);
  let stopped = false;
  const parse = (f: DWClientDownStream): unknown => {
    try {
      return JSON.parse(f.data);
    } catch {
      return null;
    }
  };
  client.registerCallbackListener(TOPIC_ROBOT, (f: DWClientDownStream) => {
    const data = parse(f);
    void o
      .onMessage(data)
      .then(() => client.socketCallBackResponse(f.headers.messageId, { status: 'SUCCESS' }))
      .catch((e) => o.log.error(`钉钉 dingtalk stream: robot message ${f.headers.messageId}: ${(e as Error).message}`));
  });
  client.registerCallbackListener(TOPIC_CARD, (f: DWClientDownStream) => {
    const data = parse(f);
    void o
      .onClick(f.headers.messageId, data)
      .then((answer) => client.socketCallBackResponse(f.headers.messageId, answer))
      .catch((e) => o.log.error(`钉钉 dingtalk stream: card callback ${f.headers.messageId}: ${(e as Error).message}`));
  });
  const connect = async () => {
    try {
      await client.getEndpoint();
      await (client as unknown as { _connect(): Promise<void> })._connect();
      o.log.info('钉钉 dingtalk: Stream 长连接已建立 stream connection up');
    } catch (e) {
      o.log.error(`钉钉 dingtalk: Stream 连接失败 stream connection failed: ${(e as Error).message}`);
      if (!stopped) setTimeout(() => void connect(), 1_000).unref();
    }
  };
  // after a drop the SDK reconnects by itself, through getEndpoint above
  await connect();
  return {
    health: () => ({ ok: client.connected, state: client.connected ? 'connected' : client.reconnecting ? 'reconnecting' : 'connecting' }),
    stop: () => {
      stopped = true;
      client.config.autoReconnect = false;
      client.disconnect();
    },
  };
}
