import { Op } from 'sequelize';
import type { AppConfig, SendLimit } from '../../config/schema';
import type { Db } from '../../models/db';
import type { Reply } from '../cards/card';
import { outboxEvents } from '../outbox';
import { backoffMs } from './backoff';
import type { Channel, ReplyTarget } from './channel';
import { tellAdminsOfDead } from './dead-letter';
import { fanOut } from './fan-out';
import { appWide, Limiter, type Window } from './limiter';
import { refillLimiter } from './limiter-history';
import { type DueDelivery, deliverOne, type Outcome } from './send';

export interface DispatcherLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface Dispatcher {
  /** look at the outbox now (a push in this process wakes it by itself) */
  wake(): void;
  /** resolves once nothing is due or in flight (tests and benchmarks) */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

const LOAD = 1000;
const NO_LIMITS: SendLimit = {
  perRecipientPerSecond: null,
  perRecipientPerMinute: null,
  perRecipientPerDay: null,
  perChatPerSecond: null,
  perAppPerSecond: null,
  updatesPerAppPerSecond: null,
  updatesPerMessagePerSecond: null,
};

const limitsOf = (config: AppConfig, channel: string): SendLimit =>
  (config.sendLimits as Record<string, SendLimit | undefined>)[channel] ?? NO_LIMITS;

/**
 * Delivers the outbox to the chat platforms. New rows become deliveries (fan-out.ts); pending
 * deliveries are queued in lanes, one per recipient or group chat and kind (messages, card
 * updates), so one person's messages go out in order while many people are served at once
 * (up to `delivery.concurrency` sends in flight). A message waiting out a retry does not hold
 * back the ones behind it: a backoff can last minutes, and an approval card should not wait
 * behind a reminder the platform refused twice. Every send waits for room under the
 * platform's limits and is never dropped; failures are retried with backoff and jitter and,
 * after `delivery.maxAttempts`, dead-lettered and told to the admins. It is woken by pushes in
 * this process and polls for those of others every `delivery.pollMs`.
 */
export function startDispatcher(o: {
  db: Db;
  config: AppConfig;
  channels: readonly Channel[];
  log: DispatcherLog;
  now?: () => number;
  /** how a send waits for room in a limit window, on the clock `now` reads (default: a timer) */
  wait?: (ms: number) => Promise<void>;
  random?: () => number;
}): Dispatcher {
  const { db, config, channels, log } = o;
  const now = o.now ?? Date.now;
  const opts = config.delivery;
  const byName = new Map(channels.map((c) => [c.name, c]));
  const limiter = new Limiter();
  const lanes = new Map<string, DueDelivery[]>();
  const running = new Set<string>();
  const inFlight = new Set<number>();
  let slots = opts.concurrency;
  const waitingForSlot: (() => void)[] = [];
  let stopped = false;
  let cycling: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const idle: (() => void)[] = [];

  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  // a wait for room can last a minute (WeCom) or hours (a daily budget): stop ends it
  const waking = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        waking.delete(done);
        resolve();
      };
      waking.add(done);
      void (o.wait ?? sleep)(ms).then(done);
    });
  // the per-minute and per-day budgets spent before a restart still count (limiter-history.ts)
  const refilled = refillLimiter({
    db,
    limiter,
    limitsOf: (c) => limitsOf(config, c),
    channels: channels.map((c) => c.name),
    marginMs: opts.windowMarginMs,
    now: now(),
  }).catch((e) => log.error(`delivery: refilling the limits: ${(e as Error).message}`));
  const gate = async (windows: Window[]) => {
    for (;;) {
      if (stopped) throw new Error('delivery stopped while waiting for room');
      const wait = limiter.waitMs(windows, now());
      if (wait === 0) break;
      // gate runs inside a send's slot: waiting for room in one person's window must not hold
      // a slot another person's lane, with room, could use (32 slots, 80 people at 5/s each)
      release();
      await pause(wait);
      await acquire();
    }
    const at = now();
    limiter.take(windows, at);
    return at;
  };
  const settle = (windows: Window[], at: number) => limiter.settle(windows, at, now());
  const acquire = async () => {
    while (slots === 0) await new Promise<void>((r) => waitingForSlot.push(r));
    slots--;
  };
  const release = () => {
    slots++;
    waitingForSlot.shift()?.();
  };

  const laneKey = (d: DueDelivery) =>
    `${d.channel}:${d.kind === 'card_update' ? 'u' : 'm'}:${d.replyTo?.chatType === 'group' ? `chat:${d.replyTo.chatId}` : `to:${d.recipientUserId}`}`;

  async function record(d: DueDelivery, out: Outcome): Promise<'done' | 'again'> {
    if (out.kind === 'later') {
      await db.models.Delivery.update({ nextAttemptAt: new Date(now() + out.ms) }, { where: { id: d.id } });
      return 'done';
    }
    if (out.kind !== 'failed') return 'done';
    const e = out.error;
    if (e.rateLimited) {
      // the platform counts differently from us: wait as it says, and try the same one again
      limiter.pause(e.limitScope === 'app' ? appWide(out.windows) : out.windows, now() + (e.retryAfterMs ?? 1000));
      return 'again';
    }
    const attempts = d.attempts + 1;
    const lastError = `${e.code ? `[${e.code}] ` : ''}${e.message}`.slice(0, 1000);
    if (!e.retryable || attempts >= opts.maxAttempts) {
      await db.models.Delivery.update({ state: 'dead', attempts, lastError }, { where: { id: d.id } });
      log.warn(`delivery ${d.id} to ${d.channel} dead after ${attempts} attempt(s): ${lastError}`);
      await tellAdminsOfDead(db, d, lastError).catch((err) => log.error(`telling the admins: ${(err as Error).message}`));
      return 'done';
    }
    const wait = e.retryAfterMs ?? backoffMs(attempts, { baseMs: opts.backoffBaseMs, maxMs: opts.backoffMaxMs }, o.random);
    await db.models.Delivery.update({ attempts, lastError, nextAttemptAt: new Date(now() + wait) }, { where: { id: d.id } });
    return 'done';
  }

  async function runLane(key: string): Promise<void> {
    running.add(key);
    const queue = lanes.get(key) as DueDelivery[];
    try {
      while (queue.length && !stopped) {
        const d = queue[0] as DueDelivery;
        const channel = byName.get(d.channel);
        let verdict: 'done' | 'again' = 'done';
        if (channel) {
          await acquire();
          try {
            const out = await deliverOne(
              { db, channel, limits: limitsOf(config, d.channel), marginMs: opts.windowMarginMs, gate, settle, now },
              d,
            );
            if ((out.kind === 'sent' || out.kind === 'failed') && out.alsoMerged) dropMerged(queue, out.alsoMerged);
            verdict = await record(d, out);
          } catch (e) {
            if (!stopped) {
              log.error(`delivery ${d.id}: ${(e as Error).message}`);
              await sleep(opts.pollMs);
            }
          } finally {
            release();
          }
        }
        if (verdict === 'again') continue;
        queue.shift();
        inFlight.delete(d.id);
      }
    } finally {
      running.delete(key);
      if (queue.length === 0) lanes.delete(key);
      else if (!stopped) void runLane(key);
      checkIdle();
    }
  }

  /** deliveries merged into a digest went out with it: their places in the queue go too */
  function dropMerged(queue: DueDelivery[], ids: number[]): void {
    const gone = new Set(ids);
    for (let i = queue.length - 1; i > 0; i--) if (gone.has((queue[i] as DueDelivery).id)) queue.splice(i, 1);
    for (const id of ids) inFlight.delete(id);
  }

  async function load(): Promise<void> {
    await refilled;
    while ((await fanOut(db, channels, { now: new Date(now()), maxAgeHours: opts.maxAgeHours })) > 0 && !stopped) {}
    if (channels.length === 0) return;
    const rows = await db.models.Delivery.findAll({
      where: {
        state: 'pending',
        nextAttemptAt: { [Op.lte]: new Date(now()) },
        ...(inFlight.size ? { id: { [Op.notIn]: [...inFlight] } } : {}),
      },
      order: [['id', 'ASC']],
      limit: LOAD,
    });
    if (rows.length === 0) return;
    const messages = await db.models.OutboxMessage.findAll({
      where: { id: { [Op.in]: [...new Set(rows.map((r) => r.outboxMessageId))] } },
      attributes: ['id', 'payload', 'replyTo', 'digest', 'dedupeKey'],
    });
    const byId = new Map(messages.map((m) => [m.id, m]));
    for (const r of rows) {
      const m = byId.get(r.outboxMessageId);
      if (!m || inFlight.has(r.id)) continue;
      const d: DueDelivery = {
        id: r.id,
        recipientUserId: r.recipientUserId,
        channel: r.channel,
        externalId: r.externalId,
        kind: r.kind,
        cardId: r.cardId,
        attempts: r.attempts,
        reply: m.payload as unknown as Reply,
        replyTo: (m.replyTo as unknown as ReplyTarget | null) ?? null,
        digest: m.digest,
        dedupeKey: m.dedupeKey,
      };
      inFlight.add(d.id);
      const key = laneKey(d);
      const queue = lanes.get(key) ?? [];
      queue.push(d);
      lanes.set(key, queue);
      if (!running.has(key)) void runLane(key);
    }
  }

  function cycle(): Promise<void> {
    if (cycling) {
      again = true;
      return cycling;
    }
    cycling = (async () => {
      try {
        do {
          again = false;
          await load();
        } while (again && !stopped);
      } catch (e) {
        if (!stopped) log.error(`delivery: ${(e as Error).message}`);
      } finally {
        cycling = null;
        limiter.sweep(now(), 24 * 3_600_000);
        if (!stopped) {
          clearTimeout(timer);
          timer = setTimeout(() => void cycle(), opts.pollMs);
        }
        checkIdle();
      }
    })();
    return cycling;
  }

  function checkIdle(): void {
    if (cycling || running.size || inFlight.size) return;
    for (const r of idle.splice(0)) r();
  }

  // Without a channel to send to, pushes only need marking as handed over: the poll does that
  // in batches, instead of one more write on SQLite's single writer after every push.
  const onPush = () => void cycle();
  if (channels.length) outboxEvents.on('pushed', onPush);
  void cycle();

  return {
    wake: () => void cycle(),
    settled: async () => {
      for (;;) {
        await cycle();
        await new Promise<void>((r) => {
          idle.push(r);
          checkIdle();
        });
        const due = await db.models.Delivery.count({ where: { state: 'pending', nextAttemptAt: { [Op.lte]: new Date(now()) } } });
        const unfanned = await db.models.OutboxMessage.count({ where: { fannedOut: false } });
        if ((due === 0 || channels.length === 0) && unfanned === 0) return;
      }
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      for (const wake of [...waking]) wake();
      outboxEvents.off('pushed', onPush);
      await cycling;
      while (running.size) await sleep(20);
    },
  };
}
