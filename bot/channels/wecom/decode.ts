import { XMLParser } from 'fast-xml-parser';
import type { InboundClick, InboundMessage } from '../inbound';

// every value stays a string: a MsgId is a 64-bit number, an AgentID could lose leading zeros
const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, processEntities: true });

/** the XML of a callback's outer body or of its decrypted message, as flat strings */
export function parseXml(xml: string): Record<string, string> | null {
  try {
    const doc = parser.parse(xml) as { xml?: Record<string, unknown> };
    if (!doc.xml || typeof doc.xml !== 'object') return null;
    return Object.fromEntries(Object.entries(doc.xml).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  } catch {
    return null;
  }
}

/** a WeCom user's messages to the app are always one to one: the chat is the user */
export function decodeMessage(x: Record<string, string>): InboundMessage | null {
  if (x.MsgType === 'event' || !x.MsgId || !x.FromUserName) return null;
  return {
    eventId: `msg:${x.MsgId}`,
    messageId: x.MsgId,
    chatId: x.FromUserName,
    chatType: 'p2p',
    senderId: x.FromUserName,
    text: x.MsgType === 'text' ? (x.Content ?? '').trim() : '',
    mentionedBot: true,
  };
}

export interface DecodedClick extends InboundClick {
  taskId: string;
  responseCode: string;
}

/** a `template_card_event`: the button key (render.ts) back into card id, action and value */
export function decodeClick(x: Record<string, string>): DecodedClick | null {
  if (x.MsgType !== 'event' || x.Event !== 'template_card_event' || !x.EventKey || !x.FromUserName) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(x.EventKey);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') return null;
  const value = parsed[2] && typeof parsed[2] === 'object' ? (parsed[2] as InboundClick['value']) : {};
  // a click has no MsgId; its ResponseCode is new for every click, so it names the event
  const eventId = `click:${x.ResponseCode || `${x.FromUserName}:${x.CreateTime}:${x.TaskId}:${x.EventKey}`}`;
  return {
    eventId,
    operatorId: x.FromUserName,
    cardId: parsed[0],
    action: parsed[1],
    value,
    taskId: x.TaskId ?? '',
    responseCode: x.ResponseCode ?? '',
  };
}
