import type { Db } from '../../../models/db';
import type { BotDeps } from '../../dispatch';
import { pushTo } from '../../outbox';
import type { ChannelDirectory } from '../directory';
import { ChannelInbound, type InboundLog } from '../inbound';
import type { DingTalkApi } from './api';
import {
  type CardCallbackPayload,
  type DecodedClick,
  decodeClick,
  decodeMessage,
  decodeStored,
  type RobotPayload,
  type Stored,
} from './decode';
import { cardParams } from './render';

/** DingTalk re-pushes an unacknowledged callback; the ack goes within this, the rest by push */
export const CLICK_ANSWER_MS = 2_200;

/** what the card callback is answered with: the card redrawn (also PUT, see onClick) */
export interface CardCallbackAnswer {
  cardData?: { cardParamMap: Record<string, string> };
  cardUpdateOptions?: { updateCardDataByKey: boolean; updatePrivateDataByKey: boolean };
}

/**
 * What arrives from DingTalk, by stream or HTTP callback, after it was verified: decoded
 * (decode.ts) and handed to the platform-neutral inbound (bot/channels/inbound.ts). A click's
 * card is redrawn in place by its out-track id (PUT /v1.0/card/instances: the stream answer's
 * own redraw is unverified against the real gateway, im-platforms.md §2.3), its texts go
 * through the outbox.
 */
export class DingTalkInbound {
  private readonly inbound: ChannelInbound;

  constructor(
    private readonly o: {
      db: Db;
      bot: BotDeps;
      api: Pick<DingTalkApi, 'sendToUser' | 'sendToGroup' | 'updateCard' | 'cardTemplateId'>;
      directory: Pick<ChannelDirectory, 'userOf'>;
      log: InboundLog;
    },
  ) {
    this.inbound = new ChannelInbound({
      channel: 'dingtalk',
      label: { zh: '钉钉', en: 'DingTalk' },
      db: o.db,
      bot: o.bot,
      directory: o.directory,
      log: o.log,
      clickAnswerMs: CLICK_ANSWER_MS,
      replyDirect: async (m, text) => {
        const msg = { msgKey: 'sampleText' as const, content: text };
        if (m.chatType === 'group') await o.api.sendToGroup(m.chatId, msg);
        else await o.api.sendToUser(m.senderId, msg);
      },
      decode: decodeStored,
    });
  }

  /** a robot message; resolves once it is remembered (the answer follows through the outbox) */
  async onMessage(data: RobotPayload): Promise<void> {
    const m = decodeMessage(data);
    if (!m) {
      this.o.log.warn('钉钉 dingtalk: a robot message without msgId, sender or conversation ignored');
      return;
    }
    const stored: Stored = { dingtalk: 'message', data };
    await this.inbound.onMessage(m, stored);
  }

  /** a card callback, known by its stream message id (HTTP: by its signature) */
  async onClick(eventId: string, data: CardCallbackPayload): Promise<CardCallbackAnswer> {
    const a = decodeClick(eventId, data);
    if (!a) {
      this.o.log.warn(`钉钉 dingtalk: card callback ${eventId} not understood`);
      return {};
    }
    if (!(await this.clickable(a))) {
      this.o.log.warn(`钉钉 dingtalk: card callback ${eventId}: ${a.operatorId} clicked ${a.outTrackId}, not a card of ours to them`);
      return {};
    }
    const stored: Stored = { dingtalk: 'click', eventId, data };
    const outcome = await this.inbound.onClick(a, stored);
    if (outcome.kind === 'unbound') {
      await this.o.api
        .sendToUser(a.operatorId, { msgKey: 'sampleText', content: '您的钉钉账号还没有绑定系统用户，请联系管理员' })
        .catch((e) => this.o.log.error(`钉钉 dingtalk: ${(e as Error).message}`));
      return {};
    }
    if (outcome.kind !== 'answered') return {};
    const who = await this.o.directory.userOf(a.operatorId);
    let answer: CardCallbackAnswer = {};
    for (const [i, r] of outcome.replies.entries()) {
      if (r.kind === 'card' && r.card.id === a.cardId && this.o.api.cardTemplateId) {
        const params = cardParams(r.card);
        answer = { cardData: { cardParamMap: params }, cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true } };
        await this.o.api.updateCard(a.outTrackId, params);
      } else if (who) {
        await pushTo(this.o.db, [who.id], r, { dedupeKey: `dingtalk.click:${eventId}:${i}`, onlyChannel: 'dingtalk' });
      }
    }
    return answer;
  }

  /** a click already received, by its event id */
  async known(eventId: string): Promise<boolean> {
    return (await this.o.db.models.ChannelEvent.count({ where: { channel: 'dingtalk', eventId } })) > 0;
  }

  /**
   * The card is one we sent (its out-track id is its delivery's uuid) showing that card id, and,
   * unless it went to a group, to the one who clicked: a click signed for one card and person
   * does not act on another's (the HTTP signature does not cover the body).
   */
  private async clickable(a: DecodedClick): Promise<boolean> {
    const id = /^d-(\d+)$/.exec(a.outTrackId)?.[1];
    const { Delivery, OutboxMessage } = this.o.db.models;
    const d = id ? await Delivery.findByPk(Number(id), { attributes: ['channel', 'externalId', 'cardId', 'outboxMessageId'] }) : null;
    if (d?.channel !== 'dingtalk' || d.cardId !== a.cardId) return false;
    if (d.externalId === a.operatorId) return true;
    const sent = await OutboxMessage.findByPk(d.outboxMessageId, { attributes: ['replyTo'] });
    return (sent?.replyTo as { chatType?: string } | null)?.chatType === 'group';
  }

  recover(): Promise<number> {
    return this.inbound.recover();
  }
}
