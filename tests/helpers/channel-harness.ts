import type { Server } from 'node:http';
import type Koa from 'koa';
import { baseUrl, createHttpApp, listen } from '../../app/http';
import type { Channel } from '../../bot/delivery/channel';
import { type Dispatcher, startDispatcher } from '../../bot/delivery/dispatcher';
import type { BotDeps } from '../../bot/dispatch';
import { type AppConfig, loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { freshDb, type TestDb } from './db';

export const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) };
export type HarnessLog = typeof quiet;

/** A fresh demo company on SQLite; what it pushed before any platform was there stays in the console. */
export async function demoCompany(): Promise<TestDb> {
  const t = await freshDb('sqlite');
  await seedDemoCompany(t.db);
  await t.db.models.OutboxMessage.update({ fannedOut: true }, { where: {} });
  return t;
}

/** The defaults with one platform's settings, and delivery retrying fast (tests do not wait for minutes). */
export function configFor(over: Partial<AppConfig>, delivery: Partial<AppConfig['delivery']> = {}): AppConfig {
  const base = loadConfig({ env: {}, file: '' });
  return { ...base, ...over, delivery: { ...base.delivery, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200, ...delivery } };
}

export interface ChannelRig {
  delivery: Dispatcher;
  bot: BotDeps;
  /** the callback routes served by a real HTTP server on loopback, when asked: its base URL */
  base: string | null;
  userId(login: string): Promise<number>;
  /** stops the channel, its dispatcher and server, and keeps the database (a restart) */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** a clock a test can move: what the dispatcher's limit windows and a fake's limits read */
export interface TestClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * One started channel in this process: its bot deps, the delivery dispatcher for it, and its
 * callback routes on a real HTTP server when `serve` is set (webhook/HTTP modes; on `port` when
 * given, 0 = any). No Temporal. With `clock`, the bot and the dispatcher run on it.
 */
export async function rig<R extends { channel: Channel; routes: Koa.Middleware | null; stop(): Promise<void> }>(
  t: TestDb,
  config: AppConfig,
  log: HarnessLog,
  start: (bot: BotDeps) => Promise<R>,
  serve: boolean,
  o: { port?: number; clock?: TestClock } = {},
): Promise<ChannelRig & { running: R }> {
  const clock = o.clock;
  const bot: BotDeps = { db: t.db, config, now: () => new Date(clock ? clock.now() : Date.now()), log };
  const running = await start(bot);
  const delivery = startDispatcher({
    db: t.db,
    config,
    channels: [running.channel],
    log,
    ...(clock ? { now: () => clock.now(), wait: (ms: number) => clock.sleep(ms) } : {}),
  });
  let server: Server | null = null;
  if (serve && running.routes) server = await listen(createHttpApp({ db: t.db }, running.routes), o.port ?? 0);
  const stop = async () => {
    await delivery.stop();
    await running.stop();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  };
  return {
    running,
    delivery,
    bot,
    base: server ? baseUrl(server) : null,
    userId: async (login) => (await t.db.models.User.findOne({ where: { login }, attributes: ['id'] }))?.id as number,
    stop,
    close: async () => {
      await stop();
      await t.drop();
    },
  };
}
