import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTo } from '../../bot/outbox';
import type { SentMessage } from '../fakes/wechat';
import { VirtualClock } from '../helpers/virtual-clock';
import { startWeChatHarness, type WeChatHarness, wxidOf } from '../helpers/wechat-harness';

/** the most sends in any window of `ms` ending at a send */
function busiest(sends: readonly SentMessage[], ms: number): number {
  const at = sends.map((s) => s.at).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < at.length; i++) {
    while ((at[j] as number) <= (at[i] as number) - ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

const REMINDED = ['chenjing', 'liuyang', 'lina'];
const NOTIFIED = ['zhangwei', 'wangfang', 'liqiang', 'admin'];
const REMINDERS = 100;
const NOTICES = 10;

/**
 * A burst over WeChat's limits with the default, conservative ones (config/defaults.ts): 300
 * reminders to three people and 40 plain notices to four, at once. The dispatcher runs on a virtual clock (waiting for
 * room under a limit moves it on), so minutes of sending take a second; the mock records every
 * message at the same clock. Everything arrives, the reminders as digests, and no window of a
 * second, a minute or a day ever holds more than the defaults allow.
 */
describe('a burst to WeChat within the default limits', () => {
  let h: WeChatHarness;
  const clock = new VirtualClock();
  beforeAll(async () => {
    h = await startWeChatHarness({ clock });
  }, 60_000);
  afterAll(async () => h?.close());

  it('arrives complete, reminders as digests, never over the per-second, per-minute and per-person limits', async () => {
    const limits = h.config.sendLimits.wechaty;
    const ids = new Map<string, number>();
    for (const login of [...REMINDED, ...NOTIFIED]) ids.set(login, await h.userId(login));
    const started = clock.now();
    for (let i = 1; i <= REMINDERS; i++)
      await pushTo(
        h.t.db,
        REMINDED.map((l) => ids.get(l) as number),
        { kind: 'text', text: `提醒 #${i}：应收待催收` },
        { dedupeKey: `burst-r-${i}`, digest: 'reminder' },
      );
    for (let i = 1; i <= NOTICES; i++)
      await pushTo(
        h.t.db,
        NOTIFIED.map((l) => ids.get(l) as number),
        { kind: 'text', text: `通知 #${i}` },
        { dedupeKey: `burst-n-${i}` },
      );
    await h.delivery.settled();

    for (const login of REMINDED) {
      const all = h.fake
        .sentTo(wxidOf(login))
        .map((m) => m.text)
        .join('\n');
      for (let i = 1; i <= REMINDERS; i++) expect(all, `${login} 提醒 #${i}`).toContain(`提醒 #${i}：`);
      // as digests: far fewer messages than reminders
      expect(h.fake.sentTo(wxidOf(login)).length).toBeLessThan(10);
    }
    for (const login of NOTIFIED)
      expect(h.fake.sentTo(wxidOf(login)).map((m) => m.text)).toEqual(Array.from({ length: NOTICES }, (_, i) => `通知 #${i + 1}`));

    const sent = h.fake.sent.filter((m) => m.at >= started);
    expect(busiest(sent, 1_000)).toBeLessThanOrEqual(limits.perAppPerSecond as number);
    // the account's pace was what held the burst back: a full minute's worth, never more
    expect(busiest(sent, 60_000)).toBe(limits.perAppPerMinute);
    expect(busiest(sent, 86_400_000)).toBeLessThanOrEqual(limits.perAppPerDay as number);
    for (const login of [...REMINDED, ...NOTIFIED]) {
      const theirs = sent.filter((m) => m.to === wxidOf(login));
      expect(busiest(theirs, 1_000)).toBeLessThanOrEqual(limits.perRecipientPerSecond as number);
      expect(busiest(theirs, 60_000)).toBeLessThanOrEqual(limits.perRecipientPerMinute as number);
    }
    // over 40 messages at 20 a minute: more than two minutes went by
    expect(Math.max(...sent.map((m) => m.at)) - started).toBeGreaterThan(120_000);
  }, 60_000);
});
