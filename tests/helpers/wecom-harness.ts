import type { Server } from 'node:http';
import { baseUrl, createHttpApp, listen } from '../../app/http';
import { startWeCom, type WeComRunning } from '../../bot/channels/wecom';
import { type Dispatcher, startDispatcher } from '../../bot/delivery/dispatcher';
import type { BotDeps } from '../../bot/dispatch';
import { type AppConfig, loadConfig } from '../../config';
import { seedDemoCompany } from '../../models/seed/demo-company';
import { type FakeWeCom, startFakeWeCom } from '../fakes/wecom';
import { freshDb, type TestDb } from './db';

/** The demo company's people in the fake's directory; their userids are their logins in capitals. */
export const WECOM_PEOPLE = ['zhangwei', 'lina', 'wangfang', 'liqiang', 'chenjing', 'admin'];
export const useridOf = (login: string) => login.toUpperCase();

export interface WeComHarness {
  fake: FakeWeCom;
  t: TestDb;
  wecom: WeComRunning;
  delivery: Dispatcher;
  config: AppConfig;
  userId(login: string): Promise<number>;
  close(): Promise<void>;
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: (m: string) => process.stderr.write(`${m}\n`) };

/**
 * The WeCom channel in this process on a fresh demo company (SQLite), its callback served by a
 * real HTTP server, the API pointed at a loopback fake, the delivery dispatcher running. The
 * directory knows each person by mobile and email, as given by `directory` (default: both).
 */
export async function startWeComHarness(
  o: { people?: readonly string[]; directory?: (login: string) => 'mobile' | 'email' | 'both'; log?: typeof quiet } = {},
): Promise<WeComHarness> {
  const fake = await startFakeWeCom();
  const t = await freshDb('sqlite');
  await seedDemoCompany(t.db);
  await t.db.models.OutboxMessage.update({ fannedOut: true }, { where: {} });
  for (const login of o.people ?? WECOM_PEOPLE) {
    const u = await t.db.models.User.findOne({ where: { login } });
    if (!u) continue;
    const by = o.directory?.(login) ?? 'both';
    fake.addUser({
      userid: useridOf(login),
      name: u.name,
      ...(by !== 'email' && u.mobile ? { mobile: `+86 ${u.mobile}` } : {}),
      ...(by !== 'mobile' && u.email ? { biz_mail: u.email } : {}),
    });
  }
  const base = loadConfig({ env: {}, file: '' });
  const config: AppConfig = {
    ...base,
    wecom: {
      corpId: fake.corpId,
      agentId: fake.agentId,
      secret: fake.secret,
      token: fake.token,
      aesKey: fake.aesKey,
      apiBase: fake.apiBase,
    },
    delivery: { ...base.delivery, pollMs: 50, backoffBaseMs: 20, backoffMaxMs: 200 },
  };
  const log = o.log ?? quiet;
  const bot: BotDeps = { db: t.db, config, now: () => new Date(), log };
  const wecom = (await startWeCom({ config, db: t.db, bot, log })) as WeComRunning;
  await wecom.ready;
  const delivery = startDispatcher({ db: t.db, config, channels: [wecom.channel], log });
  const server: Server = await listen(createHttpApp({ db: t.db }, wecom.routes as NonNullable<WeComRunning['routes']>), 0);
  fake.callbackUrl = `${baseUrl(server)}/channels/wecom/callback`;
  return {
    fake,
    t,
    wecom,
    delivery,
    config,
    userId: async (login) => (await t.db.models.User.findOne({ where: { login }, attributes: ['id'] }))?.id as number,
    close: async () => {
      await delivery.stop();
      await wecom.stop();
      await new Promise<void>((r) => server.close(() => r()));
      await fake.close();
      await t.drop();
    },
  };
}
