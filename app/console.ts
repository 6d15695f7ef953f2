import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Koa from 'koa';
import { handleAction } from '../bot/actions';
import { type BotDeps, handleText } from '../bot/dispatch';
import { inboxSince } from '../bot/outbox';
import { loadUser } from '../bot/user-context';
import { forPage, serverStopped, stream, waitForNews, watchPushes, withHtml } from './console-delivery';

export { endConsoleStreams, openConsoleStreams } from './console-delivery';

/**
 * The local web chat console: the page at / and the HTTP API it uses (README "Console API").
 * Cards come back as the neutral JSON (so a program can find a button) plus their HTML.
 * Pushes (bot/outbox) are read by cursor: a page of them (`inbox`, optionally long-polled) or a
 * Server-Sent Events stream (app/console-delivery.ts).
 */
const MAX_BODY = 64 * 1024;
const PAGE = join(__dirname, '..', 'web', 'console.html');
const MAX_LIMIT = 200;
const MAX_WAIT_S = 25;

export interface ConsoleOptions {
  /** how often a waiting long poll or an open stream re-reads the database (ms) */
  pollMs?: number;
  /** how often an open stream sends a comment line to keep proxies from closing it (ms) */
  heartbeatMs?: number;
}

class BadRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

async function jsonBody(ctx: Koa.Context): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json')) throw new BadRequest('body', 'expected Content-Type: application/json');
  const raw = await readBody(ctx);
  try {
    const v = JSON.parse(raw);
    if (!isPlainObject(v)) throw new Error('not an object');
    return v;
  } catch {
    throw new BadRequest('body', 'expected a JSON object');
  }
}

/**
 * The request body as text, at most MAX_BODY bytes. Read with plain stream events: an async
 * iterator over the request costs more than the rest of a stock answer's HTTP handling. A
 * body over the limit is refused at once; the rest of it is discarded and the connection
 * closed after the answer.
 */
