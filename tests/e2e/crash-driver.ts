import type { Card } from '../../bot/cards/card';
import { consoleApi, type Pushed, type RunningApp, startApp } from './app';

/**
 * The app as the crash test sees it: one process at a time on one data directory, killed with
 * SIGKILL and started again on new ports, and clients that behave like a chat platform — a
 * request that failed because the app was down is sent again, unchanged (the same message id),
 * to whichever process is up now. Pushes are read by one long poll per user, resumed from
 * its cursor after each restart (cursors are rows of the database, they survive the crash).
 */
type Api = ReturnType<typeof consoleApi>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The connection died or timed out: what a client sees when the process is gone. */
const unreachable = (e: unknown) =>
  /fetch failed|ECONNREFUSED|ECONNRESET|socket|other side closed|aborted|timeout/i.test(
    `${(e as Error).message} ${(e as { cause?: Error }).cause?.message ?? ''} ${(e as Error).name}`,
  );

export class CrashingApp {
  /** requests sent again after a crash, and 5xx answers from a process that stayed up */
  readonly resent = { afterCrash: 0, serverErrors: [] as string[] };
  readonly restartMs: number[] = [];
  private generation = 0;
  private up: Promise<void> = Promise.resolve();
  private stopped = false;

  private constructor(
    private app: RunningApp,
    private api: Api,
    private readonly env: Record<string, string>,
  ) {}

  static async start(dataDir: string, env: Record<string, string> = {}): Promise<CrashingApp> {
    const app = await startApp(dataDir, { env });
    return new CrashingApp(app, consoleApi(app.base), env);
  }

  get current(): RunningApp {
    return this.app;
  }

  /** SIGKILL, then the same data directory started again; requests wait meanwhile and are sent again */
  async crash(): Promise<void> {
    let release = () => {};
    this.up = new Promise<void>((r) => {
      release = r;
    });
    const exit = await this.app.stop('SIGKILL');
    if (exit.signal !== 'SIGKILL') throw new Error(`the app exited by itself before the kill: ${JSON.stringify(exit)}`);
    this.generation++;
    const started = Date.now();
    this.app = await startApp(this.app.dataDir, { env: this.env });
    this.restartMs.push(Date.now() - started);
    this.api = consoleApi(this.app.base);
    release();
  }

  /** Runs the request until a process answers it; sent again unchanged after each crash. */
  async request<T>(fn: (api: Api) => Promise<T>): Promise<T> {
    for (;;) {
      await this.up;
      const generation = this.generation;
      try {
        return await fn(this.api);
      } catch (e) {
        if (this.stopped) throw e;
        if (generation !== this.generation || unreachable(e)) {
          this.resent.afterCrash++;
          await sleep(generation !== this.generation ? 0 : 200);
          continue;
        }
        if (/→ 5\d\d/.test((e as Error).message)) {
          this.resent.serverErrors.push((e as Error).message.slice(0, 300));
          await sleep(500);
          continue;
        }
        throw e;
      }
    }
  }

  /** Every push to each of these users, gathered by one long poll per user for as long as the test runs. */
  watchInboxes(logins: readonly string[]): Inboxes {
    const pushes = new Map<string, Pushed[]>(logins.map((l) => [l, []]));
    const waiters = new Set<() => void>();
    const poll = async (login: string) => {
      let after = 0;
      while (!this.stopped) {
        const page = await this.request((api) => api.inbox(login, after, 5)).catch(() => null);
        if (!page) continue;
        (pushes.get(login) as Pushed[]).push(...page.messages);
        after = page.next;
        if (page.messages.length) for (const w of waiters) w();
      }
    };
    const loops = logins.map(poll);
    return {
      of: (login) => pushes.get(login) ?? [],
      async waitFor(login, what, match, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const hit = (pushes.get(login) ?? []).find(match);
          if (hit) return hit;
          const left = deadline - Date.now();
          if (left <= 0) return null;
          await new Promise<void>((r) => {
            const wake = () => {
              waiters.delete(wake);
              clearTimeout(timer);
              r();
            };
            const timer = setTimeout(wake, Math.min(left, 1000));
            waiters.add(wake);
          });
          if (!pushes.has(login)) throw new Error(`${login}'s inbox is not watched (${what})`);
        }
      },
      stop: async () => {
        this.stopped = true;
        await Promise.allSettled(loops);
      },
    };
  }
}

export interface Inboxes {
  of(login: string): Pushed[];
  /** the first push to the user that matches, waiting for it up to timeoutMs; null when none came */
  waitFor(login: string, what: string, match: (m: Pushed) => boolean, timeoutMs: number): Promise<Pushed | null>;
  stop(): Promise<void>;
}

export const cardOf = (m: Pushed): Card | null => (m.reply.kind === 'card' ? m.reply.card : null);
export const fieldOf = (card: Card, label: string): string => card.fields?.find((f) => f.label === label)?.value ?? '';
