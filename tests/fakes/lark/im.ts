import { CODES, invalidParam, type LarkAnswer, larkError, ok } from './codes';
import type { FakeState } from './state';
import { type FakeChat, type FakeMessage, larkId } from './store';
import { isUpdatableCard, parseContent } from './validate';

const UUID_TTL_MS = 60 * 60 * 1000;
type Body = Record<string, unknown>;

const userLimited = () => larkError(400, CODES.rateLimited, 'This operation triggers the frequency limit');
const appLimited = (resetMs: number) =>
  larkError(429, CODES.appRateLimited, 'request trigger frequency limit', {
    'x-ogw-ratelimit-limit': '50',
    'x-ogw-ratelimit-reset': String(Math.max(1, Math.ceil(resetMs / 1000))),
  });

/** POST /open-apis/im/v1/messages?receive_id_type=… */
export function createMessage(s: FakeState, query: URLSearchParams, body: Body): LarkAnswer {
  const idType = query.get('receive_id_type');
  const receiveId = body.receive_id;
  if (typeof receiveId !== 'string' || !receiveId) return invalidParam('receive_id is required');
  let chat: FakeChat | undefined;
  let receiverOpenId: string | undefined;
  if (idType === 'chat_id') {
    chat = s.store.chats.get(receiveId);
    if (!chat) return larkError(400, CODES.botNotInChat, 'The bot can not be outside the group.');
  } else if (idType === 'open_id' || idType === 'email' || idType === 'user_id') {
    const field = idType === 'open_id' ? 'openId' : idType === 'email' ? 'email' : 'userId';
    const user = s.store.userBy(field, receiveId);
    if (!user) return larkError(400, CODES.noAvailability, 'Bot has NO availability to this user.');
    chat = s.store.chats.get(user.p2pChatId);
    receiverOpenId = user.openId;
  } else {
    return invalidParam(`receive_id_type ${String(idType)} not supported`);
  }
  return createIn(s, chat!, body, { receiverOpenId });
}

/** POST /open-apis/im/v1/messages/:id/reply */
export function replyMessage(s: FakeState, messageId: string, body: Body): LarkAnswer {
  const parent = s.store.anyMessage(messageId);
  if (!parent) return larkError(400, CODES.messageNotFound, 'The message is not found or recalled.');
  const chat = s.store.chats.get(parent.chatId)!;
  const receiverOpenId = chat.chatType === 'p2p' ? chat.memberOpenIds[0] : undefined;
  return createIn(s, chat, body, { receiverOpenId, replyToMessageId: messageId, replyInThread: body.reply_in_thread === true });
}

function createIn(
  s: FakeState,
  chat: FakeChat,
  body: Body,
  extra: { receiverOpenId?: string; replyToMessageId?: string; replyInThread?: boolean },
): LarkAnswer {
  const uuid = body.uuid;
  if (uuid !== undefined && (typeof uuid !== 'string' || uuid.length > 50)) return invalidParam('uuid must be a string of ≤50 chars');
  if (uuid) {
    const seen = s.store.uuids.get(uuid);
    if (seen && s.clock.now() - seen.at < UUID_TTL_MS) return ok(messageData(s, s.store.message(seen.messageId)!));
  }
  const parsed = parseContent(body.msg_type, body.content);
  if ('error' in parsed) return parsed.error;
  const [key, perSecond] =
    chat.chatType === 'p2p'
      ? [`user:${extra.receiverOpenId}`, s.limits.perUserPerSecond]
      : [`chat:${chat.chatId}`, s.limits.perChatPerSecond];
  if (s.limiter.wouldExceed(key, perSecond) !== undefined) {
    s.limiter.countViolation(key);
    return userLimited();
  }
  s.limiter.take(key);
  const message: FakeMessage = {
    messageId: larkId('om_'),
    chatId: chat.chatId,
    chatType: chat.chatType,
    receiverOpenId: extra.receiverOpenId,
    msgType: body.msg_type as string,
    content: parsed.value,
    uuid: uuid || undefined,
    replyToMessageId: extra.replyToMessageId,
    replyInThread: extra.replyInThread,
    createdAt: s.clock.now(),
    patches: [],
  };
  s.store.messages.push(message);
  if (uuid) s.store.uuids.set(uuid, { messageId: message.messageId, at: message.createdAt });
  return ok(messageData(s, message));
}

/** PATCH /open-apis/im/v1/messages/:id — only shared 2.0 cards (config.update_multi) */
export function patchMessage(s: FakeState, messageId: string, body: Body): LarkAnswer {
  const message = s.store.message(messageId);
  if (!message) return larkError(400, CODES.messageNotFound, 'The message is not found or recalled.');
  for (const [key, perSecond] of [
    ['patch-app', s.limits.patchPerAppPerSecond],
    [`patch-message:${messageId}`, s.limits.patchPerMessagePerSecond],
  ] as const) {
    const resetMs = s.limiter.wouldExceed(key, perSecond);
    if (resetMs !== undefined) {
      s.limiter.countViolation(key);
      return appLimited(resetMs);
    }
  }
  if (message.msgType !== 'interactive' || !isUpdatableCard(s.store.currentContent(messageId))) {
    return larkError(400, CODES.notUpdatable, 'The message is not a card with config.update_multi=true and schema 2.0.');
  }
  const parsed = parseContent('interactive', body.content);
  if ('error' in parsed) return parsed.error;
  if (!isUpdatableCard(parsed.value)) return larkError(400, CODES.notUpdatable, 'The new card must keep config.update_multi=true.');
  s.limiter.take('patch-app');
  s.limiter.take(`patch-message:${messageId}`);
  message.patches.push({ content: parsed.value, at: s.clock.now(), via: 'api' });
  return ok({});
}

function messageData(s: FakeState, m: FakeMessage): Record<string, unknown> {
  const last = m.patches[m.patches.length - 1];
  return {
    message_id: m.messageId,
    ...(m.replyToMessageId ? { root_id: m.replyToMessageId, parent_id: m.replyToMessageId } : {}),
    msg_type: m.msgType,
    create_time: String(m.createdAt),
    update_time: String(last?.at ?? m.createdAt),
    deleted: false,
    updated: m.patches.length > 0,
    chat_id: m.chatId,
    sender: { id: s.appId, id_type: 'app_id', sender_type: 'app', tenant_key: s.tenantKey },
    body: { content: JSON.stringify(s.store.currentContent(m.messageId)) },
  };
}