function readBody(ctx: Koa.Context): Promise<string> {
  const req = ctx.req;
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const done = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        done();
        req.resume();
        ctx.set('Connection', 'close');
        reject(new BadRequest('body', `body larger than ${MAX_BODY} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (e: Error) => {
      done();
      reject(e);
    };
    const onAborted = () => onError(new Error('request aborted'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function requireString(body: Record<string, unknown>, field: string, max: number): string {
  const v = body[field];
  if (typeof v !== 'string' || v.trim() === '') throw new BadRequest(field, `${field} is required (a non-empty string)`);
  if (v.length > max) throw new BadRequest(field, `${field} is longer than ${max} characters`);
  return v;
}

/** A card button's value: a flat object of strings, finite numbers and booleans (bot/cards/card.ts). */
function requireValue(body: Record<string, unknown>): Record<string, string | number | boolean> {
  const v = body.value;
  if (!isPlainObject(v)) throw new BadRequest('value', 'value is required (a JSON object)');
  for (const [k, x] of Object.entries(v)) {
    if (!(typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x))))
      throw new BadRequest('value', `value.${k} must be a string, a number or a boolean`);
  }
  return v as Record<string, string | number | boolean>;
}

function optionalComment(body: Record<string, unknown>): string | undefined {
  const v = body.comment;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BadRequest('comment', 'comment must be a string');
  if (v.length > 500) throw new BadRequest('comment', 'comment is longer than 500 characters');
  return v.trim() === '' ? undefined : v;
}

/** One query parameter as a string (undefined when absent); repeated parameters are refused. */
function queryParam(ctx: Koa.Context, name: string): string | undefined {
  const v = ctx.query[name];
  if (Array.isArray(v)) throw new BadRequest(name, `${name} is given more than once`);
  return v === undefined || v === '' ? undefined : v;
}

function cursorParam(raw: string | undefined, field: string): number {
  if (raw === undefined) return 0;
  if (!/^\d{1,15}$/.test(raw)) throw new BadRequest(field, `${field} must be a cursor (a non-negative integer)`);
  return Number(raw);
}

function intParam(raw: string | undefined, field: string, min: number, max: number, dflt: number): number {
  if (raw === undefined) return dflt;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new BadRequest(field, `${field} must be an integer from ${min} to ${max}`);
  return Number(raw);
}

/** The user a query names by login (the console's userId); 404 when there is no such active user. */
async function queryUser(deps: BotDeps, ctx: Koa.Context): Promise<{ id: number; login: string }> {
  const login = queryParam(ctx, 'userId');
  if (login === undefined) throw new BadRequest('userId', 'userId is required');
  if (login.length > 64) throw new BadRequest('userId', 'userId is longer than 64 characters');
  const user = await loadUser(deps.db, login);
  if (!user) throw new BadRequest('userId', `no user ${login}`, 404);
  return { id: user.id, login: user.login };
}

export function consoleRoutes(deps: BotDeps, opts: ConsoleOptions = {}): Koa.Middleware {
  const pollMs = opts.pollMs ?? 1000;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  return async (ctx, next) => {
    try {
      if (ctx.method === 'GET' && ctx.path === '/') {
        ctx.type = 'html';
        ctx.body = readFileSync(PAGE, 'utf8');
        return;
      }
      if (ctx.method === 'GET' && ctx.path === '/console/api/users') {
        const users = await deps.db.models.User.findAll({ where: { active: true }, order: [['id', 'ASC']] });
        const roles = await deps.db.models.Role.findAll();
        ctx.body = users.map((u) => ({
          userId: u.login,
          name: u.name,
          role: u.roleCode,
          roleName: roles.find((r) => r.code === u.roleCode)?.nameZh ?? u.roleCode,
        }));
        return;
      }
      if (ctx.method === 'POST' && ctx.path === '/console/api/messages') {
        const body = await jsonBody(ctx);
        const userId = requireString(body, 'userId', 64);
        const text = requireString(body, 'text', 2000);
        // the page sends one id per typed message and the same id when it retries the request;
        // a client without ids gets one per request (a retry of it is then a new message)
        if (body.messageId !== undefined && (typeof body.messageId !== 'string' || body.messageId.length > 200))
          throw new BadRequest('messageId', 'messageId must be a string of at most 200 characters');
        const messageId = typeof body.messageId === 'string' && body.messageId ? body.messageId : randomUUID();
        const replies = await handleText(deps, { userLogin: userId, text, messageId });
        ctx.body = { replies: replies.map(withHtml) };
        return;
      }
      if (ctx.method === 'POST' && ctx.path === '/console/api/actions') {
        const body = await jsonBody(ctx);
        const userId = requireString(body, 'userId', 64);
        const cardId = requireString(body, 'cardId', 128);
        const action = requireString(body, 'action', 64);
        if (!/^[A-Za-z][\w.-]*$/.test(action)) throw new BadRequest('action', 'action must look like quote.submit');
        const value = requireValue(body);
        const comment = optionalComment(body);
        const replies = await handleAction(deps, { userLogin: userId, cardId, action, value, ...(comment ? { comment } : {}) });
        ctx.body = { replies: replies.map(withHtml) };
        return;
      }
      if (ctx.method === 'GET' && ctx.path === '/console/api/inbox') {
        const after = cursorParam(queryParam(ctx, 'after'), 'after');
        const limit = intParam(queryParam(ctx, 'limit'), 'limit', 1, MAX_LIMIT, 100);
        const wait = intParam(queryParam(ctx, 'wait'), 'wait', 0, MAX_WAIT_S, 0);
        const user = await queryUser(deps, ctx);
        const watch = wait > 0 ? watchPushes(user.id) : null;
        let page: Awaited<ReturnType<typeof inboxSince>>;
        try {
          page = await inboxSince(deps.db, user.id, after, limit);
          if (page.messages.length === 0 && watch) {
            // When the server is stopping, answer what there is and let the connection go with it.
            const stopping = await waitForNews(deps, ctx, user.id, after, { ms: wait * 1000, pollMs, watch });
            if (stopping || serverStopped(ctx)) ctx.set('Connection', 'close');
            if (!ctx.res.destroyed) page = await inboxSince(deps.db, user.id, after, limit);
          }
        } finally {
          watch?.stop();
        }
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { messages: page.messages.map(forPage), next: page.next };
        return;
      }
      if (ctx.method === 'GET' && ctx.path === '/console/api/stream') {
        // A reconnecting EventSource says where it got to; that wins over the URL's `after`.
        const lastEventId = ctx.get('Last-Event-ID');
        const after = lastEventId ? cursorParam(lastEventId, 'Last-Event-ID') : cursorParam(queryParam(ctx, 'after'), 'after');
        const user = await queryUser(deps, ctx);
        stream(deps, ctx, user.id, after, { pollMs, heartbeatMs, pageSize: MAX_LIMIT });
        return;
      }
    } catch (e) {
      if (e instanceof BadRequest) {
        ctx.status = e.status;
        ctx.body = { error: e.message, field: e.field };
        return;
      }
      throw e;
    }
    await next();
  };
}
