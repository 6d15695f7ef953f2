import type { Db } from '../../../models/db';
import type { BotDeps } from '../../dispatch';
import { pushTo, replaceCard } from '../../outbox';
import type { ChannelDirectory } from '../directory';
import { ChannelInbound, type InboundLog } from '../inbound';
import type { WeComApi } from './api';
import type { ResponseCodes } from './codes';
import { decodeClick, decodeMessage, parseXml } from './decode';
import { splitText } from './render';

/** WeCom retries a callback with no answer after 5 s: answer before, the rest goes by the outbox */
export const CLICK_ANSWER_MS = 4_000;

/**
 * What arrives from WeCom after webhook.ts verified it: messages and template-card clicks
 * decoded and handed to the platform-neutral inbound. A click's response code is filed first,
 * so the card's update after the decision can spend it; the click's replies go through the
 * outbox (the card updated in place, texts as messages), and WeCom gets an empty 200.
 */
export class WeComInbound {
  private readonly inbound: ChannelInbound;

  constructor(
    private readonly o: {
      db: Db;
      bot: BotDeps;
      api: Pick<WeComApi, 'sendText'>;
      directory: Pick<ChannelDirectory, 'userOf'>;
      codes: ResponseCodes;
      log: InboundLog;
    },
  ) {
    this.inbound = new ChannelInbound({
      channel: 'wecom',
      label: { zh: '企业微信', en: 'WeCom' },
      db: o.db,
      bot: o.bot,
      directory: o.directory,
      log: o.log,
      clickAnswerMs: CLICK_ANSWER_MS,
      replyDirect: async (m, text) => {
        for (const part of splitText(text)) await o.api.sendText(m.senderId, part);
      },
      decode: (payload) => {
        const x = parseXml(String((payload as { xml?: string } | null)?.xml ?? ''));
        return x ? (decodeMessage(x) ?? decodeClick(x)) : null;
      },
    });
  }

  async onXml(x: Record<string, string>, raw: string): Promise<void> {
    const m = decodeMessage(x);
    if (m) return this.inbound.onMessage(m, { xml: raw });
    const click = decodeClick(x);
    if (!click) return;
    await this.o.codes.give(click.taskId, click.operatorId, click.responseCode);
    const outcome = await this.inbound.onClick(click, { xml: raw });
    if (outcome.kind === 'unbound') {
      await this.o.api.sendText(click.operatorId, '您的企业微信账号还没有绑定系统用户，请联系管理员');
      return;
    }
    if (outcome.kind !== 'answered') return;
    const who = await this.o.directory.userOf(click.operatorId);
    if (!who) return;
    await this.o.db.writeTx(async (transaction) => {
      for (const [i, r] of outcome.replies.entries()) {
        const dedupeKey = `wecom.click:${click.eventId}:${i}`;
        if (r.kind === 'card') await replaceCard(this.o.db, [who.id], r.card, { dedupeKey, transaction });
        else await pushTo(this.o.db, [who.id], r, { dedupeKey, onlyChannel: 'wecom', transaction });
      }
    });
  }

  recover(): Promise<number> {
    return this.inbound.recover();
  }
}
