import type { Transaction } from 'sequelize';
import { type BusinessEvent, type BusinessEventType, eventKey, type Notify } from '../domain/events';
import type { Db } from '../models/db';
import * as approval from './notices/approval';
import * as order from './notices/order';
import * as tasks from './notices/tasks';

type Handler<T extends BusinessEventType> = (c: approval.NoticeCtx, e: Extract<BusinessEvent, { type: T }>) => Promise<void>;

/** One handler per event: the table says, in one place, what each business event tells people. */
const HANDLERS: { [T in BusinessEventType]: Handler<T> } = {
  'approval.pending': approval.approvalPending,
  'approval.reminded': approval.approvalReminded,
  'approval.escalated': approval.approvalReminded,
  'approval.refreshed': approval.approvalRefreshed,
  'approval.decided': approval.approvalDecided,
  'approval.closed': approval.approvalClosed,
  'approval.approver_missing': approval.approverMissing,
  'credit.override_requested': approval.creditOverrideRequested,
  'order.confirmed': order.orderConfirmed,
  'order.rejected': order.orderRejected,
  'order.cancelled': order.orderCancelled,
  'order.completed': order.orderCompleted,
  'shipping_notice.sent': order.shippingNoticeSent,
  'shipping_notice.changed': order.shippingNoticeChanged,
  'shipment.recorded': order.shipmentRecorded,
  'receivable.overdue': order.receivableOverdue,
  'tasks.overdue': tasks.tasksOverdue,
};

/**
 * The notify port of the activities, on the bot's side: each event becomes the messages and
 * cards of its recipients, written to the outbox in the caller's transaction (so they commit
 * with the change, or not at all). Every message's dedupe key starts with the event's key, so
 * an activity that runs twice tells people once.
 */
export function createNotifier(db: Db): Notify {
  return {
    async emit(events, opts = {}) {
      const t = opts.transaction as Transaction | undefined;
      for (const e of Array.isArray(events) ? events : [events]) {
        const handle = HANDLERS[e.type as BusinessEventType] as Handler<BusinessEventType>;
        await handle({ db, t, key: eventKey(e) }, e);
      }
    },
  };
}
