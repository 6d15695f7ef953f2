import { encryptEvent, randomNonce, signWebhook } from './crypto';
import type { FakeState } from './state';

export interface WebhookRawInput {
  /** sent as-is (JSON-encoded) */
  body?: unknown;
  /** encrypted into `{encrypt}` first, as Lark does (plain when the fake has no encryptKey) */
  event?: unknown;
  /** seconds; default the fake's clock */
  timestamp?: string;
  nonce?: string;
  /** default: the correct signature */
  signature?: string;
  /** leave out the X-Lark-Request-* and X-Lark-Signature headers */
  omitHeaders?: boolean;
}

export interface WebhookResult {
  status: number;
  text: string;
  /** the parsed body when it was JSON */
  json?: unknown;
}

/** One POST to the app's webhook, signed over exactly the body string sent. */
export async function postWebhook(s: FakeState, url: string, input: WebhookRawInput): Promise<WebhookResult> {
  const body = input.event !== undefined ? wrap(s, input.event) : input.body;
  const bodyString = JSON.stringify(body);
  const timestamp = input.timestamp ?? String(Math.floor(s.clock.now() / 1000));
  const nonce = input.nonce ?? randomNonce();
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (!input.omitHeaders) {
    headers['x-lark-request-timestamp'] = timestamp;
    headers['x-lark-request-nonce'] = nonce;
    headers['x-lark-signature'] = input.signature ?? signWebhook(timestamp, nonce, s.encryptKey, bodyString);
  }
  const res = await fetch(url, { method: 'POST', headers, body: bodyString });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

function wrap(s: FakeState, event: unknown): unknown {
  return s.encryptKey ? { encrypt: encryptEvent(s.encryptKey, JSON.stringify(event)) } : event;
}
