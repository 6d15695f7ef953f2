import type { Bilingual } from './errors';

/**
 * The business events the activities emit through the notify port, addressed to system users
 * by id. They say what happened in the books, never how it looks: bot/notify turns each into
 * a message or card per recipient (bot/cards, one view per concept) and writes it to the
 * outbox in the caller's transaction, so a change and the news of it commit together.
 *
 * `to` is who must be told; for events about a card (an approval, a shipping notice) the
 * people who already hold that card get it updated in place as well.
 */
export type BusinessEvent =
  /** a step's card goes to its approver; the rep is told who it waits for */
  | { type: 'approval.pending'; stepId: number; approverUserId: number; repUserId: number }
  | { type: 'approval.reminded'; stepId: number; to: number[]; hours: number }
  | { type: 'approval.escalated'; stepId: number; to: number[]; hours: number }
  /** a click was refused because the figures changed: the card shows the new ones */
  | { type: 'approval.refreshed'; stepId: number; reason: Bilingual; factsKey: string }
  | { type: 'approval.decided'; stepId: number; repUserId: number }
  | { type: 'approval.closed'; stepId: number; why: Bilingual }
  /** the policy names a role that nobody holds: that level is skipped */
  | { type: 'approval.approver_missing'; quoteId: number; roles: string[]; to: number[] }
  | { type: 'credit.override_requested'; orderId: number; approverName: string; reason: Bilingual; to: number[] }
  | { type: 'order.confirmed'; orderId: number; backorders: { sku: string; qty: number }[]; to: number[] }
  | { type: 'order.rejected'; orderId: number; why: string; to: number[] }
  | { type: 'order.cancelled'; orderId: number; why: string; released: number; to: number[] }
  | { type: 'order.completed'; orderId: number; to: number[] }
  /** the warehouse's 发货通知 (sent once), then updated in place at each change */
  | { type: 'shipping_notice.sent'; orderId: number; to: number[] }
  | { type: 'shipping_notice.changed'; orderId: number; change: string }
  | { type: 'shipment.recorded'; shipmentId: number; to: number[] }
  | { type: 'receivable.overdue'; receivableId: number; daysOverdue: number; rung: number; to: number[] }
  /** one person's overdue tasks (the most overdue of them), for their digest of the day */
  | { type: 'tasks.overdue'; userId: number; day: string; taskIds: number[]; count: number };

export type BusinessEventType = BusinessEvent['type'];

/**
 * The identity of one event: the same event emitted twice (an activity retried) has the same
 * key, and keys of different kinds never collide because the type leads.
 */
export function eventKey(e: BusinessEvent): string {
  switch (e.type) {
    case 'approval.pending':
    case 'approval.reminded':
    case 'approval.escalated':
    case 'approval.decided':
    case 'approval.closed':
      return `${e.type}:step:${e.stepId}`;
    case 'approval.refreshed':
      return `${e.type}:step:${e.stepId}:${e.factsKey}`;
    case 'approval.approver_missing':
      return `${e.type}:quote:${e.quoteId}`;
    case 'credit.override_requested':
    case 'order.confirmed':
    case 'order.rejected':
    case 'order.cancelled':
    case 'order.completed':
    case 'shipping_notice.sent':
      return `${e.type}:order:${e.orderId}`;
    case 'shipping_notice.changed':
      return `${e.type}:order:${e.orderId}:${e.change}`;
    case 'shipment.recorded':
      return `${e.type}:shipment:${e.shipmentId}`;
    case 'receivable.overdue':
      return `${e.type}:receivable:${e.receivableId}:${e.rung}`;
    case 'tasks.overdue':
      return `${e.type}:user:${e.userId}:${e.day}`;
  }
}

/** The port the activities are given; bot/notify implements it. */
export interface Notify {
  /** Writes the news of these events in the given transaction (or alone, atomically, without one). */
  emit(events: BusinessEvent | readonly BusinessEvent[], opts?: { transaction?: unknown }): Promise<void>;
}
