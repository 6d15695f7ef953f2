import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { decodeFrame, encodeFrame, jsonPayload, METHOD_CONTROL, METHOD_DATA, parsePayload } from './frames';
import { larkId } from './store';

/** ClientConfig as Lark sends it, in seconds (fractions work: the SDK multiplies by 1000). */
export interface WsClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

/** The app's answer to one pushed event: the ack frame's `{code, data}`, data decoded from base64 JSON. */
export interface WsAck {
  code: number;
  data?: unknown;
}

interface Pending {
  eventId: string;
  payload: Uint8Array;
  /** the socket the latest attempt went out on; undefined while waiting for a connection */
  socket: WebSocket | undefined;
  resolve: (ack: WsAck) => void;
}

/**
 * The server end of the long connection. Events wait until the app acks them; an event whose
 * socket closes before the ack is pushed again on the next connection, as Lark re-pushes.
 */
export class FakeWsHub {
  /**
   * A socket counts as ready once its first ping arrived: the SDK attaches its frame listener
   * only after 'open', so anything pushed before that would be lost without an ack.
   */
  private readonly sockets = new Map<WebSocket, { serviceId: number; ready: boolean }>();
  /** frame message_id → pending event; every attempt gets its own frame id */
  private readonly pending = new Map<string, Pending>();
  /** events waiting for a connection */
  private readonly waiting: Pending[] = [];
  private waiters: (() => void)[] = [];
  /** connections accepted so far, for reconnect assertions */
  connectionsSeen = 0;
  /** pings received from clients */
  pings = 0;

  constructor(
    private readonly wss: WebSocketServer,
    private readonly clientConfig: () => WsClientConfig,
    private readonly fragmentBytes: number | undefined,
  ) {
    wss.on('connection', (socket, req) => this.onConnection(socket, req));
  }

  get connected(): number {
    return [...this.sockets.values()].filter((s) => s.ready).length;
  }

  /** resolves once a client is connected and has pinged (at once if one is) */
  waitForConnection(): Promise<void> {
    if (this.connected > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  push(eventId: string, event: unknown): Promise<WsAck> {
    return new Promise((resolve) => {
      const p: Pending = { eventId, payload: jsonPayload(event), socket: undefined, resolve };
      this.send(p);
    });
  }

  /** the server closes every socket; the SDK reconnects on its own */
  dropAll(): void {
    for (const socket of this.sockets.keys()) socket.terminate();
  }

  close(): void {
    this.dropAll();
    this.pending.clear();
    this.waiting.length = 0;
    this.wss.close();
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const serviceId = Number(url.searchParams.get('service_id') ?? 0);
    this.sockets.set(socket, { serviceId, ready: false });
    this.connectionsSeen++;
    socket.on('message', (data: Buffer) => this.onFrame(socket, data));
    socket.on('close', () => this.onClose(socket));
    socket.on('error', () => {});
  }

  private onReady(socket: WebSocket): void {
    const entry = this.sockets.get(socket);
    if (!entry || entry.ready) return;
    entry.ready = true;
    for (const w of this.waiters.splice(0)) w();
    for (const p of this.waiting.splice(0)) this.send(p);
  }

  private onClose(socket: WebSocket): void {
    this.sockets.delete(socket);
    const orphans = [...this.pending.entries()].filter(([, p]) => p.socket === socket);
    for (const [frameId, p] of orphans) {
      this.pending.delete(frameId);
      p.socket = undefined;
    }
    // re-pushed on the next connection (or at once on another open one)
    for (const [, p] of orphans) this.send(p);
  }

  private send(p: Pending): void {
    const entry = [...this.sockets.entries()].find(([s, info]) => info.ready && s.readyState === s.OPEN);
    if (!entry) {
      p.socket = undefined;
      this.waiting.push(p);
      return;
    }
    const [socket, { serviceId }] = entry;
    const frameId = larkId('msg_');
    p.socket = socket;
    this.pending.set(frameId, p);
    const size = this.fragmentBytes ?? p.payload.length;
    const parts: Uint8Array[] = [];
    for (let i = 0; i < p.payload.length; i += size) parts.push(p.payload.subarray(i, i + size));
    parts.forEach((part, seq) => {
      const headers = { type: 'event', message_id: frameId, sum: String(parts.length), seq: String(seq), trace_id: larkId('trace_') };
      socket.send(encodeFrame({ SeqID: 0, LogID: 0, service: serviceId, method: METHOD_DATA, headers, payload: part }));
    });
  }

  private onFrame(socket: WebSocket, data: Buffer): void {
    const frame = decodeFrame(data);
    if (frame.method === METHOD_CONTROL && frame.headers.type === 'ping') {
      this.pings++;
      const headers = { type: 'pong' };
      socket.send(
        encodeFrame({
          SeqID: 0,
          LogID: 0,
          service: frame.service,
          method: METHOD_CONTROL,
          headers,
          payload: jsonPayload(this.clientConfig()),
        }),
      );
      this.onReady(socket);
      return;
    }
    if (frame.method === METHOD_DATA && frame.headers.type === 'event') {
      const frameId = frame.headers.message_id ?? '';
      const p = this.pending.get(frameId);
      // an ack for an attempt whose socket already closed: the re-push carries its own frame id
      if (!p) return;
      this.pending.delete(frameId);
      const body = parsePayload(frame.payload) as { code: number; data?: string };
      const ack: WsAck = { code: body.code };
      if (body.data) ack.data = JSON.parse(Buffer.from(body.data, 'base64').toString('utf8'));
      p.resolve(ack);
    }
  }
}
