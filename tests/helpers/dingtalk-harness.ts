import { type DingTalkRunning, startDingTalk } from '../../bot/channels/dingtalk';
import type { Dispatcher } from '../../bot/delivery/dispatcher';
import type { AppConfig } from '../../config';
import { type FakeDingTalk, startFakeDingTalk } from '../fakes/dingtalk';
import { configFor, demoCompany, type HarnessLog, quiet, rig } from './channel-harness';
import type { TestDb } from './db';

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

/**
 * The DingTalk channel in this process on a fresh demo company (SQLite), pointed at a loopback
 * fake of DingTalk, with the delivery dispatcher running; in http mode a real HTTP server
 * serves POST /channels/dingtalk/events. No Temporal.
 */
export async function startDingTalkHarness(
  opts: { mode?: 'stream' | 'http'; cardTemplateId?: string; delivery?: Partial<AppConfig['delivery']>; log?: HarnessLog } = {},
): Promise<DingTalkHarness> {
  const mode = opts.mode ?? 'stream';
  const fake = await startFakeDingTalk();
  const t = await demoCompany();
  for (const login of DINGTALK_PEOPLE) {
    const u = await t.db.models.User.findOne({ where: { login } });
    if (u) fake.addPerson({ userId: staffIdOf(login), name: u.name, mobile: u.mobile ?? undefined, jobNumber: u.employeeNo ?? undefined });
  }
  fake.addGroup(WAREHOUSE_GROUP, '仓库群', ['chenjing', 'zhangwei'].map(staffIdOf));
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
      const dingtalk = (await startDingTalk({ config, db: t.db, bot, log })) as DingTalkRunning;
      await dingtalk.ready;
      return dingtalk;
    },
    mode === 'http',
  );
  if (r.base) fake.useCallbackUrl(`${r.base}/channels/dingtalk/events`);
  else await fake.gateway.waitForConnection();
  return {
    fake,
    t,
    dingtalk: r.running,
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
