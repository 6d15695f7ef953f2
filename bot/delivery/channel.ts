import type { Reply } from '../cards/card';

/**
 * What a chat platform adapter (bot/channels/<platform>) offers the dispatcher: where a user
 * is on the platform, and one send. Vendor JSON stays behind this: the dispatcher hands over
 * neutral replies and gets back the platform's message id.
 */
export interface ChannelUser {
  id: number;
  login: string;
  name: string;
  email: string | null;
  mobile: string | null;
  employeeNo: string | null;
}

/** the platform message a reply answers */
export interface ReplyTarget {
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
}

export interface Outbound {
  deliveryId: number;
  /** the same for every attempt of one delivery: the platform's idempotency key */
  uuid: string;
  /** card_update: change the card in place in `messageIds` */
  kind: 'text' | 'card' | 'card_update';
  reply: Reply;
  /** the recipient's id on the platform */
  externalId: string;
  replyTo: ReplyTarget | null;
  /** card updates: every message that shows this card to this recipient */
  messageIds: string[];
  /**
   * A send that takes several messages on the platform (a text too long for one) calls this
   * before each one after the first: it waits for room under the limits and takes it.
   */
  pace?: () => Promise<void>;
}

export interface Channel {
  readonly name: string;
  /** The user's id on the platform (a stored binding, or one found by their email or mobile); null when they are not on it. */
  addressOf(user: ChannelUser): Promise<string | null>;
  /** Sends once; throws DeliveryError (bot/delivery/delivery-error.ts) when it did not go through. */
  send(m: Outbound): Promise<{ platformMessageId: string | null }>;
}
