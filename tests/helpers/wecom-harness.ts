import { startWeCom, type WeComRunning } from '../../bot/channels/wecom';
import type { Dispatcher } from '../../bot/delivery/dispatcher';
import type { AppConfig } from '../../config';
import { type FakeWeCom, startFakeWeCom } from '../fakes/wecom';
import { configFor, demoCompany, type HarnessLog, quiet, rig, type TestClock } from './channel-harness';
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
  o: {
    people?: readonly string[];
    directory?: (login: string) => 'mobile' | 'email' | 'both';
    log?: HarnessLog;
    /** one clock for the fake's limits, the channel's and the dispatcher's windows */
    clock?: TestClock;
    delivery?: Partial<AppConfig['delivery']>;
    /** WeCom's send limits as the app keeps them, changed (a benchmark lifting the app-wide cap) */
    limits?: Partial<AppConfig['sendLimits']['wecom']>;
  } = {},
): Promise<WeComHarness> {
  const fake = await startFakeWeCom(o.clock ? { now: o.clock.now } : {});
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
  const base = configFor(
    {
      wecom: {
        corpId: fake.corpId,
        agentId: fake.agentId,
        secret: fake.secret,
        token: fake.token,
        aesKey: fake.aesKey,
        apiBase: fake.apiBase,
      },
    },
    o.delivery,
  );
  const config = o.limits ? { ...base, sendLimits: { ...base.sendLimits, wecom: { ...base.sendLimits.wecom, ...o.limits } } } : base;
  const log = o.log ?? quiet;
  const r = await rig(
    t,
    config,
    log,
    async (bot) => {
      const wecom = (await startWeCom({ config, db: t.db, bot, log, ...(o.clock ? { now: o.clock.now } : {}) })) as WeComRunning;
      await wecom.ready;
      return wecom;
    },
    true,
    o.clock ? { clock: o.clock } : {},
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
