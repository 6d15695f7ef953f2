import { request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { consoleRoutes } from '../../app/console';
import { consoleNeedsSignIn, isLoopback } from '../../app/console-auth';
import { sessionUser } from '../../app/console-session';
import { LOCK_MINUTES, MAX_FAILURES, setPassword, signIn as signInDirect } from '../../app/console-sign-in';
import { baseUrl, createHttpApp, listen } from '../../app/http';
import { hashPassword, verifyPassword } from '../../app/passwords';
import { handleText } from '../../bot/dispatch';
import { loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { setPasswordCli } from '../e2e/app';
import { dbKinds, freshDb, type TestDb } from '../helpers/db';

// The real message handler, watched: which login the console hands it.
vi.mock('../../bot/dispatch', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../bot/dispatch')>();
  return { ...real, handleText: vi.fn(real.handleText) };
});

const T0 = new Date('2026-11-23T04:00:00Z');
const PASSWORD = 'correct horse 42';

describe('binding', () => {
  it('listen() binds 127.0.0.1 unless told otherwise, and HOST defaults to it', async () => {
    const server = await listen(createHttpApp({ db: null as never }), 0);
    try {
      expect(server.address()).toMatchObject({ address: '127.0.0.1', family: 'IPv4' });
      expect(baseUrl(server)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(loadConfig({ env: { CONFIG_FILE: '' } }).app.host).toBe('127.0.0.1');
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['localhost', true],
    ['LocalHost', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['128.0.0.1', false],
    ['localhost.example.com', false],
    ['', false],
  ])('isLoopback(%j) is %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });

  it.each([
    [{ host: '127.0.0.1', consoleSignIn: 'auto' as const }, false],
    [{ host: 'localhost', consoleSignIn: 'auto' as const }, false],
    [{ host: '0.0.0.0', consoleSignIn: 'auto' as const }, true],
    [{ host: '::', consoleSignIn: 'auto' as const }, true],
    [{ host: '10.1.2.3', consoleSignIn: 'auto' as const }, true],
    [{ host: '127.0.0.1', consoleSignIn: 'always' as const }, true],
  ])('%j requires sign-in: %s', (app, expected) => {
    expect(consoleNeedsSignIn(app)).toBe(expected);
  });
});

describe('scrypt password hashes', () => {
  it('round-trips, salts every hash and stores its parameters', async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword(PASSWORD, b)).toBe(true);
    expect(await verifyPassword(`${PASSWORD} `, a)).toBe(false);
    expect(await verifyPassword(PASSWORD, null)).toBe(false);
    expect(await verifyPassword(PASSWORD, 'scrypt$3$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toBe(false);
    expect(await verifyPassword(PASSWORD, a.replace(/\$[\w-]+$/, '$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'))).toBe(false);
  });
});

const kinds = await dbKinds();

describe.each(kinds)('sign-in records on %s', (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(kind);
    await seedDemoCompany(t.db);
    await setPassword(t.db, 'lina', PASSWORD, T0);
  });
  afterAll(async () => t?.drop());

  it('counts failures in the user row, locks at the limit, and a session outlives neither its expiry nor a new password', async () => {
    let now = T0;
    const deps = { db: t.db, now: () => now };
    const attempt = (password: string) => signInDirect(deps, 'lina', password, { ip: '127.0.0.1' });
    for (let i = 1; i < MAX_FAILURES; i++) {
      expect(await attempt('nope')).toMatchObject({ ok: false, status: 401 });
      expect((await t.db.models.User.findOne({ where: { login: 'lina' }, raw: true }))?.failedSignIns).toBe(i);
    }
    expect(await attempt('nope')).toMatchObject({ ok: false, status: 429, retryAfterS: LOCK_MINUTES * 60 });
    const locked = (await t.db.models.User.findOne({ where: { login: 'lina' }, raw: true }))!;
    expect(locked.failedSignIns).toBe(0);
    expect(new Date(locked.lockedUntil!).getTime()).toBe(T0.getTime() + LOCK_MINUTES * 60_000);
    expect(await attempt(PASSWORD)).toMatchObject({ ok: false, status: 429 });

    now = new Date(T0.getTime() + LOCK_MINUTES * 60_000);
    const ok = await attempt(PASSWORD);
    if (!ok.ok) throw new Error(ok.error);
    expect(await sessionUser(t.db, ok.token, now)).toMatchObject({ login: 'lina' });
    expect(await sessionUser(t.db, ok.token, ok.expiresAt)).toBeNull();
    await setPassword(t.db, 'lina', PASSWORD, now);
    expect(await sessionUser(t.db, ok.token, now)).toBeNull();
  });
});

describe('console exposed (sign-in required; bound to loopback, as every test is)', () => {
  let t: TestDb;
  let server: Server;
  let base: string;
  let clock = T0;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
    const deps = { db: t.db, config: loadConfig({ env: { CONFIG_FILE: '' } }), now: () => clock };
    server = await listen(createHttpApp({ db: t.db }, consoleRoutes(deps, { requireSignIn: true })), 0);
    base = baseUrl(server);
    for (const login of ['lina', 'wangfang', 'liuyang']) expect(await setPassword(t.db, login, PASSWORD, T0)).toEqual({ ok: true });
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.drop();
  });
  beforeEach(() => {
    vi.mocked(handleText).mockClear();
  });

  const post = (path: string, body: unknown, cookie?: string, type = 'application/json') =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': type, ...(cookie ? { Cookie: cookie } : {}) },
      body: JSON.stringify(body),
    });
  const get = (path: string, cookie?: string) => fetch(`${base}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
  const signIn = (login: string, password: string) => post('/console/api/login', { login, password });
  /** Signs in and returns the cookie to send back. */
  async function session(login: string): Promise<string> {
    const res = await signIn(login, PASSWORD);
    expect(res.status).toBe(200);
    return (res.headers.getSetCookie()[0] as string).split(';')[0] as string;
  }
  const audits = (action: string, entityId: string) => t.db.models.AuditLog.count({ where: { action, entityId } });
  const userId = async (login: string) => String((await t.db.models.User.findOne({ where: { login } }))!.id);

  it('serves the page (it holds no data) but answers every API request 401 without a session', async () => {
    expect((await get('/')).status).toBe(200);
    const refused = [
      await get('/console/api/me'),
      await get('/console/api/users'),
      await get('/console/api/inbox?userId=zhangwei'),
      await get('/console/api/stream?userId=zhangwei'),
      await post('/console/api/messages', { userId: 'zhangwei', text: '库存 A100' }),
      await post('/console/api/actions', { userId: 'zhangwei', cardId: 'test:1', action: 'test.noop', value: {} }),
    ];
    for (const res of refused) {
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ field: 'session' });
    }
    expect(handleText).not.toHaveBeenCalled();
  });

  it('signs in with the right password: an httpOnly SameSite=Strict cookie, the token never in the body', async () => {
    const res = await signIn('lina', PASSWORD);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: { userId: string; roleName: string } };
    expect(body.user).toMatchObject({ userId: 'lina' });
    const [cookie] = res.headers.getSetCookie();
    expect(cookie).toMatch(/^q2c_session=[\w-]{43};/);
    expect(cookie).toMatch(/;\s*httponly/i);
    expect(cookie).toMatch(/;\s*samesite=strict/i);
    expect(cookie).toMatch(/;\s*path=\//i);
    expect(cookie).not.toMatch(/;\s*secure/i); // plain http on loopback
    expect(JSON.stringify(body)).not.toContain(cookie!.split(';')[0]!.split('=')[1]);
    // only a digest is stored
    const rows = await t.db.models.ConsoleSession.findAll({ raw: true });
    expect(rows.map((r) => r.tokenHash)).not.toContain(cookie!.split(';')[0]!.split('=')[1]);
    expect(await audits('console.sign_in', await userId('lina'))).toBeGreaterThan(0);
  });

  it('takes identity from the session: a body or query userId naming someone else is refused with 403, never believed', async () => {
    const cookie = await session('lina');
    expect(await (await get('/console/api/me', cookie)).json()).toMatchObject({ mode: 'session', user: { userId: 'lina' } });
    expect(await (await get('/console/api/users', cookie)).json()).toEqual([expect.objectContaining({ userId: 'lina' })]);

    const ok = await post('/console/api/messages', { text: '库存 A100' }, cookie);
    expect(ok.status).toBe(200);
    expect(vi.mocked(handleText).mock.lastCall?.[1]).toMatchObject({ userLogin: 'lina', text: '库存 A100' });

    const asOther = await post('/console/api/messages', { userId: 'zhangwei', text: '库存 A100' }, cookie);
    expect(asOther.status).toBe(403);
    expect(await asOther.json()).toMatchObject({ field: 'userId' });
    const click = await post('/console/api/actions', { userId: 'admin', cardId: 'test:1', action: 'test.noop', value: {} }, cookie);
    expect(click.status).toBe(403);
    expect(handleText).toHaveBeenCalledTimes(1);

    expect((await post('/console/api/messages', { userId: 'lina', text: '库存 A100' }, cookie)).status).toBe(200);
    expect(vi.mocked(handleText).mock.lastCall?.[1]).toMatchObject({ userLogin: 'lina' });

    expect((await get('/console/api/inbox?userId=zhangwei', cookie)).status).toBe(403);
    const inbox = await get('/console/api/inbox', cookie);
    expect(inbox.status).toBe(200);
    expect(await inbox.json()).toMatchObject({ messages: expect.any(Array) });
  });

  it('refuses a POST that is not application/json even with a valid cookie (with SameSite=Strict, the CSRF defence)', async () => {
    const cookie = await session('lina');
    const res = await post('/console/api/messages', { text: '库存 A100' }, cookie, 'text/plain');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'body' });
    expect((await post('/console/api/logout', {}, cookie, 'text/plain')).status).toBe(400);
    expect((await get('/console/api/me', cookie)).status).toBe(200);
    expect(handleText).not.toHaveBeenCalled();
  });

  it('refuses a wrong password, an unknown login and a login without a password alike', async () => {
    const answers = [await signIn('lina', 'wrong password'), await signIn('nobody-here', PASSWORD), await signIn('zhangwei', PASSWORD)];
    const bodies = await Promise.all(answers.map((r) => r.json()));
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(bodies[0]).toEqual({ error: expect.stringContaining('登录名或密码错误'), field: 'password' });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    for (const r of answers) expect(r.headers.getSetCookie()).toEqual([]);
    expect(await audits('console.sign_in_failed', await userId('lina'))).toBe(1);
    expect(await audits('console.sign_in_failed', 'nobody-here')).toBe(1);
    // and the right password still works: one failure does not lock
    expect((await signIn('lina', PASSWORD)).status).toBe(200);
  });

  it(`locks a login for ${LOCK_MINUTES} min after ${MAX_FAILURES} failures, even for the right password; an unknown login alike`, async () => {
    for (const login of ['wangfang', 'ghost']) {
      const statuses: number[] = [];
      for (let i = 0; i < MAX_FAILURES; i++) statuses.push((await signIn(login, `guess ${i}`)).status);
      expect(statuses, login).toEqual([401, 401, 401, 401, 429]);
      const locked = await signIn(login, PASSWORD);
      expect(locked.status).toBe(429);
      expect(locked.headers.get('Retry-After')).toBe(String(LOCK_MINUTES * 60));
      expect(await locked.json()).toMatchObject({ error: expect.stringContaining(`请 ${LOCK_MINUTES} 分钟后再试`), field: 'login' });
    }
    const wangfang = await userId('wangfang');
    expect(await audits('console.locked_out', wangfang)).toBe(1);
    expect(await audits('console.locked_out', 'ghost')).toBe(1);
    expect(await audits('console.sign_in_failed', wangfang)).toBe(MAX_FAILURES + 1);
    expect(await audits('console.sign_in', wangfang)).toBe(0);
    // other logins are not affected
    expect((await signIn('liuyang', PASSWORD)).status).toBe(200);

    clock = new Date(T0.getTime() + (LOCK_MINUTES * 60 - 1) * 1000);
    expect((await signIn('wangfang', PASSWORD)).status).toBe(429);
    clock = new Date(T0.getTime() + LOCK_MINUTES * 60_000);
    expect((await signIn('wangfang', PASSWORD)).status).toBe(200);
    clock = T0;
  });

  it('a burst of parallel guesses is counted one by one: the lock holds before the burst is through', async () => {
    await setPassword(t.db, 'liuyang', PASSWORD, T0);
    const burst = await Promise.all(Array.from({ length: MAX_FAILURES + 3 }, (_, i) => signIn('liuyang', `guess ${i}`)));
    expect(burst.map((r) => r.status)).toEqual([401, 401, 401, 401, 429, 429, 429, 429]);
    await setPassword(t.db, 'liuyang', PASSWORD, T0); // an admin's new password also lifts the lock
    expect((await signIn('liuyang', PASSWORD)).status).toBe(200);
  });

  it('signing out ends the session; so do its expiry and a new password', async () => {
    const cookie = await session('lina');
    const out = await post('/console/api/logout', {}, cookie);
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie()[0]).toMatch(/^q2c_session=;.*expires=Thu, 01 Jan 1970/i);
    expect((await get('/console/api/me', cookie)).status).toBe(401);
    expect(await audits('console.sign_out', await userId('lina'))).toBe(1);

    const old = await session('lina');
    clock = new Date(T0.getTime() + 12 * 3600_000);
    expect((await get('/console/api/me', old)).status).toBe(401);
    clock = T0;

    const before = await session('lina');
    await setPassword(t.db, 'lina', PASSWORD, T0);
    expect((await get('/console/api/me', before)).status).toBe(401);
  });

  it('npm run set-password reads the password from stdin, and that password signs in', async () => {
    const login = 'chenjing';
    expect((await signIn(login, 'from the cli 1')).status).toBe(401);
    const out = await setPasswordCli({ DATABASE_URL: `sqlite:${t.db.location}` }, login, 'from the cli 1');
    expect(out).toContain(`console password set for ${login}`);
    const stored = (await t.db.models.User.findOne({ where: { login }, raw: true }))!.passwordHash;
    expect(stored).toMatch(/^scrypt\$/);
    expect(stored).not.toContain('from the cli');
    expect((await signIn(login, 'from the cli 1')).status).toBe(200);
  }, 30_000);
});

describe('console on loopback (the demo): the picker only for loopback requests with a loopback Host', () => {
  let t: TestDb;
  let server: Server;
  beforeAll(async () => {
    t = await freshDb('sqlite');
    await seedDemoCompany(t.db);
    const deps = { db: t.db, config: loadConfig({ env: { CONFIG_FILE: '' } }), now: () => T0 };
    server = await listen(createHttpApp({ db: t.db }, consoleRoutes(deps)), 0);
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.drop();
  });

  /** node:http, so that Host and forwarding headers can be set as a proxy or a rebound DNS name would. */
  function me(headers: Record<string, string>): Promise<number> {
    const { port } = server.address() as { port: number };
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/console/api/me', headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('believes the picker for a plain loopback request', async () => {
    const { port } = server.address() as { port: number };
    expect(await me({ Host: `127.0.0.1:${port}` })).toBe(200);
    expect(await me({ Host: `localhost:${port}` })).toBe(200);
    const res = await fetch(`${baseUrl(server)}/console/api/me`);
    expect(await res.json()).toEqual({ mode: 'demo', user: null });
  });

  it.each([
    [{ Host: 'q2c.example.com' }],
    [{ Host: '127.0.0.1', 'X-Forwarded-For': '203.0.113.9' }],
    [{ Host: '127.0.0.1', Forwarded: 'for=203.0.113.9' }],
    [{ Host: '127.0.0.1', 'X-Real-IP': '203.0.113.9' }],
  ])('asks for sign-in when the request carries %j (a rebound DNS name, a proxy)', async (headers) => {
    expect(await me(headers)).toBe(401);
  });
});
