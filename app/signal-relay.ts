import type { Flows } from '../bot/flows';
import type { Db } from '../models/db';
import { dueFlowSignals, flowSignalEvents } from '../models/flow-signal';
import type { Logger } from './logger';

/**
 * Sends the signals queued in flow_signals (models/flow-signal.ts) to their flows. Kicked in
 * this process when a transaction that queued some commits; a periodic sweep picks up rows
 * another process wrote, or ones left when the process died between the commit and the send.
 * A flow that is gone (never started, already ended) counts as told. Any other failure is
 * retried with backoff, so a hiccup of Temporal never turns into an error for the person who
 * typed 回款: the money is recorded and the flows learn it as soon as they can be reached.
 *
 * Two relays (two processes) may send a row twice before one marks it sent: harmless, a
 * flow's signal only makes it re-read the books.
 */
export interface SignalRelay {
  /** sends everything due now; resolves with how many rows were settled (sent or gone) */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

export interface SignalRelayOptions {
  db: Db;
  send: Flows['signal'];
  log?: Logger;
  /** how often rows written elsewhere (or left by a crash) are looked for (ms) */
  sweepMs?: number;
  /** the wait before retry n (1, 2, …) of a failed send (ms) */
  backoffMs?: (attempt: number) => number;
}

const BATCH = 100;
const defaultBackoff = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 5 * 60_000);

export function startSignalRelay(opts: SignalRelayOptions): SignalRelay {
  const { FlowSignal } = opts.db.models;
  const backoff = opts.backoffMs ?? defaultBackoff;
  let stopped = false;
  let running: Promise<number> | null = null;
  let again = false;
  let retryTimer: NodeJS.Timeout | null = null;

  async function sendOne(row: Awaited<ReturnType<typeof dueFlowSignals>>[number]): Promise<boolean> {
    try {
      const outcome = await opts.send(row.workflowId, row.signal, row.paymentId);
      await FlowSignal.update({ sentAt: new Date(), lastError: outcome === 'gone' ? 'flow gone' : null }, { where: { id: row.id } });
      return true;
    } catch (e) {
      const attempts = row.attempts + 1;
      const wait = backoff(attempts);
      const message = (e as Error).message ?? String(e);
      await FlowSignal.update(
        { attempts, nextAttemptAt: new Date(Date.now() + wait), lastError: message.slice(0, 500) },
        { where: { id: row.id } },
      );
      opts.log?.warn(`signal ${row.signal} → ${row.workflowId} failed (attempt ${attempts}, next in ${wait} ms): ${message}`);
      scheduleRetry(wait);
      return false;
    }
  }

  function scheduleRetry(ms: number) {
    if (stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      kick();
    }, ms);
  }

  async function pump(): Promise<number> {
    let settled = 0;
    for (;;) {
      const rows = await dueFlowSignals(opts.db, new Date(), BATCH);
      for (const row of rows) {
        if (stopped) return settled;
        if (await sendOne(row)) settled++;
      }
      if (rows.length < BATCH) return settled;
    }
  }

  /** one pump at a time; a kick during a pump runs one more after it */
  function drain(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await pump();
      } while (again && !stopped);
      return total;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  function kick() {
    if (stopped) return;
    drain().catch((e) => opts.log?.error(`signal relay: ${(e as Error).message}`));
  }

  flowSignalEvents.on('queued', kick);
  const sweep = setInterval(kick, opts.sweepMs ?? 10_000);
  sweep.unref();
  kick();

  return {
    drain,
    async stop() {
      stopped = true;
      flowSignalEvents.off('queued', kick);
      clearInterval(sweep);
      if (retryTimer) clearTimeout(retryTimer);
      await running?.catch(() => 0);
    },
  };
}
