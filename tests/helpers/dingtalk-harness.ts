import { type DingTalkRunning, startDingTalk } from '../../bot/channels/dingtalk';
import { DINGTALK_CARD_CALLBACK_PATH } from '../../bot/channels/dingtalk/webhook';
import type { Dispatcher } from '../../bot/delivery/dispatcher';
import type { AppConfig } from '../../config';
import { type FakeDingTalk, startFakeDingTalk } from '../fakes/dingtalk';
import { type ChannelRig, configFor, demoCompany, type HarnessLog, quiet, rig, type TestClock } from './channel-harness';
import type { TestDb } from './db';
import { freePort } from './free-port';

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
  /** the channel and its dispatcher stopped and started again on the same database, as after a restart */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The DingTalk channel in this process on a fresh demo company (SQLite), pointed at a loopback
 * fake of DingTalk, with the delivery dispatcher running; in http mode a real HTTP server
 * serves POST /channels/dingtalk/events and the card callback route, on a port chosen first
 * so that the route registered with the fake at start names it. No Temporal. With `clock`, the
 * fake, the channel and the dispatcher all run on it.
 */
export async function startDingTalkHarness(
  opts: {
    mode?: 'stream' | 'http';
    cardTemplateId?: string;
    delivery?: Partial<AppConfig['delivery']>;
    log?: HarnessLog;
    clock?: TestClock;
  } = {},
): Promise<DingTalkHarness> {
  const mode = opts.mode ?? 'stream';
  const clock = opts.clock;
  const fake = await startFakeDingTalk(clock ? { now: () => clock.now() } : {});
  const t = await demoCompany();
  for (const login of DINGTALK_PEOPLE) {
    const u = await t.db.models.User.findOne({ where: { login } });
    if (u) fake.addPerson({ userId: staffIdOf(login), name: u.name, mobile: u.mobile ?? undefined, jobNumber: u.employeeNo ?? undefined });
  }
  fake.addGroup(WAREHOUSE_GROUP, '仓库群', ['chenjing', 'zhangwei'].map(staffIdOf));
  const port = mode === 'http' ? await freePort() : 0;
  const config = configFor(
    {
      dingtalk: {
        clientId: fake.state.clientId,
        clientSecret: fake.state.clientSecret,
        robotCode: '',
        cardTemplateId: opts.cardTemplateId ?? 'q2c-card.schema',
        mode,
        apiBase: fake.base,
        oapiBase: fake.base,
        cardCallbackUrl: mode === 'http' ? `http://127.0.0.1:${port}${DINGTALK_CARD_CALLBACK_PATH}` : '',
      },
    },
    opts.delivery,
  );
  const log = opts.log ?? quiet;
  const start = async (): Promise<ChannelRig & { running: DingTalkRunning }> => {
    const r = await rig(
      t,
      config,
      log,
      async (bot) => {
        const dingtalk = (await startDingTalk({
          config,
          db: t.db,
          bot,
          log,
          ...(clock ? { now: () => clock.now() } : {}),
        })) as DingTalkRunning;
        await dingtalk.ready;
        return dingtalk;
      },
      mode === 'http',
      { port, ...(clock ? { clock } : {}) },
    );
    if (r.base) fake.useCallbackUrl(`${r.base}/channels/dingtalk/events`);
    else await fake.gateway.waitForConnection();
    return r;
  };
  let r = await start();
  const h: DingTalkHarness = {
    fake,
    t,
    dingtalk: r.running,
    delivery: r.delivery,
    config,
    base: r.base,
    userId: r.userId,
    async restart() {
      await r.stop();
      r = await start();
      h.dingtalk = r.running;
      h.delivery = r.delivery;
    },
    close: async () => {
      await r.close();
      await fake.close();
    },
  };
  return h;
}
