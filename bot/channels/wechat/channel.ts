import type { Channel, ChannelUser, Outbound } from '../../delivery/channel';
import type { ChannelDirectory } from '../directory';
import type { WeChatAccount } from './account';
import { renderCard, renderUpdate, splitText } from './render';
import type { SendLedger } from './sends';

/**
 * WeChat as a delivery channel. Everything is text: a card is its numbered text form, an
 * update of a card a short follow-up message (WeChat cannot change a sent message), a reply
 * goes to the chat it answers (the room, or the contact). A text too long for one message goes
 * in parts, each paced under the limits. Each part of a delivery goes once
 * (sends.ts); the message id recorded is the puppet's, or the delivery's uuid when the puppet
 * gives none, so a later update of the card knows it was shown here.
 */
export function wechatChannel(
  account: Pick<WeChatAccount, 'sendText'>,
  directory: Pick<ChannelDirectory, 'addressOf'>,
  ledger: Pick<SendLedger, 'once'>,
): Channel {
  return {
    name: 'wechaty',
    addressOf: (user: ChannelUser) => directory.addressOf(user),
    async send(m: Outbound) {
      const to = m.replyTo?.chatId ?? m.externalId;
      const text =
        m.reply.kind === 'text' ? m.reply.text : m.kind === 'card_update' ? renderUpdate(m.reply.card) : renderCard(m.reply.card);
      let first: string | null = null;
      for (const [i, part] of splitText(text).entries()) {
        // each part is a message of its own, under the limits like any other
        if (i > 0) await m.pace?.();
        const id = await ledger.once(`${m.uuid}:${i}`, to, part, () => account.sendText(to, part));
        first = first ?? id;
      }
      return { platformMessageId: first ?? m.uuid };
    },
  };
}
