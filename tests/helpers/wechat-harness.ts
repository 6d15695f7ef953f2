import { startWeChatWith, type WeChatRunning } from '../../bot/channels/wechat';
import { WeChatAccount } from '../../bot/channels/wechat/account';
import type { Dispatcher } from '../../bot/delivery/dispatcher';
import type { AppConfig } from '../../config';
import { FakeWeChat } from '../fakes/wechat';
import { configFor, demoCompany, type HarnessLog, quiet, rig } from './channel-harness';
import type { TestDb } from './db';
import type { VirtualClock } from './virtual-clock';

/** The demo company's people among the bot's WeChat contacts; their contact ids are wx_<login>. */
export const WECHAT_PEOPLE = ['zhangwei', 'lina', 'wangfang', 'liqiang', 'liuyang', 'chenjing', 'admin'];
export const wxidOf = (login: string) => `wx_${login}`;
export const WAREHOUSE_ROOM = 'warehouse@chatroom';

export interface WeChatHarness {
  fake: FakeWeChat;
  t: TestDb;
  wechat: WeChatRunning;
  delivery: Dispatcher;
  config: AppConfig;
  userId(login: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The WeChat channel in this process on a fresh demo company (SQLite): wechaty with the mock
 * puppet of tests/fakes/wechat, logged in, and the delivery dispatcher. Each person's remark
 * in the bot's account is their employee number unless `remark` says otherwise (null: none,
 * they must bind by code). A warehouse room holds 陈静 and 张伟. No Temporal.
 */
export async function startWeChatHarness(
  o: {
    remark?: (login: string, employeeNo: string) => string | null;
    sendLimits?: AppConfig['sendLimits']['wechaty'];
    log?: HarnessLog;
    clock?: VirtualClock;
  } = {},
): Promise<WeChatHarness> {
  const fake = new FakeWeChat();
  if (o.clock) fake.clock = o.clock.now;
  const t = await demoCompany();
  for (const login of WECHAT_PEOPLE) {
    const u = await t.db.models.User.findOne({ where: { login } });
    if (!u) continue;
    const remark = o.remark ? o.remark(login, u.employeeNo ?? '') : u.employeeNo;
    fake.addContact({ id: wxidOf(login), name: u.name, ...(remark ? { remark } : {}) });
  }
  fake.addRoom({ id: WAREHOUSE_ROOM, topic: '仓库群', members: [wxidOf('chenjing'), wxidOf('zhangwei')] });
  const base = configFor({});
  const config: AppConfig = {
    ...base,
    wechaty: { ...base.wechaty, puppet: 'wechaty-puppet-mock' },
    sendLimits: { ...base.sendLimits, wechaty: o.sendLimits ?? base.sendLimits.wechaty },
  };
  const log = o.log ?? quiet;
  const r = await rig(
    t,
    config,
    log,
    async (bot) => {
      const account = await WeChatAccount.withPuppet(fake.puppet, 'wechaty-puppet-mock');
      const wechat = await startWeChatWith({ config, db: t.db, bot, log }, account);
      fake.login();
      for (let i = 0; i < 200 && !account.self; i++) await new Promise((res) => setTimeout(res, 10));
      return o.clock ? { ...wechat, channel: o.clock.around(wechat.channel) } : wechat;
    },
    false,
    o.clock ? { clock: o.clock } : {},
  );
  return {
    fake,
    t,
    wechat: r.running,
    delivery: r.delivery,
    config,
    userId: r.userId,
    close: async () => {
      await r.close();
      await fake.close();
    },
  };
}
