import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import { consoleRoutes, endConsoleStreams } from './app/console';
import { consoleNeedsSignIn } from './app/console-auth';
import { baseUrl, createHttpApp, listen } from './app/http';
import { createLogger } from './app/logger';
import { startSignalRelay } from './app/signal-relay';
import { startTemporal } from './app/temporal';
import { startWorker } from './app/worker';
import { startChannels } from './bot/channels';
import { deliveryHealth } from './bot/delivery/backlog';
import { startDispatcher } from './bot/delivery/dispatcher';
import type { BotDeps } from './bot/dispatch';
import { createFlows } from './bot/flows';
import { loadConfigOrExit } from './config';
import { openDb } from './models/db';
import { migrate } from './models/migrations';
import { isEmpty, seedDemoCompany } from './models/seed/demo-company';

/**
 * The composition root of `npm start`: config → database (migrated, demo company on first
 * start) → Temporal (embedded unless TEMPORAL_ADDRESS) → the worker (workflows + activities)
 * → the signal relay → the chat channels (Lark when configured) and the delivery dispatcher
 * → HTTP with the chat console and the channels' webhook routes.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.app.logLevel);
  // What has started, stopped in reverse order. The signal handlers go in first, so Ctrl-C
  // during start-up also stops cleanly instead of killing a half-open database.
  const running: { name: string; stop: () => Promise<void> }[] = [];
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: 正在停止 stopping…`);
    for (const part of running.reverse()) {
      await part.stop().catch((e) => log.error(`stopping ${part.name}: ${(e as Error).message}`));
    }
    log.info('已停止 stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const db = await openDb({ url: config.database.url, dataDir: config.app.dataDir, logSql: config.database.logSql });
  running.push({ name: 'database', stop: () => db.close() });
  log.info(`数据库 database: ${db.dialect} ${db.location}`);
  const ran = await migrate(db);
  if (ran.length) log.info(`迁移 migrations applied: ${ran.join(', ')}`);
  if (await isEmpty(db)) {
    log.info('空数据库：正在创建演示公司 empty database: creating the demo company…');
    await seedDemoCompany(db);
    log.info('演示公司已创建 demo company created');
  }
  const temporal = await startTemporal(config, log);
  running.push({ name: 'temporal', stop: () => temporal.stop() });
  const worker = await startWorker({ config, db, address: temporal.address, log });
  running.push({ name: 'worker', stop: () => worker.stop() });
  log.info(`工作进程 worker: task queue ${config.temporal.taskQueue}`);
  const flows = createFlows(
    new Client({ connection: temporal.connection, namespace: config.temporal.namespace }),
    config.temporal.taskQueue,
  );
  // signals queued with payments, also those a crash left unsent (app/signal-relay.ts)
  const relay = startSignalRelay({ db, send: flows.signal, log });
  running.push({ name: 'signal relay', stop: () => relay.stop() });
  // Off loopback the console asks everyone to sign in (app/console-auth.ts, README "Exposing the console").
  const requireSignIn = consoleNeedsSignIn(config.app);
  const bot: BotDeps = { db, config, now: () => new Date(), flows, log };
  const chatConsole = consoleRoutes(bot, { requireSignIn });
  const channels = await startChannels({ config, db, bot, log });
  for (const [name, ch] of channels) running.push({ name, stop: () => ch.stop() });
  // The console reads the outbox itself; the dispatcher hands every other channel its messages.
  const delivery = startDispatcher({ db, config, channels: [...channels.values()].map((c) => c.channel), log });
  running.push({ name: 'delivery', stop: () => delivery.stop() });
  const httpApp = createHttpApp(
    {
      db,
      temporal,
      worker,
      delivery: async () => ({ ...(await deliveryHealth(db, new Date())) }),
      channels: () => ({ console: { ok: true }, ...Object.fromEntries([...channels].map(([name, ch]) => [name, ch.health()])) }),
    },
    ...[...channels.values()].flatMap((c) => (c.routes ? [c.routes] : [])),
    chatConsole,
  );
  const server: Server = await listen(httpApp, config.app.port, config.app.host);
  running.push({
    name: 'http',
    stop: () =>
      new Promise<void>((r) => {
        endConsoleStreams();
        server.close(() => r());
      }),
  });
  const base = baseUrl(server);
  const signIn = requireSignIn ? '需要登录 sign-in required' : '本机演示，可选用户 loopback demo, user picker';
  if (!stopping) log.info(`已启动 ready: ${base}/healthz — 控制台 console: ${base}/ (${signIn})`);
}

main().catch((e) => {
  process.stderr.write(`启动失败 start failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
