import type { Card } from '../../cards/card';
import type { Channel, ChannelUser, Outbound } from '../../delivery/channel';
import { DeliveryError } from '../../delivery/delivery-error';
import type { ChannelDirectory } from '../directory';
import { TASK_ID_USED, type WeComApi } from './api';
import type { ResponseCodes } from './codes';
import { renderCard, splitText } from './render';
import type { SendRecords } from './sends';

/**
 * WeCom as a delivery channel. A card goes out as a template card with a task_id of its own
 * delivery (sends.ts), and that task_id is what the outbox records as the message id: the
 * response codes that allow updating it are filed under it (codes.ts). An update spends the
 * freshest code; with none left, or when WeCom refuses the code, the card comes as a new
 * message. Replies are plain messages to the sender: WeCom has no threads in an app chat.
 *
 * A delivery tried again (its answer lost to a crash or a timeout) makes the same requests:
 * the same task_id, which WeCom refuses when it has the card already, the same text with the
 * same duplicate check, which WeCom does not show twice, the same response code, which WeCom
 * refuses when the earlier try spent it. Each of those refusals means "done before".
 */
export function wecomChannel(
  api: Pick<WeComApi, 'sendText' | 'sendCard' | 'updateCard'>,
  directory: Pick<ChannelDirectory, 'addressOf'>,
  state: { codes: ResponseCodes; sends: SendRecords },
): Channel {
  const { codes, sends } = state;
  const sendCard = async (userid: string, card: Card, uuid: string) => {
    const { taskId, again } = await sends.card(uuid, userid);
    try {
      const sent = await api.sendCard(userid, renderCard(card, taskId));
      await codes.give(taskId, userid, sent.responseCode);
    } catch (e) {
      // the card is there; the code its send gave is lost with the answer, the next click brings one
      if (!(again && e instanceof DeliveryError && TASK_ID_USED.has(e.code ?? ''))) throw e;
    }
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
        for (const [i, part] of splitText(m.reply.text).entries()) {
          const { intervalS } = await sends.text(`${m.uuid}#${i}`, userid, part);
          const sent = await api.sendText(userid, part, { duplicateCheckS: intervalS });
          first = first ?? sent.msgid;
        }
        return { platformMessageId: first };
      }
      const card = m.reply.card;
      if (m.kind !== 'card_update') return sendCard(userid, card, m.uuid);
      let updated = false;
      for (const taskId of m.messageIds) {
        const took = await codes.take(taskId, m.uuid);
        if (!took) continue;
        try {
          await api.updateCard(userid, took.code, renderCard(card, taskId));
          updated = true;
        } catch (e) {
          if (e instanceof DeliveryError && e.retryable) throw e;
          // a code this update took on an earlier try was spent by that try; any other refused
          // code (spent or expired: WeCom's 4xxxx answer) is no reason to fail: a new message follows
          if (took.again) updated = true;
          else await codes.refused(took.code);
        }
      }
      if (updated) return { platformMessageId: null };
      return sendCard(userid, card, m.uuid);
    },
  };
}
