import type Koa from 'koa';
import type { AppConfig } from '../../../config/schema';
import type { Db } from '../../../models/db';
import type { Channel } from '../../delivery/channel';
import type { BotDeps } from '../../dispatch';
import type { InboundLog } from '../inbound';
import { createWeComApi } from './api';
import { wecomChannel } from './channel';
import { ResponseCodes } from './codes';
import { weComDirectory } from './identity';
import { WeComInbound } from './inbound';
import { SendRecords } from './sends';
import { WECOM_CALLBACK_PATH, wecomWebhook } from './webhook';

export interface WeComRunning {
  channel: Channel;
  /** GET/POST /channels/wecom/callback */
  routes: Koa.Middleware | null;
  health(): Record<string, unknown>;
  /** resolves once the app has an access token (its corp id and secret are right) */
  ready: Promise<void>;
  stop(): Promise<void>;
}

const TOKEN_RETRY_MS = 5_000;
const PRUNE_EVERY_MS = 3_600_000;

/**
 * The WeCom (企业微信) self-built-app channel, when WECOM_CORP_ID is set: the API client, the
 * directory that binds WeCom members to users, inbound handling and the callback route.
 * Interrupted events are finished at start. What WeCom holds us to (task ids, duplicate
 * checks, response codes, sends per member) is kept in the database and pruned hourly.
 * Returns null when WeCom is not configured.
 */
export async function startWeCom(o: {
  config: AppConfig;
  db: Db;
  bot: BotDeps;
  log: InboundLog;
  /** the clock the per-member limits and code lifetimes are read on (tests move it) */
  now?: () => number;
}): Promise<WeComRunning | null> {
  const c = o.config.wecom;
  if (!c.corpId) return null;
  const now = o.now ?? Date.now;
  const api = createWeComApi({ apiBase: c.apiBase, corpId: c.corpId, secret: c.secret, agentId: c.agentId, now });
  const codes = new ResponseCodes(o.db, now);
  const sends = new SendRecords(o.db, now, o.config.delivery.windowMarginMs);
  const directory = weComDirectory(o.db, api, now);
  const inbound = new WeComInbound({ db: o.db, bot: o.bot, api, directory, codes, log: o.log });
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let tokenOk = false;
  const ready = new Promise<void>((resolve) => {
    const learn = async () => {
      try {
        await api.accessToken();
        tokenOk = true;
        o.log.info(`企业微信 wecom: corp ${c.corpId}, agent ${c.agentId}, callback ${WECOM_CALLBACK_PATH}`);
        resolve();
      } catch (e) {
        o.log.error(`企业微信 wecom: access token failed, retrying: ${(e as Error).message}`);
        if (!stopped) retry = setTimeout(() => void learn(), TOKEN_RETRY_MS);
      }
    };
    void learn();
  });
  await Promise.race([ready, new Promise((r) => setTimeout(r, 3_000))]);
  await inbound.recover().catch((e) => o.log.error(`企业微信 wecom: recovering events: ${(e as Error).message}`));
  const prune = () =>
    Promise.all([codes.prune(), sends.prune()]).catch((e) => o.log.error(`企业微信 wecom: pruning: ${(e as Error).message}`));
  void prune();
  const pruning = setInterval(() => void prune(), PRUNE_EVERY_MS).unref();
  const routes = wecomWebhook({
    corpId: c.corpId,
    token: c.token,
    aesKey: c.aesKey,
    log: o.log,
    onXml: (x, xml) => inbound.onXml(x, xml),
  });
  return {
    channel: wecomChannel(api, directory, { codes, sends }),
    routes,
    ready,
    health: () => ({ apiBase: c.apiBase, agentId: c.agentId, token: tokenOk ? 'ok' : 'not yet' }),
    stop: async () => {
      stopped = true;
      clearTimeout(retry);
      clearInterval(pruning);
    },
  };
}
