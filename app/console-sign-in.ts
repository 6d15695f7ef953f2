import { QueryTypes } from 'sequelize';
import type { UserContext } from '../bot/user-context';
import { loadUser } from '../bot/user-context';
import type { Db } from '../models/db';
import { endSessionsOf, startSession } from './console-session';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';

/**
 * Signing in to an exposed console, with a lockout per login: MAX_FAILURES wrong passwords in
 * a row lock that login for LOCK_MINUTES, even for the right password. Every answer that is
 * not a success reads the same whether the login exists, has no password, is inactive or is
 * simply mistyped, and takes as long (a throwaway scrypt check stands in for a missing hash);
 * logins that do not exist are counted in memory so that they lock out like real ones.
 * Each success, failure and lockout is an audit_logs row.
 */
export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;

export type SignInResult =
  | { ok: true; user: UserContext; token: string; expiresAt: Date }
  | { ok: false; status: 401 | 429; error: string; retryAfterS?: number };

const WRONG: SignInResult = { ok: false, status: 401, error: '登录名或密码错误 wrong login or password' };
const locked = (until: Date, now: Date): SignInResult => {
  const retryAfterS = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  const minutes = Math.ceil(retryAfterS / 60);
  return {
    ok: false,
    status: 429,
    error: `尝试次数过多，请 ${minutes} 分钟后再试 too many attempts: try again in ${minutes} min`,
    retryAfterS,
  };
};

/** Failures of logins that do not exist, so that they answer like real ones; bounded. */
const phantom = new Map<string, { failures: number; lockedUntil: Date | null }>();
const MAX_PHANTOMS = 10_000;

/** One attempt per login at a time in this process: a burst of guesses cannot all slip in before the lock. */
const queues = new Map<string, Promise<unknown>>();
function oneAtATime<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const tail = run.catch(() => {});
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

export interface SignInDeps {
  db: Db;
  now: () => Date;
}

export function signIn(deps: SignInDeps, login: string, password: string, meta: { ip: string }): Promise<SignInResult> {
  return oneAtATime(login, () => attempt(deps, login, password, meta));
}

async function attempt(deps: SignInDeps, login: string, password: string, meta: { ip: string }): Promise<SignInResult> {
  const { db } = deps;
  const now = deps.now();
  const row = await db.models.User.findOne({ where: { login }, attributes: ['id', 'active', 'passwordHash', 'lockedUntil'], raw: true });
  const audit = (action: string, after: Record<string, unknown>) =>
    db.models.AuditLog.create({
      userId: row?.id ?? null,
      action,
      entityType: 'user',
      entityId: row ? String(row.id) : login.slice(0, 64),
      before: null,
      after: { login: login.slice(0, 64), ip: meta.ip, ...after },
      at: now,
    });

  const lockedUntil = row ? (row.lockedUntil ? new Date(row.lockedUntil) : null) : (phantom.get(login)?.lockedUntil ?? null);
  if (lockedUntil && lockedUntil > now) {
    await audit('console.sign_in_failed', { reason: 'locked' });
    return locked(lockedUntil, now);
  }
  const right = await verifyPassword(password, row?.passwordHash);
  const user = right && row?.active ? await loadUser(db, login) : null;
  if (user && row) {
    await db.models.User.update({ failedSignIns: 0, lockedUntil: null }, { where: { id: row.id } });
    const session = await startSession(db, user.id, now);
    await audit('console.sign_in', {});
    return { ok: true, user, ...session };
  }

  const until = new Date(now.getTime() + LOCK_MINUTES * 60_000);
  const nowLocked = row ? await countFailure(db, row.id, until, now) : countPhantomFailure(login, until);
  await audit('console.sign_in_failed', { reason: 'wrong' });
  if (!nowLocked) return WRONG;
  await audit('console.locked_out', { until: until.toISOString(), failures: MAX_FAILURES });
  return locked(until, now);
}

/**
 * One more failure, in one statement (a second instance on the same database counts too);
 * the one that reaches MAX_FAILURES sets the lock and starts the count again. True when it locked.
 */
async function countFailure(db: Db, userId: number, until: Date, now: Date): Promise<boolean> {
  const [r] = await db.sequelize.query<{ failures: number }>(
    `UPDATE users SET
       locked_until = CASE WHEN failed_sign_ins + 1 >= :max THEN :until ELSE locked_until END,
       failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= :max THEN 0 ELSE failed_sign_ins + 1 END,
       updated_at = :now
     WHERE id = :id RETURNING failed_sign_ins AS failures`,
    { replacements: { max: MAX_FAILURES, until, now, id: userId }, type: QueryTypes.SELECT },
  );
  return Number(r?.failures) === 0;
}

function countPhantomFailure(login: string, until: Date): boolean {
  const p = phantom.get(login) ?? { failures: 0, lockedUntil: null };
  p.failures += 1;
  const nowLocked = p.failures >= MAX_FAILURES;
  if (nowLocked) Object.assign(p, { failures: 0, lockedUntil: until });
  if (!phantom.has(login) && phantom.size >= MAX_PHANTOMS) phantom.clear();
  phantom.set(login, p);
  return nowLocked;
}

/**
 * An admin sets (or replaces) a user's console password: the lock and the count are cleared
 * and the user's sessions end, so a leaked password stops working at once.
 */
export async function setPassword(
  db: Db,
  login: string,
  password: string,
  now: Date,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const problem = passwordProblem(password);
  if (problem) return { ok: false, error: problem };
  const user = await db.models.User.findOne({ where: { login }, attributes: ['id'], raw: true });
  if (!user) return { ok: false, error: `没有用户 ${login} (no user ${login})` };
  const passwordHash = await hashPassword(password);
  await db.models.User.update({ passwordHash, failedSignIns: 0, lockedUntil: null }, { where: { id: user.id } });
  await endSessionsOf(db, user.id);
  await db.models.AuditLog.create({
    userId: null,
    action: 'console.password_set',
    entityType: 'user',
    entityId: String(user.id),
    before: null,
    after: { login },
    at: now,
  });
  return { ok: true };
}
