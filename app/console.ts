import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import { handleAction } from '../bot/actions';
import { forPage, serverStopped, stream, waitForNews, watchPushes, withHtml } from '../bot/channels/console/delivery';
import { type BotDeps, handleText } from '../bot/dispatch';
import { inboxSince } from '../bot/outbox';
import { loadUser } from '../bot/user-context';
import {
  actingLogin,
  authRouter,
  type ConsoleIdentity,
  type ConsoleState,
  describeUser,
  identify,
  routerOptions,
  signInRequired,
} from './console-auth';
import { BadRequest, cardValue, comment as commentField, cursor, int, jsonBody, parse, single, text } from './console-request';

export { endConsoleStreams, openConsoleStreams } from '../bot/channels/console/delivery';

/**
 * The web chat console: the page at / and the HTTP API it uses (README "Console API"); who a
 * request acts for, and signing in, in app/console-auth.ts.
 * Cards come back as the neutral JSON (so a program can find a button) plus their HTML.
 * Pushes (bot/outbox) are read by cursor: a page of them (`inbox`, optionally long-polled) or a
 * Server-Sent Events stream (app/console-delivery.ts).
 */
const PAGE = join(__dirname, '..', 'web', 'console.html');
const MAX_LIMIT = 200;
const MAX_WAIT_S = 25;

export interface ConsoleOptions {
  /** how often a waiting long poll or an open stream re-reads the database (ms) */
  pollMs?: number;
  /** how often an open stream sends a comment line to keep proxies from closing it (ms) */
  heartbeatMs?: number;
  /**
   * Every API request must be signed in and acts as its session (main.ts: HOST is not a
   * loopback address, or CONSOLE_SIGN_IN=always). Even when false, only a loopback request to
   * a loopback-bound server gets the demo's user picker (app/console-auth.ts).
   */
  requireSignIn?: boolean;
}

/** Everyone the demo's picker offers. */
async function demoUsers(deps: BotDeps) {
  const users = await deps.db.models.User.findAll({ where: { active: true }, order: [['id', 'ASC']] });
  const roles = await deps.db.models.Role.findAll();
  return users.map((u) => ({
    userId: u.login,
    name: u.name,
    role: u.roleCode,
    roleName: roles.find((r) => r.code === u.roleCode)?.nameZh ?? u.roleCode,
  }));
}

// Each body's `userId` is checked first, by actingLogin (what it may be depends on the session).
const MessageBody = z.object({
  text: text('text', 2000),
  messageId: z
    .string({ invalid_type_error: 'messageId must be a string of at most 200 characters' })
    .max(200, 'messageId must be a string of at most 200 characters')
    .optional(),
});
const ActionBody = z.object({
  cardId: text('cardId', 128),
  action: text('action', 64).refine((v) => /^[A-Za-z][\w.-]*$/.test(v), 'action must look like quote.submit'),
  value: cardValue,
  comment: commentField,
});
const InboxQuery = z.object({ after: cursor('after'), limit: int('limit', 1, MAX_LIMIT, 100), wait: int('wait', 0, MAX_WAIT_S, 0) });

/** The user a query acts for (its `userId` in the demo, else the session's); 404 when the demo names no active user. */
async function queryUser(deps: BotDeps, ctx: Koa.Context, who: ConsoleIdentity): Promise<{ id: number; login: string }> {
  const login = actingLogin(who, parse(single('userId'), ctx.query.userId, 'userId'));
  const user = await loadUser(deps.db, login);
  if (!user) throw new BadRequest('userId', `no user ${login}`, 404);
  return { id: user.id, login: user.login };
}

