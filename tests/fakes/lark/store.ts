import { randomBytes } from 'node:crypto';

export interface FakeUser {
  openId: string;
  userId: string;
  unionId: string;
  name: string;
  mobile?: string;
  email?: string;
  employeeNo?: string;
  /** the bot's p2p chat with this user */
  p2pChatId: string;
}

export interface FakeChat {
  chatId: string;
  chatType: 'p2p' | 'group';
  name: string;
  memberOpenIds: string[];
}

export interface PatchRecord {
  content: unknown;
  at: number;
  /** `api` for PATCH /messages/:id, `callback` when the app answered a card click with a card */
  via: 'api' | 'callback';
}

/** A message the bot created (create or reply). */
export interface FakeMessage {
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  /** set for p2p chats */
  receiverOpenId?: string;
  msgType: string;
  /** parsed content as first sent */
  content: unknown;
  uuid?: string;
  replyToMessageId?: string;
  replyInThread?: boolean;
  createdAt: number;
  patches: PatchRecord[];
}

/** A message a user sent to the bot (pushed by sendText/sendPost). */
export interface IncomingMessage {
  messageId: string;
  chatId: string;
  chatType: 'p2p' | 'group';
  fromOpenId: string;
  msgType: string;
  content: unknown;
  createdAt: number;
}

export function larkId(prefix: string): string {
  return prefix + randomBytes(12).toString('hex');
}

export class FakeStore {
  readonly users = new Map<string, FakeUser>();
  readonly chats = new Map<string, FakeChat>();
  readonly messages: FakeMessage[] = [];
  readonly incoming: IncomingMessage[] = [];
  /** uuid → message id and when it was first used */
  readonly uuids = new Map<string, { messageId: string; at: number }>();

  addUser(u: { openId: string; name: string; mobile?: string; email?: string; employeeNo?: string; userId?: string }): FakeUser {
    const user: FakeUser = {
      ...u,
      userId: u.userId ?? `u_${u.openId.replace(/^ou_/, '')}`,
      unionId: `on_${u.openId.replace(/^ou_/, '')}`,
      p2pChatId: `oc_p2p_${u.openId.replace(/^ou_/, '')}`,
    };
    this.users.set(user.openId, user);
    this.chats.set(user.p2pChatId, { chatId: user.p2pChatId, chatType: 'p2p', name: user.name, memberOpenIds: [user.openId] });
    return user;
  }

  addGroupChat(c: { chatId: string; name: string; memberOpenIds: string[] }): FakeChat {
    const chat: FakeChat = { ...c, chatType: 'group' };
    this.chats.set(chat.chatId, chat);
    return chat;
  }

  userBy(field: 'openId' | 'userId' | 'email' | 'mobile', value: string): FakeUser | undefined {
    for (const u of this.users.values()) if (u[field] === value) return u;
    return undefined;
  }

  message(messageId: string): FakeMessage | undefined {
    return this.messages.find((m) => m.messageId === messageId);
  }

  /** what a reply to `messageId` lands in: a bot message or a user's message */
  anyMessage(messageId: string): { chatId: string } | undefined {
    return this.message(messageId) ?? this.incoming.find((m) => m.messageId === messageId);
  }

  messagesIn(chatId: string): FakeMessage[] {
    return this.messages.filter((m) => m.chatId === chatId);
  }

  p2pMessagesOf(openId: string): FakeMessage[] {
    return this.messages.filter((m) => m.chatType === 'p2p' && m.receiverOpenId === openId);
  }

  /** the content a user sees now: the last patch, else the original */
  currentContent(messageId: string): unknown {
    const m = this.message(messageId);
    if (!m) throw new Error(`fake lark: no message ${messageId}`);
    return m.patches.length ? m.patches[m.patches.length - 1]!.content : m.content;
  }
}
