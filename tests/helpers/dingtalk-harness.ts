import type { Server } from 'node:http';
import { baseUrl, createHttpApp, listen } from '../../app/http';
import { type DingTalkRunning, startDingTalk } from '../../bot/channels/dingtalk';
import { type Dispatcher, startDispatcher } from '../../bot/delivery/dispatcher';
import type { BotDeps } from '../../bot/dispatch';
import { type AppConfig, loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { type FakeDingTalk, startFakeDingTalk } from '../fakes/dingtalk';
import { freshDb, type TestDb } from './db';

/** The demo company's people as they appear in the fake's directory (matched to users by mobile). */
export const DINGTALK_PEOPLE = ['zhangwei', 'lina', 'wangfang', 'liqiang', 'liuyang', 'chenjing', 'admin', 'sunli', 'wuhao', 'zhengjie'];
export const staffIdOf = (login: string) => `staff_${login}`;
export const WAREHOUSE_GROUP = 'cidWarehouse000001==';

export interface DingTalkHarness {
  fake: FakeDingTalk;
  t: TestDb;
  dingtalk: DingTalkRunning;
  delivery: Dispatcher;
  config: AppConfig;
  base: string | null;
  userId(login: string): Promise<number>;
  close(): Promise<void>;
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) };

/**
 * The DingTalk channel in this process on a fresh demo company (SQLite), pointed at a loopback
 * fake of DingTalk, with the delivery dispatcher running; in http mode a real HTTP server
 * serves POST /channels/dingtalk/events. No Temporal.
 */
export async function startDingTalkHarness(
  opts: { mode?: 'stream' | 'http'; cardTemplateId?: string; delivery?: Partial<AppConfig['delivery']>; log?: typeof quiet } = {},
): Promise<DingTalkHarness> {
  const mode = opts.mode ?? 'stream';
  const fake = await startFakeDingTalk();
  const t = await freshDb('sqlite');
  await seedDemoCompany(t.db);
  await t.db.models.OutboxMessage.update({ fannedOut: true }, { where: {} });
  for (const login of DINGTALK_PEOPLE) {
    const u = await t.db.models.User.findOne({ where: { login } });
    if (u) fake.addPerson({ userId: staffIdOf(login), name: u.name, mobile: u.mobile ?? undefined, jobNumber: u.employeeNo ?? undefined });
  }
  fake.addGroup(WAREHOUSE_GROUP, '仓库群', ['chenjing', 'zhangwei'].map(staffIdOf));
  const base = loadConfig({ env: {}, file: '' });
  const config: AppConfig = {
    ...base,
    dingtalk: {
      clientId: fake.state.clientId,
      clientSecret: fake.state.clientSecret,
      robotCode: '',
      cardTemplateId: opts.cardTemplateId ?? 'q2c-card.schema',
      mode,
      apiBase: fake.base,
      oapiBase: fake.base,
    },
    delivery: { ...base.delivery, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200, ...opts.delivery },
  };
  const log = opts.log ?? quiet;
  const bot: BotDeps = { db: t.db, config, now: () => new Date(), log };
  const dingtalk = (await startDingTalk({ config, db: t.db, bot, log })) as DingTalkRunning;
  await dingtalk.ready;
  const delivery = startDispatcher({ db: t.db, config, channels: [dingtalk.channel], log });
  let server: Server | null = null;
  let url: string | null = null;
  if (mode === 'http' && dingtalk.routes) {
    server = await listen(createHttpApp({ db: t.db }, dingtalk.routes), 0);
    url = baseUrl(server);
    fake.useCallbackUrl(`${url}/channels/dingtalk/events`);
  } else {
    await fake.gateway.waitForConnection();
  }
  return {
    fake,
    t,
    dingtalk,
    delivery,
    config,
    base: url,
    userId: async (login) => (await t.db.models.User.findOne({ where: { login }, attributes: ['id'] }))?.id as number,
    close: async () => {
      await delivery.stop();
      await dingtalk.stop();
      await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
      await fake.close();
      await t.drop();
    },
  };
}
