import { createHmac } from 'node:crypto';
import Router from '@koa/router';
import type Koa from 'koa';
import { forgetOld, readRawBody, sameSignature } from '../callback-request';
import type { InboundLog } from '../inbound';

export const DINGTALK_EVENTS_PATH = '/channels/dingtalk/events';
export const DINGTALK_CARD_CALLBACK_PATH = '/channels/dingtalk/card-callback';
/** DingTalk's own window for a callback's timestamp (im-platforms.md §2.4); card callbacks are held to the same */
export const MAX_SKEW_MS = 60 * 60_000;

type Refusal = 'unsigned' | 'expired' | 'forged' | 'replayed' | 'malformed';

/** a robot message's `sign`: HMAC-SHA256 keyed by the app secret over timestamp + "\n" + app secret */
export const dingTalkSign = (secret: string, timestamp: string) =>
  createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
/** a card callback's `x-ddpaas-signature`: HMAC-SHA256 keyed by the route's apiSecret over the timestamp */
export const cardCallbackSign = (apiSecret: string, timestamp: string) =>
  createHmac('sha256', apiSecret).update(timestamp).digest('base64');

export interface CardCallbackRoute {
  /** the secret the route was registered with (index.ts) */
  apiSecret: string;
  /** handles a verified click, known by `eventId`; resolves with the card's redraw */
  onClick(eventId: string, data: unknown): Promise<unknown>;
  /** a click already received (also before a restart) */
  known(eventId: string): Promise<boolean>;
}

/**
 * DingTalk's HTTP mode. POST /channels/dingtalk/events: robot messages, signed with `timestamp`
 * (ms) and `sign`. POST /channels/dingtalk/card-callback: card clicks, sent to the URL our
 * route key was registered with, signed with `x-ddpaas-signature-timestamp` and
 * `x-ddpaas-signature` (third-party implementations agree on it; not in im-platforms.md). Both
 * signatures cover only the timestamp, not the body, and are checked before anything runs,
 * with the timestamp within an hour. A message replayed inside the hour is stopped by its
 * message id (inbound remembers it durably; a resend runs nothing). A click has no id of its
 * own: it is known by its signature, so a second request with one already used is refused
 * whatever its body (also after a restart: the click is remembered under it). A refused
 * request gets 401, is logged, and reaches no one.
 */
export function dingTalkWebhook(o: {
  clientSecret: string;
  onMessage(data: unknown): Promise<void>;
  card?: CardCallbackRoute;
  log: InboundLog;
  now?: () => number;
}): Koa.Middleware {
  const now = o.now ?? Date.now;
  const refuse = (ctx: Koa.Context, what: string, why: Refusal) => {
    o.log.warn(`钉钉 dingtalk ${what}: refused (${why}) from ${ctx.ip}`);
    ctx.status = 401;
    ctx.body = { code: 401, msg: `refused: ${why}` };
  };
  /** the timestamp checked, the signature compared; a refusal already answered, or null */
  const verify = (ctx: Koa.Context, what: string, ts: string, sign: string, expected: (ts: string) => string): Refusal | null => {
    const why: Refusal | null =
      !ts || !sign ? 'unsigned' : !/^\d+$/.test(ts) || Math.abs(now() - Number(ts)) > MAX_SKEW_MS ? 'expired' : null;
    const refusal = why ?? (sameSignature(expected(ts), sign) ? null : 'forged');
    if (refusal) refuse(ctx, what, refusal);
    return refusal;
  };
  const json = async (ctx: Koa.Context, what: string): Promise<Record<string, unknown> | null> => {
    const raw = await readRawBody(ctx.req);
    if (raw === null) {
      ctx.status = 413;
      return null;
    }
    try {
      const body: unknown = JSON.parse(raw);
      if (body && typeof body === 'object') return body as Record<string, unknown>;
    } catch {}
    refuse(ctx, what, 'malformed');
    return null;
  };

  const router = new Router({ strict: true, sensitive: true });
  router.post(DINGTALK_EVENTS_PATH, async (ctx) => {
    if (verify(ctx, 'callback', ctx.get('timestamp'), ctx.get('sign'), (ts) => dingTalkSign(o.clientSecret, ts))) return;
    const body = await json(ctx, 'callback');
    if (!body) return;
    await o.onMessage(body);
    ctx.type = 'application/json';
    ctx.body = {};
  });

  const card = o.card;
  if (card) {
    const seen = new Map<string, number>();
    router.post(DINGTALK_CARD_CALLBACK_PATH, async (ctx) => {
      const ts = ctx.get('x-ddpaas-signature-timestamp');
      const sign = ctx.get('x-ddpaas-signature');
      if (verify(ctx, 'card callback', ts, sign, (t) => cardCallbackSign(card.apiSecret, t))) return;
      const eventId = `card:${ts}:${sign}`;
      forgetOld(seen, now(), MAX_SKEW_MS * 2);
      if (seen.has(eventId) || (await card.known(eventId))) return refuse(ctx, 'card callback', 'replayed');
      seen.set(eventId, now());
      const body = await json(ctx, 'card callback');
      if (!body) return;
      ctx.type = 'application/json';
      ctx.body = (await card.onClick(eventId, body)) ?? {};
    });
  }
  return router.routes() as unknown as Koa.Middleware;
}
