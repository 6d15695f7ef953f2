import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';

/** The app's ack of a CALLBACK frame: its code, and `data` decoded ({response: …} from the Node SDK). */
export interface StreamAck {
  code: number;
  data: unknown;
}

/**
 * The server end of DingTalk's Stream mode: a socket opened with a ticket from
 * connections/open, JSON frames both ways (im-platforms.md §2.4). SYSTEM pings are answered by
 * the client; a CALLBACK waits for the app's explicit ack with the same messageId, and one
 * not acked when its connection goes is pushed again, as it was, on the next (DingTalk
 * re-pushes an unacknowledged callback for up to 60 s).
 */
export class FakeStreamGateway {
  private readonly sockets = new Set<WebSocket>();
  private readonly pending = new Map<string, { frame: string; done: (ack: StreamAck) => void }>();
  private waiters: (() => void)[] = [];
  pingsAnswered = 0;
  connectionsSeen = 0;
  /** callbacks pushed again on a new connection because the old one went before their ack */
  repushed = 0;
  /** CALLBACK frames sent, by topic */
  readonly pushed: { messageId: string; topic: string; data: unknown }[] = [];

  constructor(
    wss: WebSocketServer,
    private readonly tickets: Set<string>,
    private readonly appId: string,
  ) {
    wss.on('connection', (socket, req) => this.onConnection(socket, req));
  }

  get connected(): number {
    return this.sockets.size;
  }

  waitForConnection(): Promise<void> {
    if (this.sockets.size) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  /**
   * pushes a CALLBACK frame (once the app is connected, if it is not now) and resolves with the
   * app's ack; rejects after `timeoutMs` without one
   */
  callback(topic: string, data: unknown, o: { messageId?: string; timeoutMs?: number } = {}): Promise<StreamAck> {
    const socket = [...this.sockets].at(-1);
    const messageId = o.messageId ?? `msg-${randomUUID()}`;
    this.pushed.push({ messageId, topic, data });
    const frame = {
      specVersion: '1.0',
      type: 'CALLBACK',
      headers: { appId: this.appId, connectionId: 'conn-1', contentType: 'application/json', messageId, time: String(Date.now()), topic },
      data: JSON.stringify(data),
    };
    return new Promise<StreamAck>((resolve, reject) => {
      const raw = JSON.stringify(frame);
      const waiting = {
        frame: raw,
        done: (ack: StreamAck) => {
          clearTimeout(timer);
          resolve(ack);
        },
      };
      const timer = setTimeout(() => {
        if (this.pending.get(messageId) === waiting) this.pending.delete(messageId);
        reject(new Error(`no ack for ${messageId}`));
      }, o.timeoutMs ?? 10_000);
      this.pending.set(messageId, waiting);
      socket?.send(raw);
    });
  }

  /** callbacks pushed and not yet acknowledged */
  get unacked(): number {
    return this.pending.size;
  }

  /** the last CALLBACK again, with its messageId, as DingTalk re-pushes one it had no ack for */
  repushLast(): Promise<StreamAck> {
    const last = this.pushed.at(-1);
    if (!last) return Promise.reject(new Error('nothing pushed yet'));
    return this.callback(last.topic, last.data, { messageId: last.messageId });
  }

  ping(): void {
    for (const s of this.sockets)
      s.send(
        JSON.stringify({
          specVersion: '1.0',
          type: 'SYSTEM',
          headers: { topic: 'ping', messageId: `ping-${randomUUID()}`, contentType: 'application/json' },
          data: '{"opaque":"x"}',
        }),
      );
  }

  /** cuts every connection, as a network drop would (the app is expected to come back) */
  close(): void {
    for (const s of this.sockets) s.terminate();
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const ticket = new URL(req.url ?? '/', 'http://x').searchParams.get('ticket') ?? '';
    if (!this.tickets.delete(ticket)) {
      socket.close(4001, 'bad ticket');
      return;
    }
    this.connectionsSeen++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (raw) => {
      let m: { code?: number; headers?: { messageId?: string; topic?: string }; data?: string };
      try {
        m = JSON.parse(String(raw));
      } catch {
        return;
      }
      const id = m.headers?.messageId ?? '';
      if (id.startsWith('ping-')) {
        this.pingsAnswered++;
        return;
      }
      const waiting = this.pending.get(id);
      if (!waiting) return;
      this.pending.delete(id);
      let data: unknown = m.data;
      try {
        data = JSON.parse(String(m.data));
      } catch {}
      waiting.done({ code: m.code ?? 0, data });
    });
    for (const { frame } of this.pending.values()) {
      this.repushed++;
      socket.send(frame);
    }
    for (const w of this.waiters.splice(0)) w();
  }
}
