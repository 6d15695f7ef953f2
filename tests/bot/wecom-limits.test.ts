import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWeCom, type WeComRunning } from '../../bot/channels/wecom';
import { type Dispatcher, startDispatcher } from '../../bot/delivery/dispatcher';
import { pushTo } from '../../bot/outbox';
import { PER_MEMBER_PER_MIN } from '../fakes/wecom';
import { quiet } from '../helpers/channel-harness';
import { MovingClock } from '../helpers/moving-clock';
import { until } from '../helpers/until';
import { startWeComHarness, useridOf, type WeComHarness } from '../helpers/wecom-harness';

/**
 * WeCom takes 30 messages a minute from one app to one member and drops the rest without a
 * word (im-platforms.md §3.5). A burst three times that, plain messages and reminders mixed,
 * must arrive whole: the reminders as one digest, the messages one by one, in order, at most
 * 30 in any minute of the fake's clock, also when the process starts anew in the middle of a
 * minute (its limiter empty, the minute's sends on WeCom's books). The fake, the channel and
 * the dispatcher read one clock the test moves, so a minute passes when the test says so, and
 * the test moves it only once the app is seen waiting for room.
 */
const TEXTS = 70;
const REMINDERS = 100;
const text = (i: number) => `出库通知 #${i}：订单待发货`;
const reminder = (i: number) => `提醒 #${i}：报价待审批`;

describe('a burst to one WeCom member, three times what WeCom takes in a minute', () => {
  const clock = new MovingClock();
  let h: WeComHarness;
  let restarted: { wecom: WeComRunning; delivery: Dispatcher } | null = null;
  const chen = () => h.fake.api.messagesTo(useridOf('chenjing'));
  const contentOf = (m: { content: Record<string, unknown> }) => String(m.content.content ?? '');
  /** the app waits for room in the member's minute: a sleep on the clock of most of a minute */
  const waitingForTheMinute = (what: string) =>
    until(what, () => {
      const longest = clock.sleeping()[0] ?? 0;
      return longest > 10_000 ? longest : undefined;
    });

  beforeAll(async () => {
    h = await startWeComHarness({ clock });
  }, 60_000);
  afterAll(async () => {
    await restarted?.delivery.stop();
    await restarted?.wecom.stop();
    await h?.close();
  });

  it('arrives complete as one digest and 70 messages, at most 30 a minute, none dropped, across a restart mid-minute', async () => {
    const id = await h.userId('chenjing');
    await h.t.db.writeTx(async (transaction) => {
      for (let i = 1; i <= Math.max(TEXTS, REMINDERS); i++) {
        if (i <= TEXTS) await pushTo(h.t.db, [id], { kind: 'text', text: text(i) }, { dedupeKey: `burst-text-${i}`, transaction });
        if (i <= REMINDERS)
          await pushTo(h.t.db, [id], { kind: 'text', text: reminder(i) }, { dedupeKey: `burst-rem-${i}`, digest: 'reminder', transaction });
      }
    });

    // the first minute's allowance goes out, then the app waits for room
    const firstWait = await waitingForTheMinute('the app waiting after the first 30');
    expect(chen()).toHaveLength(PER_MEMBER_PER_MIN);
    expect(h.fake.api.dropped).toBe(0);

    // the process starts anew within the same minute: an empty limiter, a new channel
    await h.delivery.stop();
    await h.wecom.stop();
    const bot = { db: h.t.db, config: h.config, now: () => new Date(), log: quiet };
    const wecom = (await startWeCom({ config: h.config, db: h.t.db, bot, log: quiet, now: clock.now })) as WeComRunning;
    const delivery = startDispatcher({
      db: h.t.db,
      config: h.config,
      channels: [wecom.channel],
      log: quiet,
      now: clock.now,
      wait: clock.sleep,
    });
    restarted = { wecom, delivery };
    // the channel counts the minute's sends from the database and has the dispatcher wait out the rest of it
    const secondWait = await waitingForTheMinute('the restarted app waiting for the rest of the minute');
    expect(secondWait).toBeLessThanOrEqual(firstWait);
    expect(chen()).toHaveLength(PER_MEMBER_PER_MIN);
    expect(h.fake.api.dropped).toBe(0);
    const pending = await h.t.db.models.Delivery.findAll({ where: { state: 'pending' }, attributes: ['attempts', 'lastError'] });
    // waiting for room is not a failure: nothing counted against the deliveries
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.filter((d) => d.attempts > 0 || d.lastError)).toEqual([]);

    // from here on the test lets a minute pass whenever the app waits for one
    const plain = () =>
      chen()
        .map(contentOf)
        .filter((c) => c.startsWith('出库通知'));
    clock.advance(secondWait);
    for (let minutes = 1; plain().length < TEXTS; minutes++) {
      expect(minutes, 'minutes it took').toBeLessThanOrEqual(4);
      const wait = await until('the app sending the rest or waiting for room', () =>
        plain().length >= TEXTS ? -1 : (clock.sleeping()[0] ?? 0) > 10_000 ? (clock.sleeping()[0] as number) : undefined,
      );
      if (wait > 0) clock.advance(wait);
    }
    await delivery.settled();

    const got = chen();
    expect(h.fake.api.dropped).toBe(0);
    expect(h.fake.api.droppedBy).toEqual({});
    // no minute of the fake's clock saw more than 30
    const at = got.map((m) => m.at);
    for (const [i, t0] of at.entries())
      expect(at.filter((t) => t >= t0 && t < t0 + 60_000).length, `the minute from message ${i}`).toBeLessThanOrEqual(PER_MEMBER_PER_MIN);
    // the plain messages once each, in order; the reminders in one digest (in as many parts as 2048 bytes need)
    expect(plain()).toEqual(Array.from({ length: TEXTS }, (_, i) => text(i + 1)));
    const digest = got.map(contentOf).filter((c) => !c.startsWith('出库通知'));
    expect(got).toHaveLength(TEXTS + digest.length);
    expect(digest[0]).toMatch(/^🔔 提醒汇总 Reminders（100）/);
    expect(digest.length).toBeLessThanOrEqual(3);
    const all = digest.join('\n');
    for (let i = 1; i <= REMINDERS; i++) expect(all).toContain(`${i}. ${reminder(i)}`);
    expect(await h.t.db.models.Delivery.count({ where: { state: 'dead' } })).toBe(0);
  }, 30_000);
});
