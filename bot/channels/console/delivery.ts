import type { ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import type Koa from 'koa';
import type { Reply } from '../../cards/card';
import { renderHtml } from '../../cards/render-html';
import type { BotDeps } from '../../dispatch';
import { type InboxMessage, inboxSince, outboxEvents } from '../../outbox';

/**
 * The console as a channel: unlike Lark and the others it is not sent to — a page reads the
 * outbox itself, by the recipient's cursor, so its delivery is the read (the dispatcher in
 * bot/delivery has nothing to do for it, and replies meant for another channel are not in its
 * inbox). How the console delivers pushes (bot/outbox) to a page: a long-polled inbox read and a
 * Server-Sent Events stream. Both wake on `outboxEvents` for pushes made in this process and
 * poll the database for those written by another (a worker).
 */

/**
 * Every open stream and waiting long poll, by the function that ends it. main.ts may call
 * endConsoleStreams() before closing the HTTP server; without the call, each one notices
 * within a poll interval that its server stopped listening and ends itself.
 */
const open = new Set<() => void>();

export function endConsoleStreams(): void {
  for (const end of [...open]) end();
}

/** How many streams and long polls are open (tests, diagnostics). */
export function openConsoleStreams(): number {
  return open.size;
}

export const withHtml = (r: Reply) => (r.kind === 'card' ? { ...r, html: renderHtml(r.card) } : r);
export const forPage = (m: InboxMessage) => ({ ...m, reply: withHtml(m.reply) });

/** True once the HTTP server this request came through has stopped listening (server.close()). */
export function serverStopped(ctx: Koa.Context): boolean {
  const server = (ctx.req.socket as { server?: Server }).server;
  return server !== undefined && !server.listening;
}

/**
 * Pushes to one user announced in this process, from the moment it is called. A long poll
 * starts watching before its first read, so a push landing between that read and the wait is
 * not missed, and the wait needs no second read to make sure; a stream wakes its pump by it.
 */
export interface PushWatch {
  seen(): boolean;
  onPush(fn: (() => void) | null): void;
  stop(): void;
}

export function watchPushes(userId: number): PushWatch {
  let pushed = false;
  let wake: (() => void) | null = null;
  const listener = (id: number) => {
    if (id !== userId) return;
    pushed = true;
    wake?.();
  };
  outboxEvents.on('pushed', listener);
  return {
    seen: () => pushed,
    onPush: (fn) => {
      wake = fn;
    },
    stop: () => outboxEvents.off('pushed', listener),
  };
}

/**
 * Resolves when `userId` may have something after `after`: an outbox event for them, a row
 * found by the poll, the deadline, the client leaving, or the server stopping (then with true).
 */
export function waitForNews(
  deps: BotDeps,
  ctx: Koa.Context,
  userId: number,
  after: number,
  opts: { ms: number; pollMs: number; watch: PushWatch },
): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (stopping = false) => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      clearInterval(poll);
      opts.watch.onPush(null);
      ctx.res.off('close', onClose);
      open.delete(onStop);
      resolve(stopping);
    };
    const onClose = () => finish();
    const onStop = () => finish(true);
    const check = async () => {
      if (serverStopped(ctx)) return finish(true);
      try {
        if ((await inboxSince(deps.db, userId, after, 1)).messages.length) finish();
      } catch {
        finish();
      }
    };
    const deadline = setTimeout(() => finish(), opts.ms);
    // other processes' pushes are not announced here: the database is asked every pollMs
    const poll = setInterval(() => void check(), opts.pollMs);
    opts.watch.onPush(() => finish());
    ctx.res.on('close', onClose);
    open.add(onStop);
    if (serverStopped(ctx)) finish(true);
    else if (opts.watch.seen()) finish();
  });
}

/** Writes a chunk, waiting for the socket to drain when its buffer is full (a slow reader). */
function write(res: ServerResponse, chunk: string): Promise<void> | undefined {
  if (res.write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * The Server-Sent Events stream of a user's pushes after `after`: the backlog, then each new
 * message as it is written. Ends (and removes its listener and timers) when the client leaves,
 * on endConsoleStreams(), or when the server stops listening.
 */
export function stream(
  deps: BotDeps,
  ctx: Koa.Context,
  userId: number,
  after: number,
  opts: { pollMs: number; heartbeatMs: number; pageSize: number },
): void {
  ctx.respond = false;
  const res = ctx.res;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  ctx.req.socket.setNoDelay(true);
  res.write('retry: 3000\n\n');
  let cursor = after;
  let closed = false;
  let pumping = false;
  let again = false;
  const watch = watchPushes(userId);

  // Ending the response also closes the connection: left idle, a keep-alive connection would
  // hold a closing server open until its keep-alive timeout. The browser reconnects by itself.
  const end = () => {
    if (closed) return;
    closed = true;
    clearInterval(poll);
    clearInterval(heartbeat);
    watch.stop();
    res.off('close', end);
    open.delete(end);
    const socket = res.socket;
    if (!res.writableEnded) res.end(() => socket?.end());
  };
  const pump = async () => {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      do {
        again = false;
        for (;;) {
          const page = await inboxSince(deps.db, userId, cursor, opts.pageSize);
          for (const m of page.messages) {
            if (closed) return;
            await write(res, `id: ${m.cursor}\nevent: message\ndata: ${JSON.stringify(forPage(m))}\n\n`);
            cursor = m.cursor;
          }
          if (page.messages.length < opts.pageSize) break;
        }
      } while (again && !closed);
    } catch {
      end(); // the database went away (shutting down): the browser reconnects with Last-Event-ID
    } finally {
      pumping = false;
    }
  };
  const poll = setInterval(() => (serverStopped(ctx) ? end() : void pump()), opts.pollMs);
  const heartbeat = setInterval(() => {
    if (!closed) res.write(': ping\n\n');
  }, opts.heartbeatMs);
  poll.unref();
  heartbeat.unref();
  watch.onPush(() => void pump());
  res.on('close', end);
  open.add(end);
  void pump();
}
