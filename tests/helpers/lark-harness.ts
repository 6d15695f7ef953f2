import type { Server } from 'node:http';
import { baseUrl, createHttpApp, listen } from '../../app/http';
import { type LarkRunning, startLark } from '../../bot/channels/lark';
import { type Dispatcher, startDispatcher } from '../../bot/delivery/dispatcher';
import type { BotDeps } from '../../bot/dispatch';
import { type AppConfig, loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { type FakeLark, startFakeLark } from '../fakes/lark';
import { freshDb, type TestDb } from './db';

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

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) };

/**
 * The Lark channel in this process on a fresh demo company (SQLite), pointed at a loopback
 * fake of the open platform, with the delivery dispatcher running; in webhook mode a real HTTP
 * server serves POST /channels/lark/events. No Temporal: commands that read the books work,
 * flows answer that they are unavailable.
 */
export async function startLarkHarness(
  opts: { mode?: 'ws' | 'webhook'; people?: readonly string[]; delivery?: Partial<AppConfig['delivery']>; log?: typeof quiet } = {},
): Promise<LarkHarness> {
  const mode = opts.mode ?? 'ws';
  const fake = await startFakeLark();
  const t = await freshDb('sqlite');
  await seedDemoCompany(t.db);
  // what the demo company pushed before Lark was there stays in the console
  await t.db.models.OutboxMessage.update({ fannedOut: true }, { where: {} });
  for (const login of opts.people ?? LARK_PEOPLE) {
    const u = await t.db.models.User.findOne({ where: { login } });
    if (u) fake.addUser({ openId: openIdOf(login), name: u.name, email: u.email ?? undefined, employeeNo: u.employeeNo ?? undefined });
  }
  fake.addGroupChat({ chatId: WAREHOUSE_CHAT, name: '仓库群', memberOpenIds: ['chenjing', 'zhangwei'].map(openIdOf) });
  const base = loadConfig({ env: {}, file: '' });
  const config: AppConfig = {
    ...base,
    lark: {
      appId: fake.appId,
      appSecret: fake.appSecret,
      encryptKey: fake.encryptKey,
      verificationToken: fake.verificationToken,
      domain: fake.domain,
      mode,
    },
    delivery: { ...base.delivery, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200, ...opts.delivery },
  };
  const log = opts.log ?? quiet;
  const bot: BotDeps = { db: t.db, config, now: () => new Date(), log };
  const lark = (await startLark({ config, db: t.db, bot, log })) as LarkRunning;
  await lark.ready;
  const delivery = startDispatcher({ db: t.db, config, channels: [lark.channel], log });
  let server: Server | null = null;
  let url: string | null = null;
  if (mode === 'webhook' && lark.routes) {
    server = await listen(createHttpApp({ db: t.db }, lark.routes), 0);
    url = baseUrl(server);
    fake.useWebhook(`${url}/channels/lark/events`);
  } else {
    await fake.ws.waitForConnection();
  }
  return {
    fake,
    t,
    lark,
    delivery,
    config,
    base: url,
    userId: async (login) => (await t.db.models.User.findOne({ where: { login }, attributes: ['id'] }))?.id as number,
    close: async () => {
      await delivery.stop();
      await lark.stop();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      await fake.close();
      await t.drop();
    },
  };
}
