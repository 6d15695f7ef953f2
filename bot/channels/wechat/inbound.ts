import type { Message } from 'wechaty';
import type { Db } from '../../../models/db';
import type { BotDeps } from '../../dispatch';
import type { ChannelDirectory } from '../directory';
import { ChannelInbound, type InboundLog, type InboundMessage } from '../inbound';
import type { WeChatAccount } from './account';
import { asInbound, decodeMessage, fromStored } from './decode';
import { splitText } from './render';
import type { SendLedger } from './sends';

/** a stranger is answered at most this often (personal accounts that answer floods get restricted) */
const STRANGER_ANSWERS = 3;
const STRANGER_WINDOW_MS = 10 * 60_000;

/**
 * What arrives from WeChat: the bot's own messages are echoes that settle a send (sends.ts);
 * everyone else's go to the platform-neutral inbound (bot/channels/inbound.ts), which answers
 * in a room only when the bot is @mentioned, binds a stranger who sends a code, and tells
 * others how to get access: a bind code, or their employee number as their remark.
 */
export class WeChatInbound {
  private readonly inbound: ChannelInbound;
  private readonly strangers = new Map<string, number[]>();

  constructor(
    private readonly o: {
      db: Db;
      bot: BotDeps;
      account: Pick<WeChatAccount, 'sendText' | 'contact'>;
      directory: Pick<ChannelDirectory, 'userOf'>;
      ledger: Pick<SendLedger, 'echo'>;
      log: InboundLog;
    },
  ) {
    this.inbound = new ChannelInbound({
      channel: 'wechaty',
      label: { zh: '微信', en: 'WeChat' },
      db: o.db,
      bot: o.bot,
      directory: o.directory,
      log: o.log,
      howToBind: {
        zh: '请向管理员索取绑定码，然后在这里发送“绑定 123456”；或请管理员在机器人的微信里把您的备注改为您的工号，再给我发消息。',
        en: 'Ask an administrator for a bind code and send "bind 123456" here; or ask them to set your remark in the bot’s WeChat to your employee number, then write again.',
      },
      nameOf: async (m) => (await o.account.contact(m.senderId))?.name ?? null,
      replyDirect: (m, text) => this.answerStranger(m, text),
      decode: fromStored,
    });
  }

  async onMessage(m: Message): Promise<void> {
    if (m.self()) {
      const chat = m.room()?.id ?? m.listener()?.id;
      if (chat) await this.o.ledger.echo(chat, m.text(), m.id);
      return;
    }
    const s = await decodeMessage(m);
    if (s) await this.inbound.onMessage(asInbound(s), s);
  }

  recover(): Promise<number> {
    return this.inbound.recover();
  }

  /** someone who is no user yet: answered directly, not through the outbox, and not too often */
  private async answerStranger(m: InboundMessage, text: string): Promise<void> {
    const now = Date.now();
    const recent = (this.strangers.get(m.senderId) ?? []).filter((at) => now - at < STRANGER_WINDOW_MS);
    if (recent.length >= STRANGER_ANSWERS) return;
    this.strangers.set(m.senderId, [...recent, now]);
    if (this.strangers.size > 1000)
      for (const [who, at] of this.strangers) if (at.every((x) => now - x >= STRANGER_WINDOW_MS)) this.strangers.delete(who);
    for (const part of splitText(text)) await this.o.account.sendText(m.chatId, part);
  }
}
