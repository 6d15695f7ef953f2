import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { type SignalRelay, startSignalRelay } from '../../app/signal-relay';
import { startWorker, type WorkerHandle, workflowBundle } from '../../app/worker';
import { handleAction } from '../../bot/actions';
import type { Card, Reply } from '../../bot/cards/card';
import { type BotDeps, handleText } from '../../bot/dispatch';
import { createFlows, type Flows } from '../../bot/flows';
import { inboxSince } from '../../bot/outbox';
import { type AppConfig, loadConfig } from '../../config';
import type { Db } from '../../models/db';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { startTemporalServer, type TemporalServer } from '../../temporal-server';
import { type DbKind, freshDb } from '../helpers/db';

/**
 * The product's flows for real: a migrated demo company, the embedded Temporal server (its
 * virtual clock unless told otherwise), the product's worker and the bot, driven the way a
 * user drives them — messages and card clicks by login — with each user's inbox readable.
 */
export interface Q2cEnv {
  db: Db;
  config: AppConfig;
  server: TemporalServer;
  flows: Flows;
  client: Client;
  deps: BotDeps;
  say(login: string, text: string): Promise<Reply[]>;
  click(login: string, card: Card, action: string, comment?: string): Promise<Reply[]>;
  /** everything pushed to the user since the last call (cursor kept per user) */
  inbox(login: string): Promise<Reply[]>;
  /** the latest version of a card the user holds (pushed or updated) */
  latestCard(login: string, cardIdPrefix: string): Promise<Card | null>;
  userId(login: string): Promise<number>;
  /** the signal relay (app/signal-relay.ts) as main.ts runs it; a test may stop it and start another */
  relay: {
    stop(): Promise<void>;
    /** starts a relay (stopping a running one); `send` wraps the real send, e.g. to make it fail */
    start(send?: (real: Flows['signal']) => Flows['signal']): SignalRelay;
  };
  /** replays every history on the server with the product's bundle; returns how many replayed */
  replayAll(): Promise<number>;
  stop(): Promise<void>;
}

export async function startQ2c(
  opts: { kind?: DbKind; virtualClock?: false | 'auto' | 'manual'; config?: Record<string, unknown> } = {},
): Promise<Q2cEnv> {
  const t = await freshDb(opts.kind ?? 'sqlite');
  await seedDemoCompany(t.db);
  const dir = mkdtempSync(join(tmpdir(), 'q2c-flow-'));
  const taskQueue = `q2c-test-${Math.random().toString(36).slice(2, 8)}`;
  const config = loadConfig({ env: { CONFIG_FILE: '' }, overrides: { temporal: { taskQueue }, ...(opts.config ?? {}) } });
  const server = await startTemporalServer({
    dbPath: join(dir, 'temporal.sqlite'),
    virtualClock: opts.virtualClock ?? 'manual',
    log: () => {},
  });
  const worker: WorkerHandle = await startWorker({ config, db: t.db, address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const flows = createFlows(client, taskQueue);
  const deps: BotDeps = { db: t.db, config, now: () => new Date(server.now()), flows };
  let relay: SignalRelay | null = startSignalRelay({ db: t.db, send: flows.signal, sweepMs: 200, backoffMs: () => 100 });
  const stopRelay = async () => {
    await relay?.stop();
    relay = null;
  };
  const cursors = new Map<string, number>();
  let seq = 0;
  const userId = async (login: string) => {
    const u = await t.db.models.User.findOne({ where: { login } });
    if (!u) throw new Error(`no user ${login}`);
    return u.id;
  };
  return {
    db: t.db,
    config,
    server,
    flows,
    client,
    deps,
    userId,
    relay: {
      stop: stopRelay,
      start(wrap) {
        void relay?.stop();
        relay = startSignalRelay({ db: t.db, send: wrap ? wrap(flows.signal) : flows.signal, sweepMs: 200, backoffMs: () => 100 });
        return relay;
      },
    },
    say: (login, text) => handleText(deps, { userLogin: login, text, messageId: `m${++seq}-${Date.now()}` }),
    click: (login, card, action, comment) => {
      const b = card.buttons?.find((x) => x.action === action);
      if (!b) throw new Error(`card ${card.id} has no ${action} button: ${JSON.stringify(card.buttons)}`);
      return handleAction(deps, { userLogin: login, cardId: card.id, action, value: b.value, comment, requestId: `c${++seq}` });
    },
    async inbox(login) {
      const id = await userId(login);
      const { messages, next } = await inboxSince(t.db, id, cursors.get(login) ?? 0, 1000);
      cursors.set(login, next);
      return messages.map((m) => m.reply);
    },
    async latestCard(login, prefix) {
      const id = await userId(login);
      const rows = await t.db.models.OutboxMessage.findAll({ where: { recipientUserId: id }, order: [['id', 'DESC']] });
      const hit = rows.find((r) => r.cardId?.startsWith(prefix));
      return hit ? ((hit.payload as unknown as { card: Card }).card ?? null) : null;
    },
    async replayAll() {
      const histories = [];
      for await (const w of client.workflow.list())
        histories.push({ workflowId: w.workflowId, history: await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory() });
      let n = 0;
      for await (const r of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
        if (r.error) throw new Error(`replay of ${r.workflowId} failed: ${r.error.message}`);
        n++;
      }
      return n;
    },
    async stop() {
      await stopRelay();
      await worker.stop();
      await connection.close();
      await server.stop();
      await t.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits (bounded) until `probe` returns something truthy: flows run asynchronously to the bot. */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const cardOf = (replies: Reply[]): Card => {
  const r = replies.find((x) => x.kind === 'card');
  if (r?.kind !== 'card') throw new Error(`no card in ${JSON.stringify(replies)}`);
  return r.card;
};
export const textOf = (replies: Reply[]): string =>
  replies.map((r) => (r.kind === 'text' ? r.text : `[${r.card.title}|${r.card.status?.text ?? ''}]`)).join('\n');
