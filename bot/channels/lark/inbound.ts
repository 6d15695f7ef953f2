import type { Db } from '../../../models/db';
import type { BotDeps } from '../../dispatch';
import type { ChannelDirectory } from '../directory';
import { ChannelInbound, type InboundClick, type InboundLog, type InboundMessage } from '../inbound';
import type { LarkApi } from './api';
import {
  type CardActionAnswer,
  cardActionAnswer,
  type DecodedCardAction,
  type DecodedMessage,
  decodeCardAction,
  decodeMessage,
} from './decode';
import { renderText } from './render';

/** Lark re-pushes a click it has no answer to after 3 s: answer well before, finish later */
export const CLICK_ANSWER_MS = 2_200;

const asMessage = (m: DecodedMessage): InboundMessage => ({ ...m, senderId: m.senderOpenId });
const asClick = (a: DecodedCardAction): InboundClick => ({
  eventId: a.eventId,
  operatorId: a.operatorOpenId,
  cardId: a.cardId,
  action: a.action,
  value: a.value,
  ...(a.comment ? { comment: a.comment } : {}),
});

/**
 * What arrives from Lark, by long connection or webhook, after it was verified: the events
 * decoded (decode.ts) and handed to the platform-neutral inbound (bot/channels/inbound.ts);
 * a click's outcome becomes Lark's callback answer, a toast and the card redrawn in place.
 */
export class LarkInbound {
  botOpenId = '';
  private readonly inbound: ChannelInbound;

  constructor(o: { db: Db; bot: BotDeps; api: Pick<LarkApi, 'reply'>; directory: Pick<ChannelDirectory, 'userOf'>; log: InboundLog }) {
    this.inbound = new ChannelInbound({
      channel: 'lark',
      label: { zh: '飞书', en: 'Lark' },
      db: o.db,
      bot: o.bot,
      directory: o.directory,
      log: o.log,
      clickAnswerMs: CLICK_ANSWER_MS,
      replyDirect: async (m, text) => {
        await o.api.reply({
          messageId: m.messageId,
          msgType: 'text',
          content: renderText(text).content,
          uuid: `refuse-${m.eventId}`.slice(0, 50),
        });
      },
      decode: (payload) => {
        const m = this.message(payload);
        if (m) return m;
        const a = decodeCardAction(payload);
        return 'ignored' in a ? null : asClick(a);
      },
    });
  }

  /** an `im.message.receive_v1`; resolves once it is remembered (the work goes on behind) */
  async onMessage(data: unknown): Promise<void> {
    const m = this.message(data);
    if (m) await this.inbound.onMessage(m, data);
  }

  /** a `card.action.trigger`: the answer Lark shows the clicker (toast, card redrawn in place) */
  async onCardAction(data: unknown): Promise<CardActionAnswer | Record<string, never>> {
    const a = decodeCardAction(data);
    if ('ignored' in a) return { toast: { type: 'error', content: '无法识别的操作 Unknown action' } };
    const outcome = await this.inbound.onClick(asClick(a), data);
    switch (outcome.kind) {
      case 'again':
        return {};
      case 'unbound':
        return { toast: { type: 'error', content: '您的飞书账号还没有绑定系统用户，请联系管理员' } };
      case 'working':
        return { toast: { type: 'info', content: '已收到，正在处理 Received, working on it' } };
      case 'answered':
        return cardActionAnswer(outcome.replies, 'zh', outcome.replies.some((r) => r.kind === 'card') ? 'success' : 'info');
    }
  }

  recover(): Promise<number> {
    return this.inbound.recover();
  }

  private message(data: unknown): InboundMessage | null {
    const decoded = decodeMessage(data, this.botOpenId);
    if ('unreadable' in decoded) return asMessage(decoded.unreadable);
    return 'ignored' in decoded ? null : asMessage(decoded);
  }
}
