import type { InboundClick, InboundMessage } from '../inbound';

/**
 * DingTalk's JSON into the neutral inbound shapes. A robot message is the same object in
 * Stream mode (a CALLBACK frame's data) and in HTTP mode (the request body); a card click
 * arrives only through the stream. Both are stored as they came, wrapped with what says which
 * one it is, so recover() can decode them again.
 */

export interface RobotPayload {
  msgtype?: string;
  text?: { content?: string };
  msgId?: string;
  conversationType?: string;
  conversationId?: string;
  senderStaffId?: string;
  senderId?: string;
  chatbotUserId?: string;
  isInAtList?: boolean;
  atUsers?: { dingtalkId?: string; staffId?: string }[];
}

export interface CardCallbackPayload {
  outTrackId?: string;
  userId?: string;
  content?: string;
  value?: string;
}

export type Stored = { dingtalk: 'message'; data: RobotPayload } | { dingtalk: 'click'; eventId: string; data: CardCallbackPayload };

export function decodeMessage(data: RobotPayload): InboundMessage | null {
  const sender = data.senderStaffId;
  if (!data.msgId || !sender || !data.conversationId) return null;
  const group = data.conversationType === '2';
  // B6: the robot's own mention; DingTalk strips "@robot" from the text and says so in isInAtList
  const mentioned =
    data.isInAtList === true || (!!data.chatbotUserId && (data.atUsers ?? []).some((u) => u.dingtalkId === data.chatbotUserId));
  return {
    eventId: data.msgId,
    messageId: data.msgId,
    // one-to-one the robot writes to a person, not to a conversation: the reply's address is the sender
    chatId: group ? data.conversationId : sender,
    chatType: group ? 'group' : 'p2p',
    senderId: sender,
    text: data.msgtype === 'text' ? (data.text?.content ?? '').trim() : '',
    mentionedBot: !group || mentioned,
  };
}

export interface DecodedClick extends InboundClick {
  outTrackId: string;
}

type Scalar = string | number | boolean;

export function decodeClick(eventId: string, data: CardCallbackPayload): DecodedClick | null {
  let params: Record<string, unknown>;
  try {
    const content = JSON.parse(data.content ?? data.value ?? '{}') as { cardPrivateData?: { params?: Record<string, unknown> } };
    params = content.cardPrivateData?.params ?? {};
  } catch {
    return null;
  }
  const { cardId, action } = params;
  if (!data.userId || !data.outTrackId || typeof cardId !== 'string' || typeof action !== 'string') return null;
  let value: Record<string, Scalar> = {};
  if (typeof params.value === 'string') {
    try {
      value = JSON.parse(params.value) as Record<string, Scalar>;
    } catch {
      return null;
    }
  } else if (params.value && typeof params.value === 'object') value = params.value as Record<string, Scalar>;
  const comment = typeof params.comment === 'string' && params.comment.trim() ? params.comment.trim() : undefined;
  return {
    eventId,
    operatorId: data.userId,
    cardId,
    action,
    value,
    outTrackId: data.outTrackId,
    ...(comment ? { comment } : {}),
  };
}

export function decodeStored(p: unknown): InboundMessage | DecodedClick | null {
  const s = p as Stored | null;
  if (s?.dingtalk === 'message') return decodeMessage(s.data);
  if (s?.dingtalk === 'click') return decodeClick(s.eventId, s.data);
  return null;
}
