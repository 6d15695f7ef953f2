import { EventEmitter } from 'node:events';
import {
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  Model,
  Op,
  type Sequelize,
  type Transaction,
} from 'sequelize';
import { fk, instant, pk, qty, stamps, str, text } from './columns';
import type { Db } from './db';
import { tableOptions } from './options';

/** The signals the books send to flows; the names are the workflows' (workflows/messages.ts). */
export type FlowSignalName = 'paymentApplied' | 'receivablePaid';

/**
 * Signals to flows that must not be lost (issue 11): written in the transaction of the change
 * they announce, so the books and the promise to tell the flow commit together, and sent by
 * the relay (app/signal-relay.ts) after the commit. One row per (flow, signal, payment): a
 * payment retried by its idempotency key queues nothing twice.
 */
export function defineFlowSignal(sequelize: Sequelize) {
  class FlowSignal extends Model<InferAttributes<FlowSignal>, InferCreationAttributes<FlowSignal>> {
    declare id: CreationOptional<number>;
    declare workflowId: string;
    declare signal: FlowSignalName;
    declare paymentId: number;
    /** null while it is still to be sent */
    declare sentAt: Date | null;
    declare attempts: CreationOptional<number>;
    /** after a failed send, not before then (backoff); null: at once. The relay's own clock,
     *  never the business clock, which a test may have moved days ahead */
    declare nextAttemptAt: Date | null;
    declare lastError: string | null;
    declare createdAt: CreationOptional<Date>;
    declare updatedAt: CreationOptional<Date>;
  }
  FlowSignal.init(
    {
      id: pk(),
      workflowId: str(128),
      signal: str(32),
      paymentId: fk('payments', { onDelete: 'CASCADE' }),
      sentAt: instant(true),
      attempts: qty({ defaultValue: 0 }),
      nextAttemptAt: instant(true),
      lastError: text(),
      ...stamps(),
    },
    tableOptions(sequelize, 'flow_signals', [
      { unique: true, fields: ['workflow_id', 'signal', 'payment_id'] },
      { fields: ['sent_at', 'next_attempt_at'] },
    ]),
  );
  return { FlowSignal };
}

/** Tells a relay in this process that signals were queued (after their transaction commits). */
export const flowSignalEvents = new EventEmitter();
flowSignalEvents.setMaxListeners(0);

/** Queues signals in the caller's transaction; a row already queued is kept as it is. */
export async function queueFlowSignals(
  db: Db,
  rows: { workflowId: string; signal: FlowSignalName; paymentId: number }[],
  t: Transaction,
): Promise<void> {
  if (rows.length === 0) return;
  await db.models.FlowSignal.bulkCreate(
    rows.map((r) => ({ ...r, sentAt: null, nextAttemptAt: null, lastError: null })),
    { ignoreDuplicates: true, transaction: t },
  );
  t.afterCommit(() => {
    flowSignalEvents.emit('queued');
  });
}

/** The signals due to be sent, oldest first. */
export function dueFlowSignals(db: Db, now: Date, limit: number) {
  return db.models.FlowSignal.findAll({
    where: { sentAt: null, [Op.or]: [{ nextAttemptAt: null }, { nextAttemptAt: { [Op.lte]: now } }] },
    order: [['id', 'ASC']],
    limit,
  });
}
