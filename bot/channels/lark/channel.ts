import type { Reply } from '../../cards/card';
import type { Channel, ChannelUser, Outbound } from '../../delivery/channel';
import type { ChannelDirectory } from '../directory';
import type { LarkApi } from './api';
import { renderCard, renderText } from './render';

function message(reply: Reply): { msgType: 'text' | 'interactive'; content: Record<string, unknown> } {
  if (reply.kind === 'card') return { msgType: 'interactive', content: renderCard(reply.card) as unknown as Record<string, unknown> };
  return { msgType: 'text', content: renderText(reply.text).content };
}

/**
 * Lark as a delivery channel: a push is a message to the person's open_id, a reply answers the
 * message it belongs to, a card update patches every message that shows the card. Every
 * create and reply carries the delivery's uuid, so a resend after a crash (the platform took
 * it, we did not record it) shows nothing twice in the chat.
 */
export function larkChannel(api: Pick<LarkApi, 'send' | 'reply' | 'patch'>, directory: Pick<ChannelDirectory, 'addressOf'>): Channel {
  return {
    name: 'lark',
    addressOf: (user: ChannelUser) => directory.addressOf(user),
    async send(m: Outbound) {
      const { msgType, content } = message(m.reply);
      if (m.kind === 'card_update') {
        for (const messageId of m.messageIds) await api.patch({ messageId, content });
        return { platformMessageId: null };
      }
      if (m.replyTo) {
        const id = await api.reply({ messageId: m.replyTo.messageId, msgType, content, uuid: m.uuid });
        return { platformMessageId: id };
      }
      const id = await api.send({ receiveIdType: 'open_id', receiveId: m.externalId, msgType, content, uuid: m.uuid });
      return { platformMessageId: id };
    },
  };
}
