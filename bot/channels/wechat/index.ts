import type { AppConfig } from '../../../config/schema';
import type { Db } from '../../../models/db';
import type { Channel } from '../../delivery/channel';
import type { BotDeps } from '../../dispatch';
import type { InboundLog } from '../inbound';
import { WeChatAccount } from './account';
import { wechatChannel } from './channel';
import { wechatDirectory } from './identity';
import { WeChatInbound } from './inbound';
import { SendLedger } from './sends';

export interface WeChatRunning {
  channel: Channel;
  routes: null;
  account: WeChatAccount;
  health(): Record<string, unknown>;
  stop(): Promise<void>;
}

type Options = { config: AppConfig; db: Db; bot: BotDeps; log: InboundLog };

/**
 * The WeChat channel through wechaty, when WECHATY_PUPPET is set: the puppet the configuration
 * names (wechaty-puppet-service with its token and endpoint in production; wechaty-puppet-mock
 * offline), the directory that binds contacts to users, inbound handling and the send ledger.
 * Interrupted events are finished at start. No HTTP route: the puppet holds the connection.
 * Returns null when WeChat is not configured.
 */
export async function startWeChat(o: Options): Promise<WeChatRunning | null> {
  if (!o.config.wechaty.puppet) return null;
  const account = await WeChatAccount.fromConfig(o.config);
  const running = await startWeChatWith(o, account);
  if (o.config.wechaty.puppet === 'wechaty-puppet-mock') await logInDemoAccount(account, o.log);
  return running;
}

/** the channel on an account made by the caller (tests give a puppet of their own) */
export async function startWeChatWith(o: Options, account: WeChatAccount): Promise<WeChatRunning> {
  const ledger = new SendLedger(o.db);
  const directory = wechatDirectory(o.db, account);
  const inbound = new WeChatInbound({ db: o.db, bot: o.bot, account, directory, ledger, log: o.log });
  account.onMessage((m) => inbound.onMessage(m));
  account.bot.on('login', (u) => o.log.info(`微信 wechaty: 已登录 logged in as ${u.name()} (${account.puppetName})`));
  account.bot.on('logout', () => o.log.warn(`微信 wechaty: 已退出登录 logged out (${account.puppetName})`));
  account.bot.on('scan', (qrcode: string) => o.log.info(`微信 wechaty: 请扫码登录 scan to log in: ${qrcode}`));
  await ledger.prune().catch((e) => o.log.error(`微信 wechaty: pruning sends: ${(e as Error).message}`));
  await inbound.recover().catch((e) => o.log.error(`微信 wechaty: recovering events: ${(e as Error).message}`));
  await account.start();
  return {
    channel: wechatChannel(account, directory, ledger),
    routes: null,
    account,
    health: () => account.health(),
    stop: () => account.stop(),
  };
}

/**
 * wechaty-puppet-mock started by name (`npm start` with WECHATY_PUPPET=wechaty-puppet-mock):
 * an offline demo account logs in, so the channel runs as it would on a real puppet.
 */
async function logInDemoAccount(account: WeChatAccount, log: InboundLog): Promise<void> {
  const mocker = (
    account.bot.puppet as unknown as { mocker?: { createContact(p: { name: string }): { id: string }; login(c: unknown): void } }
  ).mocker;
  if (!mocker) return;
  mocker.login(mocker.createContact({ name: '演示机器人' }));
  log.info('微信 wechaty: wechaty-puppet-mock 演示账号已登录（离线演示） demo account logged in, offline');
}
