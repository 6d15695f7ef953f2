import type Koa from 'koa';
import type { AppConfig } from '../../config/schema';
import type { Db } from '../../models/db';
import type { Channel } from '../delivery/channel';
import type { BotDeps } from '../dispatch';
import { startDingTalk } from './dingtalk';
import { startLark } from './lark';
import type { Log } from './lark/sdk-logger';
import { startWeChat } from './wechat';
import { startWeCom } from './wecom';

/** One chat platform as the composition root sees it once started. */
export interface RunningChannel {
  channel: Channel;
  /** its webhook routes, when it receives by HTTP */
  routes: Koa.Middleware | null;
  health(): Record<string, unknown>;
  stop(): Promise<void>;
}

type Starter = (o: { config: AppConfig; db: Db; bot: BotDeps; log: Log }) => Promise<RunningChannel | null>;

/** Every platform the product speaks, each started when its settings are there (null otherwise). */
const STARTERS: { name: string; label: string; start: Starter; mode: (c: AppConfig) => string }[] = [
  {
    name: 'lark',
    label: '飞书 Lark',
    start: startLark,
    mode: (c) => (c.lark.mode === 'ws' ? '长连接 long connection' : 'webhook POST /channels/lark/events'),
  },
  {
    name: 'dingtalk',
    label: '钉钉 DingTalk',
    start: startDingTalk,
    mode: (c) => (c.dingtalk.mode === 'stream' ? 'Stream 长连接 long connection' : 'HTTP POST /channels/dingtalk/events'),
  },
  { name: 'wecom', label: '企业微信 WeCom', start: startWeCom, mode: () => 'callback GET/POST /channels/wecom/callback' },
  {
    name: 'wechaty',
    label: '微信 WeChat',
    start: startWeChat,
    mode: (c) => `wechaty ${c.wechaty.puppet}${c.wechaty.serviceEndpoint ? ` @ ${c.wechaty.serviceEndpoint}` : ''}`,
  },
];

/**
 * Starts the configured channels and says in the log which are up and which are not configured.
 * The console needs no starting: it reads the outbox itself.
 */
export async function startChannels(o: { config: AppConfig; db: Db; bot: BotDeps; log: Log }): Promise<Map<string, RunningChannel>> {
  const running = new Map<string, RunningChannel>();
  for (const s of STARTERS) {
    const ch = await s.start(o);
    if (ch) {
      running.set(s.name, ch);
      o.log.info(`${s.label}: ${s.mode(o.config)}`);
    } else o.log.info(`${s.label}: 未配置，不启用 not configured: running without it`);
  }
  return running;
}
