import { describe, expect, it } from 'vitest';
import { type BusinessEvent, eventKey } from '../../domain/events';

/**
 * Outbox dedupe keys start with the event's key: two different events must never share one
 * (the old keys `ship-notice:<orderId>` and `ship-notice:<shipmentId>` did, so one push
 * silently swallowed the other), and the same event emitted twice must.
 */
describe('event keys', () => {
  const sameIds: BusinessEvent[] = [
    { type: 'shipping_notice.sent', orderId: 7, to: [1] },
    { type: 'shipping_notice.changed', orderId: 7, change: 'shipment:7' },
    { type: 'shipping_notice.changed', orderId: 7, change: 'cancelled' },
    { type: 'shipment.recorded', shipmentId: 7, to: [1] },
    { type: 'order.confirmed', orderId: 7, backorders: [], to: [1] },
    { type: 'order.completed', orderId: 7, to: [1] },
    { type: 'order.cancelled', orderId: 7, why: 'x', released: 0, to: [1] },
    { type: 'order.rejected', orderId: 7, why: 'x', to: [1] },
    { type: 'approval.pending', stepId: 7, approverUserId: 1, repUserId: 2 },
    { type: 'approval.decided', stepId: 7, repUserId: 2 },
    { type: 'approval.reminded', stepId: 7, to: [1], hours: 4 },
    { type: 'approval.escalated', stepId: 7, to: [1], hours: 24 },
    { type: 'approval.closed', stepId: 7, why: { zh: 'x', en: 'x' } },
    { type: 'approval.refreshed', stepId: 7, reason: { zh: 'x', en: 'x' }, factsKey: 'a' },
    { type: 'approval.refreshed', stepId: 7, reason: { zh: 'x', en: 'x' }, factsKey: 'b' },
    { type: 'receivable.overdue', receivableId: 7, daysOverdue: 1, rung: 1, to: [1] },
    { type: 'receivable.overdue', receivableId: 7, daysOverdue: 7, rung: 7, to: [1] },
    { type: 'credit.override_requested', orderId: 7, approverName: 'x', reason: { zh: 'x', en: 'x' }, to: [1] },
    { type: 'approval.approver_missing', quoteId: 7, roles: ['finance'], to: [1] },
  ];

  it('differ for every pair of different events about records with the same id', () => {
    const keys = sameIds.map(eventKey);
    expect(new Set(keys).size).toBe(keys.length);
    for (const [i, k] of keys.entries()) expect(k.startsWith(`${sameIds[i]?.type}:`)).toBe(true);
  });

  it('are the same for the same event emitted again, whoever it is addressed to', () => {
    expect(eventKey({ type: 'shipment.recorded', shipmentId: 3, to: [1] })).toBe(
      eventKey({ type: 'shipment.recorded', shipmentId: 3, to: [2] }),
    );
    expect(eventKey({ type: 'approval.pending', stepId: 3, approverUserId: 1, repUserId: 2 })).toBe('approval.pending:step:3');
  });
});
