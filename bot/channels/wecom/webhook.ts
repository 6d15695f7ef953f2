import Router from '@koa/router';
import { decrypt, getSignature } from '@wecom/crypto';
import type Koa from 'koa';
import { forgetOld, readRawBody, sameSignature } from '../callback-request';
import type { InboundLog } from '../inbound';
import { parseXml } from './decode';

export const WECOM_CALLBACK_PATH = '/channels/wecom/callback';
/** a callback signed longer ago than this (either way) is refused */
export const MAX_SKEW_S = 5 * 60;

type Refusal = 'unsigned' | 'forged' | 'expired' | 'replayed' | 'undecryptable' | 'wrong receive id' | 'malformed';
const STATUS: Record<Refusal, number> = {
  unsigned: 401,
  forged: 401,
  undecryptable: 401,
  malformed: 401,
  expired: 403,
  replayed: 403,
  'wrong receive id': 403,
};

/**
 * GET/POST /channels/wecom/callback. @wecom/crypto signs and decrypts but checks nothing else
 * (im-platforms.md §3.1), so each request is checked here before anything runs: the signature
 * over the Encrypt text, the receive id inside it is our CorpID, the timestamp within 5
 * minutes, a signature not seen before. A refused request gets 401 (not signed by who holds
 * our token and key) or 403 (signed, but not for us or not now), is logged, and reaches no one.
 * WeCom's own retry of a message carries a new signature: the inbound remembers its MsgId.
 */
export function wecomWebhook(o: {
  corpId: string;
  token: string;
  aesKey: string;
  onXml: (x: Record<string, string>, xml: string) => Promise<void>;
  log: InboundLog;
  now?: () => number;
}): Koa.Middleware {
  const now = o.now ?? Date.now;
  const seen = new Map<string, number>();
  const refuse = (ctx: Koa.Context, why: Refusal): null => {
    o.log.warn(`企业微信 wecom callback: refused (${why}) from ${ctx.ip}`);
    ctx.status = STATUS[why];
    ctx.body = `refused: ${why}`;
    return null;
  };
  /** the checks both verbs share; the decrypted text, or a refusal already answered */
  const open = (ctx: Koa.Context, encrypted: string | undefined): string | null => {
    const q = ctx.query as Record<string, string | undefined>;
    const { msg_signature: signature, timestamp, nonce } = q;
    if (!signature || !timestamp || !nonce || !encrypted) return refuse(ctx, 'unsigned');
    if (!sameSignature(getSignature(o.token, timestamp, nonce, encrypted), signature, { hex: true })) return refuse(ctx, 'forged');
    const at = Number(timestamp);
    if (!Number.isFinite(at) || Math.abs(now() / 1000 - at) > MAX_SKEW_S) return refuse(ctx, 'expired');
    forgetOld(seen, now(), MAX_SKEW_S * 2000);
    if (seen.has(signature)) return refuse(ctx, 'replayed');
    let opened: { message: string; id: string };
    try {
      opened = decrypt(o.aesKey, encrypted);
    } catch {
      return refuse(ctx, 'undecryptable');
    }
    if (opened.id !== o.corpId) return refuse(ctx, 'wrong receive id');
    seen.set(signature, now());
    return opened.message;
  };
  const router = new Router({ strict: true, sensitive: true });
  // the URL check when the address is saved in the admin console: the plain echostr, raw
  router.get(WECOM_CALLBACK_PATH, (ctx) => {
    const echo = open(ctx, ctx.query.echostr as string | undefined);
    if (echo === null) return;
    ctx.type = 'text/plain';
    ctx.body = echo;
  });
  router.post(WECOM_CALLBACK_PATH, async (ctx) => {
    const raw = await readRawBody(ctx.req);
    if (raw === null) {
      ctx.status = 413;
      return;
    }
    const outer = parseXml(raw);
    if (!outer) {
      refuse(ctx, 'malformed');
      return;
    }
    const inner = open(ctx, outer.Encrypt);
    if (inner === null) return;
    const x = parseXml(inner);
    if (!x) {
      refuse(ctx, 'malformed');
      return;
    }
    // a message WeCom kept for longer than the window (a stored replay re-signed) runs nothing
    const created = Number(x.CreateTime);
    if (Number.isFinite(created) && created > 0 && now() / 1000 - created > MAX_SKEW_S) {
      refuse(ctx, 'expired');
      return;
    }
    await o.onXml(x, inner);
    ctx.status = 200;
    ctx.body = '';
  });
  return router.routes() as unknown as Koa.Middleware;
}
