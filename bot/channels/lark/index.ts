import * as lark from '@larksuiteoapi/node-sdk';
import type Koa from 'koa';
import type { AppConfig } from '../../../config/schema';
import type { Db } from '../../../models/db';
import type { Channel } from '../../delivery/channel';
import type { BotDeps } from '../../dispatch';
import { createLarkApi } from './api';
import { larkChannel } from './channel';
import { larkDirectory } from './identity';
import { LarkInbound } from './inbound';
import { type LongConnection, startLongConnection } from './long-connection';
import { type Log, sdkLogger } from './sdk-logger';
import { larkWebhook } from './webhook';

export interface LarkRunning {
  channel: Channel;
  /** webhook mode: POST /channels/lark/events */
  routes: Koa.Middleware | null;
  health(): Record<string, unknown>;
  /** resolves once the bot knows its own open_id (mentions in groups need it) */
  ready: Promise<void>;
  stop(): Promise<void>;
}

const BOT_INFO_RETRY_MS = 5_000;

/**
 * The Lark/Feishu channel, when LARK_APP_ID is set: the API client, the directory that binds
 * Lark people to users, inbound handling, and the long connection or the webhook route.
 * Interrupted events are finished at start. Returns null when Lark is not configured.
 */
export async function startLark(o: { config: AppConfig; db: Db; bot: BotDeps; log: Log }): Promise<LarkRunning | null> {
  const c = o.config.lark;
  if (!c.appId) return null;
  const api = createLarkApi({ appId: c.appId, appSecret: c.appSecret, domain: c.domain, logger: o.log });
  const directory = larkDirectory(o.db, api);
  const inbound = new LarkInbound({ db: o.db, bot: o.bot, api, directory, log: o.log });
  const dispatcher = new lark.EventDispatcher({ logger: sdkLogger(o.log) }).register({
    'im.message.receive_v1': (data: unknown) => inbound.onMessage(data),
    'card.action.trigger': (data: unknown) => inbound.onCardAction(data),
  } as Record<string, (data: unknown) => Promise<unknown>>);

  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  // the bot's own open_id: "mentioned" means a mention of the bot, not of anyone
  const ready = new Promise<void>((resolve) => {
    const learn = async () => {
      try {
        const me = await api.botInfo();
        inbound.botOpenId = me.openId;
        o.log.info(`飞书 lark: 机器人 bot ${me.name} (${me.openId})`);
        resolve();
      } catch (e) {
        o.log.error(`飞书 lark: bot info failed, retrying: ${(e as Error).message}`);
        if (!stopped) retry = setTimeout(() => void learn(), BOT_INFO_RETRY_MS);
      }
    };
    void learn();
  });
  await Promise.race([ready, new Promise((r) => setTimeout(r, 3_000))]);
  await inbound.recover().catch((e) => o.log.error(`飞书 lark: recovering events: ${(e as Error).message}`));

  let connection: LongConnection | null = null;
  let routes: Koa.Middleware | null = null;
  if (c.mode === 'ws') {
    connection = await startLongConnection({ appId: c.appId, appSecret: c.appSecret, domain: c.domain, dispatcher, log: o.log });
  } else {
    routes = larkWebhook({ encryptKey: c.encryptKey, verificationToken: c.verificationToken, dispatcher, log: o.log });
  }
  return {
    channel: larkChannel(api, directory),
    routes,
    ready,
    health: () => ({
      mode: c.mode,
      domain: c.domain,
      botOpenId: inbound.botOpenId || null,
      ...(connection ? { connection: connection.health() } : {}),
    }),
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      connection?.stop();
    },
  };
}
