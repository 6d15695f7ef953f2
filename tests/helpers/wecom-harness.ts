import { startWeCom, type WeComRunning } from '../../bot/channels/wecom';
import type { Dispatcher } from '../../bot/delivery/dispatcher';
import type { AppConfig } from '../../config';
import { type FakeWeCom, startFakeWeCom } from '../fakes/wecom';
import { configFor, demoCompany, type HarnessLog, quiet, rig } from './channel-harness';
import type { TestDb } from './db';

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

/**
 * The WeCom channel in this process on a fresh demo company (SQLite), its callback served by a
 * real HTTP server, the API pointed at a loopback fake, the delivery dispatcher running. The
 * directory knows each person by mobile and email, as given by `directory` (default: both).
 */
export async function startWeComHarness(
  o: { people?: readonly string[]; directory?: (login: string) => 'mobile' | 'email' | 'both'; log?: HarnessLog } = {},
): Promise<WeComHarness> {
  const fake = await startFakeWeCom();
  const t = await demoCompany();
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
  const config = configFor({
    wecom: {
      corpId: fake.corpId,
      agentId: fake.agentId,
      secret: fake.secret,
      token: fake.token,
      aesKey: fake.aesKey,
      apiBase: fake.apiBase,
    },
  });
  const log = o.log ?? quiet;
  const r = await rig(
    t,
    config,
    log,
    async (bot) => {
      const wecom = (await startWeCom({ config, db: t.db, bot, log })) as WeComRunning;
      await wecom.ready;
      return wecom;
    },
    true,
  );
  fake.callbackUrl = `${r.base}/channels/wecom/callback`;
  return {
    fake,
    t,
    wecom: r.running,
    delivery: r.delivery,
    config,
    userId: r.userId,
    close: async () => {
      await r.close();
      await fake.close();
    },
  };
}
