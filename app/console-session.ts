import { createHash, randomBytes } from 'node:crypto';
import type Koa from 'koa';
import { Op } from 'sequelize';
import { loadUser, type UserContext } from '../bot/user-context';
import type { Db } from '../models/db';
import { userDirectory } from '../models/user-directory';

/**
 * Console sessions: a random token in a cookie, its SHA-256 in console_sessions with an
 * expiry. The lifetime is absolute (no sliding), so a stolen cookie is worth a working day at
 * most; signing out or a new password (npm run set-password) ends it sooner.
 */
export const SESSION_COOKIE = 'q2c_session';
export const SESSION_HOURS = 12;
const TOKEN = /^[\w-]{43}$/; // 32 random bytes, base64url

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

export async function startSession(db: Db, userId: number, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
  // the user's dead sessions go when a new one starts: the table stays as small as its users
  await db.models.ConsoleSession.destroy({ where: { userId, expiresAt: { [Op.lte]: now } } });
  await db.models.ConsoleSession.create({ tokenHash: digest(token), userId, expiresAt });
  return { token, expiresAt };
}

/** The active user a live session token belongs to, or null (no such session, expired, user gone or inactive). */
export async function sessionUser(db: Db, token: string | undefined, now: Date): Promise<UserContext | null> {
  if (!token || !TOKEN.test(token)) return null;
  const row = await db.models.ConsoleSession.findOne({
    where: { tokenHash: digest(token), expiresAt: { [Op.gt]: now } },
    attributes: ['userId'],
    raw: true,
  });
  if (!row) return null;
  const login = (await userDirectory(db)).byId.get(row.userId)?.login;
  return login === undefined ? null : loadUser(db, login);
}

export async function endSession(db: Db, token: string | undefined): Promise<void> {
  if (token && TOKEN.test(token)) await db.models.ConsoleSession.destroy({ where: { tokenHash: digest(token) } });
}

export async function endSessionsOf(db: Db, userId: number): Promise<void> {
  await db.models.ConsoleSession.destroy({ where: { userId } });
}

export const sessionToken = (ctx: Koa.Context): string | undefined => ctx.cookies.get(SESSION_COOKIE) ?? undefined;

/**
 * httpOnly: page scripts (an injected one included) never see the token. SameSite=Strict: the
 * browser sends it on no request another site starts, the half of the CSRF defence the
 * cookie carries (the other half: POSTs must be application/json, app/console-auth.ts).
 * Secure when the request came over https (Koa's ctx.secure).
 */
export function setSessionCookie(ctx: Koa.Context, token: string, expiresAt: Date): void {
  ctx.cookies.set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secure,
    path: '/',
    expires: expiresAt,
    overwrite: true,
  });
}

export function clearSessionCookie(ctx: Koa.Context): void {
  ctx.cookies.set(SESSION_COOKIE, '', {
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secure,
    path: '/',
    expires: new Date(0),
    overwrite: true,
  });
}
