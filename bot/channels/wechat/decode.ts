import type { Message } from 'wechaty';
import type { InboundMessage } from '../inbound';

/** What is kept of a WeChat message until it is handled: enough to answer it after a restart. */
export interface StoredMessage {
  id: string;
  talkerId: string;
  roomId: string | null;
  /** the text without the @mentions; '' for what is not text */
  text: string;
  mentioned: boolean;
}

/** the puppet's Text message type (wechaty-puppet types.Message.Text) */
const TEXT = 7;

/**
 * A message someone sent the bot, as the neutral inbound sees it: in a room the chat is the
 * room and the text is what follows the @mention (mentionText); one to one the chat is the
 * contact. The bot's own messages (its echoes) are not for the inbound: null.
 */
export async function decodeMessage(m: Message): Promise<StoredMessage | null> {
  if (m.self()) return null;
  const room = m.room();
  const isText = m.type() === TEXT;
  return {
    id: m.id,
    talkerId: m.talker().id,
    roomId: room?.id ?? null,
    text: isText ? (room ? await m.mentionText() : m.text()).trim() : '',
    mentioned: room ? await m.mentionSelf() : true,
  };
}

export function asInbound(s: StoredMessage): InboundMessage {
  return {
    eventId: `msg:${s.id}`,
    messageId: s.id,
    chatId: s.roomId ?? s.talkerId,
    chatType: s.roomId ? 'group' : 'p2p',
    senderId: s.talkerId,
    text: s.text,
    mentionedBot: s.mentioned,
  };
}

/** a stored payload back (recover); null for anything else */
export function fromStored(payload: unknown): InboundMessage | null {
  const p = payload as Partial<StoredMessage> | null;
  if (!p || typeof p.id !== 'string' || typeof p.talkerId !== 'string') return null;
  return asInbound({ id: p.id, talkerId: p.talkerId, roomId: p.roomId ?? null, text: String(p.text ?? ''), mentioned: !!p.mentioned });
}
