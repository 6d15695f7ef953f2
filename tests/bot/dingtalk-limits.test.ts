import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTo } from '../../bot/outbox';
import type { FakeDelivered } from '../fakes/dingtalk';
import { type DingTalkHarness, staffIdOf, startDingTalkHarness } from '../helpers/dingtalk-harness';
import { JumpingClock } from '../helpers/jumping-clock';

/**
 * DingTalk's limits with its real figures (config/defaults.ts, the fake's limits.ts): 20
 * messages a minute and 500 a day to one person, identical content once a day, 20 calls a
 * second per API for the app. Over the first two DingTalk silently drops, so a burst must be
 * paced, merged into digests and made distinct, never cut. The fake, the channel and the
 * dispatcher share a virtual clock (tests/helpers/virtual-clock.ts): the dispatcher's waits for
 * room move it, so a day of budget goes by in seconds, and the fake judges every send at the
 * time it says. One send at a time (delivery.concurrency 1): a wait happens inside the only
 * send slot, so the clock never jumps while a request is on its way to the fake. Outbox rows
 * are stamped by the machine's clock, which the virtual one leaves a day behind: the age after
 * which a row is no longer handed to a channel is lifted for that.
 */
const DELIVERY = { concurrency: 1, maxAgeHours: 24 * 30 };
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** the most sends in any window of `ms`, from the fake's record of when each arrived */
function busiest(times: number[], ms: number): number {
  const t = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while ((t[i] as number) - (t[j] as number) >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

const textOf = (d: FakeDelivered) => d.param?.content ?? d.param?.text ?? '';

async function addPeople(h: DingTalkHarness, n: number): Promise<{ id: number; login: string }[]> {
  const made: { id: number; login: string }[] = [];
  for (let i = 0; i < n; i++) {
    const login = `burst${i}`;
    const mobile = `1391000${String(i).padStart(4, '0')}`;
    const u = await h.t.db.models.User.create({
      login,
      name: `批量${i}`,
      roleCode: 'rep',
      teamId: null,
      mobile,
      email: null,
      employeeNo: null,
    });
    h.fake.addPerson({ userId: staffIdOf(login), name: u.name, mobile });
    made.push({ id: u.id, login });
  }
  return made;
}

describe('DingTalk limits', () => {
  const clock = new JumpingClock();
  let h: DingTalkHarness;
  beforeAll(async () => {
    h = await startDingTalkHarness({ clock, delivery: DELIVERY });
  }, 120_000);
  afterAll(async () => h?.close());

  it('arrives whole, as messages and digests, paced so that DingTalk drops nothing', async () => {
    const liqiang = await h.userId('liqiang');
    const crowd = await addPeople(h, 24);
    const t0 = clock.now();
    await h.t.db.writeTx(async (transaction) => {
      for (let i = 0; i < 520; i++) {
        await pushTo(h.t.db, [liqiang], { kind: 'text', text: `订单 SO-${1000 + i} 状态已更新` }, { dedupeKey: `plain:${i}`, transaction });
        if (i < 300)
          await pushTo(
            h.t.db,
            [liqiang],
            { kind: 'text', text: `提醒 #${i}：跟进客户` },
            { dedupeKey: `rem:${i}`, digest: 'reminder', transaction },
          );
        if (i < 5) await pushTo(h.t.db, [liqiang], { kind: 'text', text: '请尽快确认回款' }, { dedupeKey: `same:${i}`, transaction });
      }
      // many people at once: the app's 20 calls a second are the bound
      for (let i = 0; i < 3; i++)
        await pushTo(
          h.t.db,
          crowd.map((u) => u.id),
          { kind: 'text', text: `通知 ${i}：系统维护` },
          { dedupeKey: `crowd:${i}`, transaction },
        );
    });
    await h.delivery.settled();

    expect(h.fake.state.drops).toEqual({ overBudget: 0, identical: 0, flowControlled: 0 });
    expect(h.fake.state.limiter.appOverPace).toBe(0);

    // everything 李强 was sent is there, once: every text, every reminder inside a digest
    const toLi = h.fake.deliveredTo(staffIdOf('liqiang'));
    const texts = toLi.map(textOf);
    const all = texts.join('\n');
    for (let i = 0; i < 520; i++) expect(texts.filter((t) => t === `订单 SO-${1000 + i} 状态已更新`)).toHaveLength(1);
    for (let i = 0; i < 300; i++) expect(all.split(`提醒 #${i}：跟进客户`)).toHaveLength(2);
    const digests = texts.filter((t) => t.startsWith('🔔 提醒汇总'));
    expect(digests.length).toBeGreaterThanOrEqual(2);
    expect(digests.length).toBeLessThan(10);
    // the same words five times, each made distinct (else DingTalk keeps the first only)
    expect(texts.filter((t) => t.startsWith('请尽快确认回款'))).toEqual([
      '请尽快确认回款',
      '请尽快确认回款（2）',
      '请尽快确认回款（3）',
      '请尽快确认回款（4）',
      '请尽快确认回款（5）',
    ]);
    // in the order they were written
    const order = texts.filter((t) => t.startsWith('订单 SO-')).map((t) => Number(/SO-(\d+)/.exec(t)?.[1]));
    expect(order).toEqual([...order].sort((a, b) => a - b));

    // the pace, as the fake's clock saw it: never 21 in a minute nor 501 in a day to him, and
    // what the day's budget held back went out the next day
    const times = toLi.map((d) => d.at);
    expect(toLi.length).toBeGreaterThan(500);
    expect(busiest(times, MINUTE)).toBeLessThanOrEqual(20);
    expect(busiest(times, DAY)).toBeLessThanOrEqual(500);
    const first = Math.min(...times);
    expect(times.filter((t) => t - first >= DAY)).toHaveLength(toLi.length - 500);
    expect(clock.now() - t0).toBeGreaterThan(DAY);

    // the crowd: each got its three, and the app never went over 20 a second
    for (const u of crowd) expect(h.fake.textsTo(staffIdOf(u.login))).toEqual([0, 1, 2].map((i) => `通知 ${i}：系统维护`));
    expect(
      busiest(
        h.fake.state.delivered.map((d) => d.at),
        1000,
      ),
    ).toBeLessThanOrEqual(20);
  }, 60_000);

  it('a repeat after the restart is still made distinct (the guard is rebuilt from the deliveries)', async () => {
    const sunli = await h.userId('sunli');
    const say = async (key: string) => {
      await pushTo(h.t.db, [sunli], { kind: 'text', text: '明天上午十点开会' }, { dedupeKey: key });
      await h.delivery.settled();
    };
    await say('meet:1');
    await say('meet:2');
    await h.restart();
    await say('meet:3');
    expect(h.fake.textsTo(staffIdOf('sunli'))).toEqual(['明天上午十点开会', '明天上午十点开会（2）', '明天上午十点开会（3）']);
    expect(h.fake.state.drops.identical).toBe(0);
  });

  it('the day’s budget spent before the restart still counts after it', async () => {
    const liuyang = await h.userId('liuyang');
    const push = async (from: number, to: number) => {
      await h.t.db.writeTx(async (transaction) => {
        for (let i = from; i < to; i++)
          await pushTo(h.t.db, [liuyang], { kind: 'text', text: `回款提醒 ${i}` }, { dedupeKey: `budget:${i}`, transaction });
      });
      await h.delivery.settled();
    };
    await push(0, 500);
    const first = Math.min(...h.fake.deliveredTo(staffIdOf('liuyang')).map((d) => d.at));
    await h.restart();
    await push(500, 510);
    const after = h.fake.deliveredTo(staffIdOf('liuyang'));
    expect(after.map(textOf)).toEqual(Array.from({ length: 510 }, (_, i) => `回款提醒 ${i}`));
    expect(h.fake.state.drops).toEqual({ overBudget: 0, identical: 0, flowControlled: 0 });
    // the ten after the restart waited for the day to turn over, as the first 500 had used it
    expect(after.slice(500).every((d) => d.at - first >= DAY)).toBe(true);
  }, 60_000);
});
