import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Card, Reply } from '../../bot/cards/card';

/**
 * The end-to-end tests' way to run the product as a person does: the real run command
 * (`node --import tsx main.ts`, what `npm start` runs) on a data directory of their own, with
 * every port chosen by the system; Debian's Chromium driven by playwright-core; and a small
 * client of the console API (README "Console API") for tests that need no browser.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..');

export function freshDataDir(prefix = 'q2c-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningApp {
  /** http://localhost:PORT */
  base: string;
  dataDir: string;
  pid: number;
  /** everything the process wrote to stdout and stderr so far */
  output(): string;
  /** settles when the process has exited */
  exited: Promise<Exit>;
  /** sends the signal and waits for the exit; SIGKILL after `graceMs` if it is still running */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

/** Everything a child writes to stdout and stderr so far. Always drained: a full pipe would block its logging. */
function drain(proc: ChildProcess): () => string {
  let out = '';
  const onData = (d: Buffer) => {
    out += d;
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  return () => out;
}

/**
 * Starts the app on `dataDir` (SQLite, embedded Temporal, the demo company on first start) and
 * resolves once it logs its ready line. Rejects with its output if it exits or takes too long.
 */
export async function startApp(dataDir: string, opts: { readyTimeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunningApp> {
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: '0',
      TEMPORAL_EMBEDDED_PORT: '0',
      DATABASE_URL: '',
      TEMPORAL_ADDRESS: '',
      CONFIG_FILE: '',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = drain(proc);
  const exited = new Promise<Exit>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const timeoutMs = opts.readyTimeoutMs ?? 90_000;
  const base = await new Promise<string>((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const m = /ready: (http:\/\/\S+)\/healthz/.exec(output());
      if (m) {
        clearInterval(timer);
        resolve(m[1] as string);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        proc.kill('SIGKILL');
        reject(new Error(`app not ready after ${timeoutMs} ms:\n${output()}`));
      }
    }, 50);
    void exited.then((e) => {
      clearInterval(timer);
      reject(new Error(`app exited (code ${e.code}, signal ${e.signal}) before it was ready:\n${output()}`));
    });
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<Exit> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return { base, dataDir, pid: proc.pid as number, output, exited, stop };
}

/** The app against a fake platform that outlives it: started, restarted on the same data, closed with the fake. */
export interface AppWorld {
  app: RunningApp;
  dataDir: string;
  /** the app started again on the same data directory (after a crash or a stop) */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the app on a fresh data directory with `env`, waits for `connected` (the app reached
 * the fake), and on failure closes the fake and removes the directory.
 */
export async function startAppWorld(o: {
  prefix: string;
  /** a data directory made beforehand (a copy of a seeded one); else a fresh one named by `prefix` */
  dataDir?: string;
  env: (dataDir: string) => Record<string, string>;
  connected: (app: RunningApp) => Promise<unknown>;
  closeFake: () => Promise<void>;
}): Promise<AppWorld> {
  const dataDir = o.dataDir ?? freshDataDir(o.prefix);
  const env = o.env(dataDir);
  const world: AppWorld = {
    dataDir,
    app: undefined as unknown as RunningApp,
    async restart() {
      world.app = await startApp(dataDir, { env });
      await o.connected(world.app);
    },
    async close() {
      await world.app?.stop();
      await o.closeFake();
      removeDataDir(dataDir);
    },
  };
  try {
    await world.restart();
  } catch (e) {
    await o.closeFake();
    removeDataDir(dataDir);
    throw e;
  }
  return world;
}

/**
 * `npm run set-password -- <login> --password-stdin` as an admin runs it, against the database
 * `env` names (DATA_DIR or DATABASE_URL); resolves with its output, rejects when it fails.
 */
export async function setPasswordCli(env: Record<string, string>, login: string, password: string): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/set-password.ts', login, '--password-stdin'], {
    cwd: ROOT,
    env: { ...process.env, CONFIG_FILE: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = drain(child);
  child.stdin?.end(`${password}\n`);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`set-password exited with ${code}:\n${output()}`);
  return output();
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: npm test installs it (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * For one describe block: the app on a fresh data directory (with `env`, then `prepare` run on
 * it) and a Chromium, started before its tests and stopped and removed after them.
 */
export function appAndBrowser(opts: { env?: Record<string, string>; prepare?: (app: RunningApp) => Promise<unknown> } = {}) {
  const dataDir = freshDataDir();
  const it = {} as { app: RunningApp; browser: Browser };
  beforeAll(async () => {
    it.app = await startApp(dataDir, opts.env ? { env: opts.env } : {});
    await opts.prepare?.(it.app);
    it.browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await it.browser?.close();
    await it.app?.stop();
    removeDataDir(dataDir);
  });
  return it;
}

/** Types `库存 A100` into the page and checks the stock card that answers (the demo company's 上海仓 row). */
export async function askStockOfA100(page: Page): Promise<void> {
  await page.fill('#text', '库存 A100');
  await page.press('#text', 'Enter');
  const stock = page.locator('section.card[data-card-id="stock:A100"]');
  await stock.waitFor();
  expect(await stock.locator('tbody tr').allInnerTexts()).toEqual(
    expect.arrayContaining([expect.stringMatching(/上海仓\s+5000\s+0\s+5000\s+0/)]),
  );
}

export interface Pushed {
  cursor: number;
  kind: 'text' | 'card' | 'card_update';
  reply: Reply;
  at: string;
}

/** A client of the console API as documented in the README; every request fails loudly on a non-2xx answer. */
export function consoleApi(base: string) {
  async function call<T>(path: string, init?: RequestInit): Promise<T> {
    const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
    const body = await res.text();
    if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path} → ${res.status} ${body}`);
    return JSON.parse(body) as T;
  }
  const post = (path: string, body: unknown) =>
    call<{ replies: Reply[] }>(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then(
      (b) => b.replies,
    );
  const api = {
    say: (userId: string, text: string, messageId?: string) =>
      post('/console/api/messages', { userId, text, ...(messageId ? { messageId } : {}) }),
    click: (userId: string, card: Card, action: string, comment?: string) => {
      const button = card.buttons?.find((b) => b.action === action);
      if (!button) throw new Error(`card ${card.id} has no ${action} button: ${JSON.stringify(card.buttons ?? [])}`);
      return post('/console/api/actions', { userId, cardId: card.id, action, value: button.value, ...(comment ? { comment } : {}) });
    },
    inbox: (userId: string, after = 0, wait = 0) =>
      call<{ messages: Pushed[]; next: number }>(
        `/console/api/inbox?userId=${encodeURIComponent(userId)}&after=${after}&limit=200&wait=${wait}`,
      ),
    /** every push to the user so far */
    async allPushes(userId: string): Promise<Pushed[]> {
      const all: Pushed[] = [];
      let after = 0;
      for (;;) {
        const page = await api.inbox(userId, after);
        all.push(...page.messages);
        if (page.messages.length < 200) return all;
        after = page.next;
      }
    },
    /** long-polls the user's pushes until one matches; fails after `timeoutMs` naming what it waited for */
    async waitForPush(userId: string, what: string, match: (m: Pushed) => boolean, timeoutMs = 20_000): Promise<Pushed> {
      const deadline = Date.now() + timeoutMs;
      let after = 0;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no push to ${userId} of ${what} within ${timeoutMs} ms`);
        const page = await api.inbox(userId, after, Math.max(1, Math.min(5, Math.floor(left / 1000))));
        const hit = page.messages.find(match);
        if (hit) return hit;
        after = page.next;
      }
    },
  };
  return api;
}

export const textOf = (replies: Reply[]) =>
  replies
    .filter((r): r is Extract<Reply, { kind: 'text' }> => r.kind === 'text')
    .map((r) => r.text)
    .join('\n');

export function cardIn(replies: Reply[], idPrefix = ''): Card {
  const r = replies.find((x): x is Extract<Reply, { kind: 'card' }> => x.kind === 'card' && x.card.id.startsWith(idPrefix));
  if (!r) throw new Error(`no card ${idPrefix}… in ${JSON.stringify(replies)}`);
  return r.card;
}
