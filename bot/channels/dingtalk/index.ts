import { createHmac } from 'node:crypto';
import type Koa from 'koa';
import type { AppConfig } from '../../../config/schema';
import type { Db } from '../../../models/db';
import type { Channel } from '../../delivery/channel';
import type { BotDeps } from '../../dispatch';
import type { InboundLog } from '../inbound';
import { createDingTalkApi } from './api';
import { dingTalkChannel } from './channel';
import type { CardCallbackPayload, RobotPayload } from './decode';
import { dingTalkDirectory } from './identity';
import { DingTalkInbound } from './inbound';
import { deliveriesRepeatStore, RepeatGuard } from './repeat-guard';
import { type StreamConnection, startStream } from './stream';
import { dingTalkWebhook } from './webhook';

/** the route our cards call back through in HTTP mode (one per app: registering it again replaces it) */
export const CARD_ROUTE_KEY = 'q2c-cards';
/** how often a failed registration of the card route is tried again */
const REGISTER_RETRY_MS = 30_000;

export interface DingTalkRunning {
  channel: Channel;
  /** http mode: POST /channels/dingtalk/events */
  routes: Koa.Middleware | null;
  health(): Record<string, unknown>;
  /** resolves once the stream is connected (http mode: at once) */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * The DingTalk channel, when DINGTALK_CLIENT_ID is set: the API client, the directory that
 * binds DingTalk people to users, inbound handling, and the stream or the HTTP callback routes.
 * In HTTP mode with cards, the card route is registered with DingTalk (our URL and a secret
 * derived from the app secret, so every instance and restart registers the same), and tried
 * again until it is. Interrupted events are finished at start. Returns null when DingTalk is
 * not configured. `now` is the clock of tokens, the repeat guard and callbacks (tests move it).
 */
export async function startDingTalk(o: {
  config: AppConfig;
  db: Db;
  bot: BotDeps;
  log: InboundLog;
  now?: () => number;
}): Promise<DingTalkRunning | null> {
  const c = o.config.dingtalk;
  if (!c.clientId) return null;
  const api = createDingTalkApi({ ...c, ...(o.now ? { now: o.now } : {}) });
  const directory = dingTalkDirectory(o.db, api, o.now);
  const inbound = new DingTalkInbound({ db: o.db, bot: o.bot, api, directory, log: o.log });
  if (!c.cardTemplateId) o.log.warn('钉钉 dingtalk: DINGTALK_CARD_TEMPLATE_ID not set, cards go as markdown without buttons');
  await inbound.recover().catch((e) => o.log.error(`钉钉 dingtalk: recovering events: ${(e as Error).message}`));

  let stream: StreamConnection | null = null;
  let routes: Koa.Middleware | null = null;
  let cardRoute: 'registered' | 'failed' | 'none' = 'none';
  let retry: NodeJS.Timeout | undefined;
  const onMessage = (data: unknown) => inbound.onMessage((data ?? {}) as RobotPayload);
  const cardsOverHttp = c.mode === 'http' && !!c.cardTemplateId;
  if (c.mode === 'stream') {
    stream = await startStream({
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      apiBase: c.apiBase,
      onMessage,
      onClick: (messageId, data) => inbound.onClick(messageId, (data ?? {}) as CardCallbackPayload),
      log: o.log,
    });
  } else {
    const apiSecret = createHmac('sha256', c.clientSecret).update('q2c card callbacks').digest('base64url');
    routes = dingTalkWebhook({
      clientSecret: c.clientSecret,
      onMessage,
      ...(cardsOverHttp
        ? {
            card: {
              apiSecret,
              onClick: (eventId, data) => inbound.onClick(eventId, (data ?? {}) as CardCallbackPayload),
              known: (eventId) => inbound.known(eventId),
            },
          }
        : {}),
      log: o.log,
      ...(o.now ? { now: o.now } : {}),
    });
    const register = async (): Promise<void> => {
      try {
        await api.registerCardCallback({ routeKey: CARD_ROUTE_KEY, url: c.cardCallbackUrl, apiSecret });
        cardRoute = 'registered';
        o.log.info(`钉钉 dingtalk: 卡片回调已注册 card callbacks go to ${c.cardCallbackUrl}`);
      } catch (e) {
        cardRoute = 'failed';
        o.log.error(`钉钉 dingtalk: 卡片回调注册失败 registering the card callback: ${(e as Error).message}; trying again`);
        retry = setTimeout(() => void register(), REGISTER_RETRY_MS);
        retry.unref();
      }
    };
    if (cardsOverHttp) await register();
  }
  const guard = new RepeatGuard(deliveriesRepeatStore(o.db), o.now);
  return {
    channel: dingTalkChannel(api, directory, {
      callbackType: c.mode === 'stream' ? 'STREAM' : 'HTTP',
      ...(cardsOverHttp ? { callbackRouteKey: CARD_ROUTE_KEY } : {}),
      guard,
    }),
    routes,
    ready: Promise.resolve(),
    health: () => ({
      mode: c.mode,
      apiBase: c.apiBase,
      cards: c.cardTemplateId ? 'template' : 'markdown',
      ...(stream ? { connection: stream.health() } : {}),
      ...(cardsOverHttp ? { cardCallback: cardRoute } : {}),
    }),
    stop: async () => {
      clearTimeout(retry);
      stream?.stop();
    },
  };
}
