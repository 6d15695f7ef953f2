import { createHash } from 'node:crypto';

const MAX_ID = 40;

/**
 * An idempotency key for a document made from a request: its kind, the record it belongs to
 * (an order, a customer, a user) and the platform's request id. Scoped, so the same message
 * id from two platforms or for two orders never finds the other's document; capped, so keys
 * derived from it (a shipment's stock moves add a suffix) fit their 128-character columns. An
 * id too long to keep is replaced by its hash, which still tells two ids apart.
 */
export function scopedKey(kind: string, scope: string | number, requestId: string): string {
  const id =
    requestId.length > MAX_ID
      ? `h${createHash('sha256')
          .update(requestId)
          .digest('hex')
          .slice(0, MAX_ID - 1)}`
      : requestId;
  return `${kind}:${scope}:${id}`;
}
