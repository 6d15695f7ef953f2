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
import { type StreamConnection, startStream } from './stream';
import { dingTalkWebhook } from './webhook';

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
 * binds DingTalk people to users, inbound handling, and the stream or the HTTP callback route.
 * Interrupted events are finished at start. Returns null when DingTalk is not configured.
 */
export async function startDingTalk(o: { config: AppConfig; db: Db; bot: BotDeps; log: InboundLog }): Promise<DingTalkRunning | null> {
  const c = o.config.dingtalk;
  if (!c.clientId) return null;
  const api = createDingTalkApi(c);
  const directory = dingTalkDirectory(o.db, api);
  const inbound = new DingTalkInbound({ db: o.db, bot: o.bot, api, directory, log: o.log });
  if (!c.cardTemplateId) o.log.warn('钉钉 dingtalk: DINGTALK_CARD_TEMPLATE_ID not set, cards go as markdown without buttons');
  await inbound.recover().catch((e) => o.log.error(`钉钉 dingtalk: recovering events: ${(e as Error).message}`));

  let stream: StreamConnection | null = null;
  let routes: Koa.Middleware | null = null;
  const onMessage = (data: unknown) => inbound.onMessage((data ?? {}) as RobotPayload);
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
    routes = dingTalkWebhook({ clientSecret: c.clientSecret, onMessage, log: o.log });
  }
  return {
    channel: dingTalkChannel(api, directory, { callbackType: c.mode === 'stream' ? 'STREAM' : 'HTTP' }),
    routes,
    ready: Promise.resolve(),
    health: () => ({
      mode: c.mode,
      apiBase: c.apiBase,
      cards: c.cardTemplateId ? 'template' : 'markdown',
      ...(stream ? { connection: stream.health() } : {}),
    }),
    stop: async () => {
      stream?.stop();
    },
  };
}
