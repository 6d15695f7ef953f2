import type { Transaction } from 'sequelize';
import type { Db } from '../../models/db';
import { type Locale, t } from '../cards/card';
import { parseCommand } from '../commands/grammar';
import { pushTo } from '../outbox';
import { redeemBindCode, WrongCodes } from './bind-code';
import type { InboundLog, InboundMessage } from './inbound';

/** What the code binding needs of the channel's inbound. */
export interface CodeBindingOptions {
  channel: string;
  label: { zh: string; en: string };
  db: Db;
  log: InboundLog;
  replyDirect(m: InboundMessage, text: string): Promise<void>;
  nameOf?(m: InboundMessage): Promise<string | null>;
  /** marks the message handled (in the transaction, when given) */
  done(eventId: string, transaction?: Transaction): Promise<void>;
}

/**
 * A code sent by someone no channel knows yet (bot/channels/bind-code.ts), answered on the
 * channel it came from: bound and welcomed through the outbox, the admin who issued it told;
 * or told why not, with wrong codes counted per account.
 */
export class CodeBinding {
  private readonly wrongCodes = new WrongCodes();

  constructor(private readonly o: CodeBindingOptions) {}

  /**
   * `绑定 123456` from someone not yet bound: the code an admin issued binds this account
   * (bot/channels/bind-code.ts). True when the message was a code, answered here.
   */
  async answer(m: InboundMessage, locale: Locale): Promise<boolean> {
    const parsed = m.chatType === 'p2p' && m.text ? parseCommand(m.text) : null;
    if (parsed?.ok !== true || parsed.command.kind !== 'bind') return false;
    const channel = this.o.channel;
    const answer = async (zh: string, en: string) => {
      await this.o.replyDirect(m, t(locale, zh, en));
      await this.o.done(m.eventId);
    };
    if (this.wrongCodes.blocked(m.senderId)) {
      await answer(
        '绑定码错误次数太多，请一小时后再试，或联系管理员',
        'Too many wrong codes: try again in an hour, or ask an administrator',
      );
      return true;
    }
    const name = (await this.o.nameOf?.(m).catch(() => null)) ?? null;
    const r = await redeemBindCode(this.o.db, {
      code: parsed.command.code,
      channel,
      externalId: m.senderId,
      displayName: name,
      now: new Date(),
    });
    if (!r.ok) {
      this.wrongCodes.count(m.senderId);
      const why = {
        unknown: ['绑定码不正确', 'that code is not right'],
        expired: ['绑定码已过期', 'that code has expired'],
        used: ['绑定码已被使用', 'that code has been used'],
        inactive: ['该用户已停用', 'that user is inactive'],
      }[r.why];
      await answer(`${why[0]}，请向管理员重新索取`, `${why[1]}; ask an administrator for a new one`);
      return true;
    }
    const { zh, en } = this.o.label;
    await this.o.db.writeTx(async (transaction) => {
      await pushTo(
        this.o.db,
        [r.userId],
        {
          kind: 'text',
          text: t(
            locale,
            `绑定成功：您好，${r.name}！现在可以直接使用了，发送“帮助”查看命令。`,
            `Bound: hello, ${r.name}! Send "help" to see what I can do.`,
          ),
        },
        {
          dedupeKey: `${channel}.reply:${m.messageId}:0`,
          onlyChannel: channel,
          replyTo: { messageId: m.messageId, chatId: m.chatId, chatType: m.chatType },
          transaction,
        },
      );
      if (r.issuedByUserId && r.issuedByUserId !== r.userId)
        await pushTo(
          this.o.db,
          [r.issuedByUserId],
          { kind: 'text', text: `${r.name} 已用绑定码绑定${zh}账号${name ? `（${name}）` : ''}` },
          { dedupeKey: `${channel}.bound:${m.messageId}`, transaction },
        );
      await this.o.done(m.eventId, transaction);
    });
    this.o.log.info(`${zh} ${channel}: ${m.senderId} bound to ${r.login} by code (${en})`);
    return true;
  }
}
