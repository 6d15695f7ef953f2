import type { Server } from 'node:net';
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import type { BotDeps } from '../bot/dispatch';
import type { UserContext } from '../bot/user-context';
import { BadRequest, bodyAs, parse, text } from './console-request';
import { clearSessionCookie, endSession, sessionToken, sessionUser, setSessionCookie } from './console-session';
import { signIn } from './console-sign-in';
import { MAX_PASSWORD_LENGTH } from './passwords';

/**
 * Who a console request acts for. Two modes:
 *  - demo: the page's user picker, and the `userId` a body or query names, are believed. Only
 *    when the server is bound to a loopback address AND the request comes from loopback, with
 *    a loopback Host header (a DNS-rebinding page in a local browser sends its own name) and
 *    no proxy's forwarding headers (a proxy on this host makes the whole network look local).
 *  - session: anything else. The page and its API need a signed-in session (app/console-session.ts)
 *    and the identity is the session's; a `userId` naming anyone else is refused with 403.
 *
 * CSRF: the session cookie is SameSite=Strict, so no request started by another site carries
 * it; and every POST must be `Content-Type: application/json`, which a cross-site form cannot
 * send and a cross-site fetch can only send after a CORS preflight this server never answers.
 * With both, no token in the page is needed.
 */
export type ConsoleIdentity = { mode: 'demo' } | { mode: 'session'; user: UserContext } | { mode: 'signed-out' };

/** 127.0.0.0/8, ::1 (also as an IPv4-mapped or bracketed address) and the name localhost. */
export function isLoopback(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** main.ts: sign-in is required off loopback, and anywhere when CONSOLE_SIGN_IN=always. */
export function consoleNeedsSignIn(app: { host: string; consoleSignIn: 'auto' | 'always' }): boolean {
  return app.consoleSignIn === 'always' || !isLoopback(app.host);
}

const hostOf = (header: string) => (header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.split(':')[0]);
const FORWARDING = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

/** True when this request may use the demo's user picker (see above). */
export function isLocalDemo(ctx: Koa.Context, requireSignIn: boolean): boolean {
  if (requireSignIn) return false;
  const bound = (ctx.req.socket as { server?: Server }).server?.address();
  if (!bound || typeof bound === 'string' || !isLoopback(bound.address)) return false;
  if (!isLoopback(ctx.req.socket.remoteAddress)) return false;
  if (!isLoopback(hostOf(ctx.get('Host')))) return false;
  return !FORWARDING.some((h) => ctx.get(h) !== '');
}

export async function identify(deps: BotDeps, ctx: Koa.Context, requireSignIn: boolean): Promise<ConsoleIdentity> {
  if (isLocalDemo(ctx, requireSignIn)) return { mode: 'demo' };
  const user = await sessionUser(deps.db, sessionToken(ctx), deps.now());
  return user ? { mode: 'session', user } : { mode: 'signed-out' };
}

export const signInRequired = () => new BadRequest('session', '请先登录 sign in first', 401);

/**
 * The login a request acts as. Demo: the one it names (`userId`, required). Session: the
 * session's; naming another user is refused (403), never believed; naming oneself is allowed.
 */
export function actingLogin(who: ConsoleIdentity, named: unknown): string {
  if (who.mode === 'signed-out') throw signInRequired();
  if (who.mode === 'demo') {
    return parse(DemoLogin, named, 'userId');
  }
  if (named !== undefined && named !== null && named !== '' && named !== who.user.login)
    throw new BadRequest(
      'userId',
      `已登录为 ${who.user.login}，不能代表他人操作 signed in as ${who.user.login}: userId must be yours or absent`,
      403,
    );
  return who.user.login;
}

export async function describeUser(deps: BotDeps, user: { login: string; name: string; roleCode: string }) {
  const role = await deps.db.models.Role.findByPk(user.roleCode, { attributes: ['nameZh'], raw: true });
  return { userId: user.login, name: user.name, role: user.roleCode, roleName: role?.nameZh ?? user.roleCode };
}

const LoginBody = z.object({ login: text('login', 64), password: text('password', MAX_PASSWORD_LENGTH) });
const DemoLogin = text('userId', 64);

/** What the console's routers keep on ctx.state: who the request acts for, found once per request. */
export interface ConsoleState {
  who: ConsoleIdentity;
}

/** Exact paths only, as they are written: no trailing slash, no other case. */
export const routerOptions = { strict: true, sensitive: true } as const;

/** POST /console/api/login, POST /console/api/logout, GET /console/api/me: answered before sign-in is required. */
export function authRouter(deps: BotDeps): Router<ConsoleState> {
  const router = new Router<ConsoleState>(routerOptions);
  router.post('/console/api/login', async (ctx) => {
    const { login, password } = await bodyAs(ctx, LoginBody);
    const r = await signIn(deps, login, password, { ip: ctx.req.socket.remoteAddress ?? '' });
    if (!r.ok) {
      if (r.retryAfterS) ctx.set('Retry-After', String(r.retryAfterS));
      ctx.status = r.status;
      ctx.body = { error: r.error, field: r.status === 429 ? 'login' : 'password' };
      return;
    }
    setSessionCookie(ctx, r.token, r.expiresAt);
    ctx.body = { user: await describeUser(deps, r.user), expiresAt: r.expiresAt.toISOString() };
  });
  router.post('/console/api/logout', async (ctx) => {
    if (!ctx.is('application/json')) throw new BadRequest('body', 'expected Content-Type: application/json');
    const { who } = ctx.state;
    const token = sessionToken(ctx);
    if (who.mode === 'session') {
      await deps.db.models.AuditLog.create({
        userId: who.user.id,
        action: 'console.sign_out',
        entityType: 'user',
        entityId: String(who.user.id),
        before: null,
        after: { login: who.user.login },
        at: deps.now(),
      });
    }
    await endSession(deps.db, token);
    clearSessionCookie(ctx);
    ctx.body = { ok: true };
  });
  router.get('/console/api/me', async (ctx) => {
    const { who } = ctx.state;
    ctx.set('Cache-Control', 'no-store');
    if (who.mode === 'signed-out') throw signInRequired();
    ctx.body = who.mode === 'demo' ? { mode: 'demo', user: null } : { mode: 'session', user: await describeUser(deps, who.user) };
  });
  return router;
}
