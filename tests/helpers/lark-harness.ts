import { type LarkRunning, startLark } from '../../bot/channels/lark';
import type { Dispatcher } from '../../bot/delivery/dispatcher';
import type { AppConfig } from '../../config';
import { type FakeLark, startFakeLark } from '../fakes/lark';
import { configFor, demoCompany, type HarnessLog, quiet, rig } from './channel-harness';
import type { TestDb } from './db';

/** The demo company's people as they appear in the fake's directory (matched to users by email). */
export const LARK_PEOPLE = ['zhangwei', 'lina', 'wangfang', 'liqiang', 'liuyang', 'chenjing', 'admin', 'sunli', 'wuhao', 'zhengjie'];
export const openIdOf = (login: string) => `ou_${login.padEnd(16, '0')}`;
export const WAREHOUSE_CHAT = 'oc_warehouse0000001';

export interface LarkHarness {
  fake: FakeLark;
  t: TestDb;
  lark: LarkRunning;
  delivery: Dispatcher;
  config: AppConfig;
  /** the webhook's address in webhook mode */
  base: string | null;
  userId(login: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The Lark channel in this process on a fresh demo company (SQLite), pointed at a loopback
 * fake of the open platform, with the delivery dispatcher running; in webhook mode a real HTTP
 * server serves POST /channels/lark/events. No Temporal: commands that read the books work,
 * flows answer that they are unavailable.
 */
export async function startLarkHarness(
  opts: { mode?: 'ws' | 'webhook'; people?: readonly string[]; delivery?: Partial<AppConfig['delivery']>; log?: HarnessLog } = {},
): Promise<LarkHarness> {
  const mode = opts.mode ?? 'ws';
  const fake = await startFakeLark();
  const t = await demoCompany();
  for (const login of opts.people ?? LARK_PEOPLE) {
    const u = await t.db.models.User.findOne({ where: { login } });
    if (u) fake.addUser({ openId: openIdOf(login), name: u.name, email: u.email ?? undefined, employeeNo: u.employeeNo ?? undefined });
  }
  fake.addGroupChat({ chatId: WAREHOUSE_CHAT, name: '仓库群', memberOpenIds: ['chenjing', 'zhangwei'].map(openIdOf) });
  const config = configFor(
    {
      lark: {
        appId: fake.appId,
        appSecret: fake.appSecret,
        encryptKey: fake.encryptKey,
        verificationToken: fake.verificationToken,
        domain: fake.domain,
        mode,
      },
    },
    opts.delivery,
  );
  const log = opts.log ?? quiet;
  const r = await rig(
    t,
    config,
    log,
    async (bot) => {
      const lark = (await startLark({ config, db: t.db, bot, log })) as LarkRunning;
      await lark.ready;
      return lark;
    },
    mode === 'webhook',
  );
  if (r.base) fake.useWebhook(`${r.base}/channels/lark/events`);
  else await fake.ws.waitForConnection();
  return {
    fake,
    t,
    lark: r.running,
    delivery: r.delivery,
    config,
    base: r.base,
    userId: r.userId,
    close: async () => {
      await r.close();
      await fake.close();
    },
  };
}
