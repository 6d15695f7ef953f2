import type { Card } from '../../cards/card';
import type { Channel, ChannelUser, Outbound } from '../../delivery/channel';
import { DeliveryError } from '../../delivery/delivery-error';
import type { ChannelDirectory } from '../directory';
import type { WeComApi } from './api';
import type { ResponseCodes } from './codes';
import { renderCard, splitText } from './render';

/**
 * WeCom as a delivery channel. A card goes out as a template card whose task_id is the
 * delivery's uuid, and that task_id is what the outbox records as the message id: the response
 * codes that allow updating it are filed under it (codes.ts). An update spends the freshest
 * code; with none left, or when WeCom refuses the code, the card comes as a new message.
 * Replies are plain messages to the sender: WeCom has no threads in an app chat.
 */
export function wecomChannel(
  api: Pick<WeComApi, 'sendText' | 'sendCard' | 'updateCard'>,
  directory: Pick<ChannelDirectory, 'addressOf'>,
  codes: ResponseCodes,
): Channel {
  const sendCard = async (userid: string, card: Card, taskId: string) => {
    const sent = await api.sendCard(userid, renderCard(card, taskId));
    codes.give(taskId, sent.responseCode);
    return { platformMessageId: taskId };
  };
  return {
    name: 'wecom',
    addressOf: (user: ChannelUser) => directory.addressOf(user),
    async send(m: Outbound) {
      const userid = m.externalId;
      if (m.reply.kind === 'text') {
        let first: string | null = null;
        // every part goes (a `??=` would skip the sends after the first)
        for (const part of splitText(m.reply.text)) {
          const sent = await api.sendText(userid, part);
          first = first ?? sent.msgid;
        }
        return { platformMessageId: first };
      }
      const card = m.reply.card;
      if (m.kind !== 'card_update') return sendCard(userid, card, m.uuid);
      let updated = false;
      for (const taskId of m.messageIds) {
        const code = codes.take(taskId);
        if (!code) continue;
        try {
          await api.updateCard(userid, code, renderCard(card, taskId));
          updated = true;
        } catch (e) {
          // a spent or expired code (WeCom's 4xxxx answer) is no reason to fail: a new message follows
          if (e instanceof DeliveryError && e.retryable) throw e;
        }
      }
      if (updated) return { platformMessageId: null };
      return sendCard(userid, card, m.uuid);
    },
  };
}
