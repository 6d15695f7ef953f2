import { createHmac, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type Koa from 'koa';
import type { InboundLog } from '../inbound';

export const DINGTALK_EVENTS_PATH = '/channels/dingtalk/events';
/** DingTalk's own window for a callback's timestamp (im-platforms.md §2.4) */
export const MAX_SKEW_MS = 60 * 60_000;
const MAX_BODY = 1 << 20;

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
    if (!equal(dingTalkSign(o.clientSecret, ts), sign)) return refuse(ctx, 'forged');
    const raw = await readBody(ctx.req);
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

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req: NodeJS.ReadableStream): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