/** The API past sign-in: who it acts for is on ctx.state (consoleRoutes). */
function apiRouter(deps: BotDeps, opts: { pollMs: number; heartbeatMs: number }): Router<ConsoleState> {
  const router = new Router<ConsoleState>(routerOptions);
  router.get('/console/api/users', async (ctx) => {
    const { who } = ctx.state;
    ctx.body = who.mode === 'session' ? [await describeUser(deps, who.user)] : await demoUsers(deps);
  });
  router.post('/console/api/messages', async (ctx) => {
    const body = await jsonBody(ctx);
    const userLogin = actingLogin(ctx.state.who, body.userId);
    const m = parse(MessageBody, body);
    // the page sends one id per typed message and the same id when it retries the request;
    // a client without ids gets one per request (a retry of it is then a new message)
    const messageId = m.messageId || randomUUID();
    const replies = await handleText(deps, { userLogin, text: m.text, messageId, channel: 'console' });
    ctx.body = { replies: replies.map(withHtml) };
  });
  router.post('/console/api/actions', async (ctx) => {
    const body = await jsonBody(ctx);
    const userLogin = actingLogin(ctx.state.who, body.userId);
    const { cardId, action, value, comment } = parse(ActionBody, body);
    const replies = await handleAction(deps, { userLogin, cardId, action, value, channel: 'console', ...(comment ? { comment } : {}) });
    ctx.body = { replies: replies.map(withHtml) };
  });
  router.get('/console/api/inbox', async (ctx) => {
    const { after, limit, wait } = parse(InboxQuery, ctx.query);
    const user = await queryUser(deps, ctx, ctx.state.who);
    const watch = wait > 0 ? watchPushes(user.id) : null;
    let page: Awaited<ReturnType<typeof inboxSince>>;
    try {
      page = await inboxSince(deps.db, user.id, after, limit);
      if (page.messages.length === 0 && watch) {
        // When the server is stopping, answer what there is and let the connection go with it.
        const stopping = await waitForNews(deps, ctx, user.id, after, { ms: wait * 1000, pollMs: opts.pollMs, watch });
        if (stopping || serverStopped(ctx)) ctx.set('Connection', 'close');
        if (!ctx.res.destroyed) page = await inboxSince(deps.db, user.id, after, limit);
      }
    } finally {
      watch?.stop();
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { messages: page.messages.map(forPage), next: page.next };
  });
  router.get('/console/api/stream', async (ctx) => {
    // the router answers HEAD on every GET route; a stream without a body would only hang
    if (ctx.method === 'HEAD') throw new BadRequest('method', 'use GET for the stream', 405);
    // A reconnecting EventSource says where it got to; that wins over the URL's `after`.
    const lastEventId = ctx.get('Last-Event-ID');
    const after = lastEventId
      ? parse(cursor('Last-Event-ID'), lastEventId, 'Last-Event-ID')
      : parse(cursor('after'), ctx.query.after, 'after');
    const user = await queryUser(deps, ctx, ctx.state.who);
    stream(deps, ctx, user.id, after, { ...opts, pageSize: MAX_LIMIT });
  });
  return router;
}

/** A router as plain Koa middleware (its typings want a context that already has `params`; it sets them itself). */
const middleware = (r: Router<ConsoleState> | Router): Koa.Middleware => r.routes() as unknown as Koa.Middleware;

export function consoleRoutes(deps: BotDeps, opts: ConsoleOptions = {}): Koa.Middleware {
  const requireSignIn = opts.requireSignIn ?? false;
  // The page holds no data: it is served to anyone, and asks /console/api/me whether to show the sign-in form.
  const page = middleware(
    new Router(routerOptions).get('/', (ctx) => {
      ctx.type = 'html';
      ctx.body = readFileSync(PAGE, 'utf8');
    }),
  );
  const auth = middleware(authRouter(deps));
  const api = middleware(apiRouter(deps, { pollMs: opts.pollMs ?? 1000, heartbeatMs: opts.heartbeatMs ?? 15_000 }));
  // Under /console/api/ every request is identified first; past login, logout and me it must
  // be signed in, whatever its path (an unknown one too), and then falls through to later middleware.
  return async (ctx, next) => {
    try {
      if (!ctx.path.startsWith('/console/api/')) return await page(ctx, next);
      ctx.state.who = await identify(deps, ctx, requireSignIn);
      await auth(ctx, async () => {
        if ((ctx.state as ConsoleState).who.mode === 'signed-out') throw signInRequired();
        await api(ctx, next);
      });
    } catch (e) {
      if (!(e instanceof BadRequest)) throw e;
      if (e.status === 401) ctx.set('WWW-Authenticate', 'Cookie realm="console"');
      ctx.status = e.status;
      ctx.body = { error: e.message, field: e.field };
    }
  };
}
