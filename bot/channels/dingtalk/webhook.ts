import { createHmac } from 'node:crypto';
import Router from '@koa/router';
import type Koa from 'koa';
import { readRawBody, sameSignature } from '../callback-request';
import type { InboundLog } from '../inbound';

export const DINGTALK_EVENTS_PATH = '/channels/dingtalk/events';
/** DingTalk's own window for a callback's timestamp (im-platforms.md §2.4) */
export const MAX_SKEW_MS = 60 * 60_000;

type Refusal = 'unsigned' | 'expired' | 'forged' | 'malformed';

export const dingTalkSign = (secret: string, timestamp: string) =>
  createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');

/**
 * POST /channels/dingtalk/events: robot messages in HTTP mode. The signature is checked before
 * anything runs: `sign` = base64(HMAC-SHA256(app secret, timestamp + "\n" + app secret)) with
 * a timestamp (ms) within an hour. It covers only the timestamp, not the body, so a replay
 * inside the hour is stopped by the message id: inbound remembers it durably and a resend runs
 * nothing. A refused request gets 401, is logged, and reaches no one.
 */
export function dingTalkWebhook(o: {
  clientSecret: string;
  onMessage(data: unknown): Promise<void>;
  log: InboundLog;
  now?: () => number;
}): Koa.Middleware {
  const now = o.now ?? Date.now;
  const refuse = (ctx: Koa.Context, why: Refusal) => {
    o.log.warn(`钉钉 dingtalk callback: refused (${why}) from ${ctx.ip}`);
    ctx.status = 401;
    ctx.body = { code: 401, msg: `refused: ${why}` };
  };
  const router = new Router({ strict: true, sensitive: true });
  router.post(DINGTALK_EVENTS_PATH, async (ctx) => {
    const ts = ctx.get('timestamp');
    const sign = ctx.get('sign');
    if (!ts || !sign) return refuse(ctx, 'unsigned');
    const at = Number(ts);
    if (!/^\d+$/.test(ts) || Math.abs(now() - at) > MAX_SKEW_MS) return refuse(ctx, 'expired');
    if (!sameSignature(dingTalkSign(o.clientSecret, ts), sign)) return refuse(ctx, 'forged');
    const raw = await readRawBody(ctx.req);
    if (raw === null) {
      ctx.status = 413;
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return refuse(ctx, 'malformed');
    }
    if (!body || typeof body !== 'object') return refuse(ctx, 'malformed');
    await o.onMessage(body);
    ctx.type = 'application/json';
    ctx.body = {};
  });
  return router.routes() as unknown as Koa.Middleware;
}
