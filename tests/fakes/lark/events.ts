import type { FakeState } from './state';
import { type IncomingMessage, larkId } from './store';

/** The v2.0 envelope every event and card callback arrives in. */
export interface LarkEventEnvelope {
  schema: '2.0';
  header: { event_id: string; event_type: string; create_time: string; token: string; app_id: string; tenant_key: string };
  event: Record<string, unknown>;
}

export interface SendTextInput {
  fromOpenId: string;
  /** default: the sender's p2p chat with the bot */
  chatId?: string;
  text: string;
  /** prefix the text with an @mention of the bot (`@_user_1`), as a group message to the bot has */
  mentionBot?: boolean;
  /** further users mentioned, by open_id */
  mentions?: string[];
}

export interface SendPostInput extends Omit<SendTextInput, 'text'> {
  title?: string;
  /** one paragraph per line */
  lines: string[];
}

export interface ClickCardInput {
  operatorOpenId: string;
  messageId: string;
  value: Record<string, unknown>;
  formValue?: Record<string, unknown>;
  inputValue?: string;
  name?: string;
  tag?: string;
}

export function envelope(s: FakeState, eventType: string, event: Record<string, unknown>): LarkEventEnvelope {
  return {
    schema: '2.0',
    header: {
      event_id: larkId('ev_'),
      event_type: eventType,
      create_time: String(s.clock.now()),
      token: s.verificationToken,
      app_id: s.appId,
      tenant_key: s.tenantKey,
    },
    event,
  };
}

function userIds(s: FakeState, openId: string) {
  const u = s.store.users.get(openId);
  if (!u) throw new Error(`fake lark: no user ${openId}; addUser first`);
  return { open_id: u.openId, user_id: u.userId, union_id: u.unionId };
}

/** im.message.receive_v1 for a text or post; records the message so the app can reply to it */
export function messageEvent(s: FakeState, input: SendTextInput | SendPostInput): LarkEventEnvelope {
  const sender = userIds(s, input.fromOpenId);
  const chatId = input.chatId ?? s.store.users.get(input.fromOpenId)!.p2pChatId;
  const chat = s.store.chats.get(chatId);
  if (!chat) throw new Error(`fake lark: no chat ${chatId}`);
  const mentioned = [
    ...(input.mentionBot ? [{ id: { open_id: s.bot.openId, user_id: '', union_id: '' }, name: s.bot.appName }] : []),
    ...(input.mentions ?? []).map((openId) => ({ id: userIds(s, openId), name: s.store.users.get(openId)!.name })),
  ];
  const mentions = mentioned.map((m, i) => ({ key: `@_user_${i + 1}`, ...m, tenant_key: s.tenantKey }));
  const keys = mentions.map((m) => m.key);
  const isText = 'text' in input;
  const content = isText
    ? { text: [...keys, input.text].join(' ') }
    : {
        title: input.title ?? '',
        content: input.lines.map((line, i) => [
          ...(i === 0 ? keys.map((k) => ({ tag: 'at', user_id: k, user_name: mentions.find((m) => m.key === k)!.name })) : []),
          { tag: 'text', text: line },
        ]),
      };
  const incoming: IncomingMessage = {
    messageId: larkId('om_'),
    chatId,
    chatType: chat.chatType,
    fromOpenId: input.fromOpenId,
    msgType: isText ? 'text' : 'post',
    content,
    createdAt: s.clock.now(),
  };
  s.store.incoming.push(incoming);
  return envelope(s, 'im.message.receive_v1', {
    sender: { sender_id: sender, sender_type: 'user', tenant_key: s.tenantKey },
    message: {
      message_id: incoming.messageId,
      chat_id: chatId,
      chat_type: chat.chatType,
      message_type: incoming.msgType,
      content: JSON.stringify(content),
      ...(mentions.length ? { mentions } : {}),
      create_time: String(incoming.createdAt),
    },
  });
}

export interface SendOtherInput {
  fromOpenId: string;
  chatId?: string;
  /** image, file, sticker, audio, …: what the app cannot read */
  messageType: string;
  content: Record<string, unknown>;
}

/** im.message.receive_v1 of another kind than text or post (an image, a file) */
export function otherMessageEvent(s: FakeState, input: SendOtherInput): LarkEventEnvelope {
  const sender = userIds(s, input.fromOpenId);
  const chatId = input.chatId ?? s.store.users.get(input.fromOpenId)!.p2pChatId;
  const chat = s.store.chats.get(chatId);
  if (!chat) throw new Error(`fake lark: no chat ${chatId}`);
  const incoming: IncomingMessage = {
    messageId: larkId('om_'),
    chatId,
    chatType: chat.chatType,
    fromOpenId: input.fromOpenId,
    msgType: input.messageType,
    content: input.content,
    createdAt: s.clock.now(),
  };
  s.store.incoming.push(incoming);
  return envelope(s, 'im.message.receive_v1', {
    sender: { sender_id: sender, sender_type: 'user', tenant_key: s.tenantKey },
    message: {
      message_id: incoming.messageId,
      chat_id: chatId,
      chat_type: chat.chatType,
      message_type: input.messageType,
      content: JSON.stringify(input.content),
      create_time: String(incoming.createdAt),
    },
  });
}

/** card.action.trigger for a button (or input) on a message the bot sent */
export function cardEvent(s: FakeState, input: ClickCardInput): LarkEventEnvelope {
  const message = s.store.message(input.messageId);
  if (!message) throw new Error(`fake lark: no bot message ${input.messageId}`);
  return envelope(s, 'card.action.trigger', {
    operator: { ...userIds(s, input.operatorOpenId), tenant_key: s.tenantKey },
    token: larkId('c-'),
    action: {
      tag: input.tag ?? (input.inputValue !== undefined ? 'input' : 'button'),
      value: input.value,
      ...(input.formValue ? { form_value: input.formValue } : {}),
      ...(input.inputValue !== undefined ? { input_value: input.inputValue } : {}),
      ...(input.name ? { name: input.name } : {}),
    },
    host: 'im_message',
    context: { open_message_id: message.messageId, open_chat_id: message.chatId },
  });
}
