import { createHash } from 'node:crypto';
import Router from '@koa/router';
import * as lark from '@larksuiteoapi/node-sdk';
import type Koa from 'koa';
import { forgetOld, readRawBody, sameSignature } from '../callback-request';
import type { Log } from './sdk-logger';

export const LARK_EVENTS_PATH = '/channels/lark/events';
/** a request signed longer ago than this (either way) is refused: Lark pushes within seconds */
export const MAX_SKEW_S = 5 * 60;

type Refusal = 'unsigned' | 'expired' | 'forged' | 'replayed' | 'undecryptable' | 'bad token' | 'malformed';

/**
 * POST /channels/lark/events: events and card callbacks in webhook mode. The SDK verifies
 * nothing without an encrypt key and signs re-serialised JSON with no replay check
 * (im-platforms.md §1.4), so this checks each request itself before the SDK's dispatcher sees
 * it: the signature over the raw body, a timestamp within 5 minutes, a signature not seen
 * before, the verification token. A refused request gets 401, is logged, and reaches no one;
 * a re-push of an event already handled is answered 200 and runs nothing (bot/channels/lark
 * inbound remembers event ids durably).
 */
export function larkWebhook(o: {
  encryptKey: string;
  verificationToken: string;
  dispatcher: lark.EventDispatcher;
  log: Log;
  now?: () => number;
}): Koa.Middleware {
  const cipher = new lark.AESCipher(o.encryptKey);
  const now = o.now ?? Date.now;
  // signatures seen in the freshness window: a replayed request is refused, not just ignored
  const seen = new Map<string, number>();
  const refuse = (ctx: Koa.Context, why: Refusal) => {
    o.log.warn(`飞书 lark webhook: refused (${why}) from ${ctx.ip}`);
    ctx.status = 401;
    ctx.body = { code: 401, msg: `refused: ${why}` };
  };
  const router = new Router({ strict: true, sensitive: true });
  router.post(LARK_EVENTS_PATH, async (ctx) => {
    const raw = await readRawBody(ctx.req);
    if (raw === null) {
      ctx.status = 413;
      return;
    }
    let outer: { encrypt?: unknown };
    try {
      outer = JSON.parse(raw);
    } catch {
      return refuse(ctx, 'malformed');
    }
    if (typeof outer.encrypt !== 'string') return refuse(ctx, 'undecryptable');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(cipher.decrypt(outer.encrypt));
    } catch {
      return refuse(ctx, 'undecryptable');
    }
    const tokenOf = (b: Record<string, unknown>) => (b.header as { token?: string } | undefined)?.token ?? b.token;
    const tokenOk = !o.verificationToken || tokenOf(body) === o.verificationToken;
    // The URL check when the address is saved in the developer console: proving we hold the
    // key (it decrypted) and the token is all it can carry; the answer reveals nothing.
    if (body.type === 'url_verification') {
      if (!tokenOk) return refuse(ctx, 'bad token');
      ctx.type = 'application/json';
      ctx.body = { challenge: body.challenge };
      return;
    }
    const ts = ctx.get('X-Lark-Request-Timestamp');
    const nonce = ctx.get('X-Lark-Request-Nonce');
    const signature = ctx.get('X-Lark-Signature');
    if (!ts || !nonce || !signature) return refuse(ctx, 'unsigned');
    const at = Number(ts);
    if (!Number.isFinite(at) || Math.abs(now() / 1000 - at) > MAX_SKEW_S) return refuse(ctx, 'expired');
    const expected = createHash('sha256')
      .update(ts + nonce + o.encryptKey + raw)
      .digest('hex');
    if (!sameSignature(expected, signature, { hex: true })) return refuse(ctx, 'forged');
    forgetOld(seen, now(), MAX_SKEW_S * 2000);
    if (seen.has(signature)) return refuse(ctx, 'replayed');
    if (!tokenOk) return refuse(ctx, 'bad token');
    const answer = await o.dispatcher.invoke(body, { needCheck: false });
    // remembered once handled: Lark's own retry of a request that failed here still gets in
    seen.set(signature, now());
    ctx.type = 'application/json';
    ctx.body = answer && typeof answer === 'object' ? answer : {};
  });
  return router.routes() as unknown as Koa.Middleware;
}
