import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../../bot/delivery/backoff';
import { appWide, Limiter, windowsFor } from '../../../bot/delivery/limiter';
import { defaults } from '../../../config';

const lark = defaults.sendLimits.lark;

describe('send-limit windows', () => {
  it('puts a push under its recipient, a group reply under its chat, an update under the app and the message', () => {
    const unlimited = Number.MAX_SAFE_INTEGER;
    expect(windowsFor(lark, { channel: 'lark', kind: 'message', recipient: 'ou_1' }, 100)).toEqual([
      { key: 'lark:app', limit: unlimited, ms: 1100 },
      { key: 'lark:to:ou_1:s', limit: 5, ms: 1100 },
    ]);
    expect(windowsFor(lark, { channel: 'lark', kind: 'message', chat: 'oc_1' }, 0)).toEqual([
      { key: 'lark:app', limit: unlimited, ms: 1000 },
      { key: 'lark:chat:oc_1', limit: 5, ms: 1000 },
    ]);
    expect(windowsFor(lark, { channel: 'lark', kind: 'update', messageIds: ['om_1', 'om_2'] }, 0)).toEqual([
      { key: 'lark:updates', limit: 50, ms: 1000 },
      { key: 'lark:msg:om_1', limit: 5, ms: 1000 },
      { key: 'lark:msg:om_2', limit: 5, ms: 1000 },
    ]);
    const dingtalk = windowsFor(defaults.sendLimits.dingtalk, { channel: 'dingtalk', kind: 'message', recipient: 'u1' }, 0);
    expect(dingtalk.map((w) => [w.key, w.limit, w.ms])).toEqual([
      ['dingtalk:app', 20, 1000],
      ['dingtalk:to:u1:m', 20, 60_000],
      ['dingtalk:to:u1:d', 500, 86_400_000],
    ]);
  });

  it('lets `limit` sends into any window and makes the next wait until the oldest leaves it', () => {
    const l = new Limiter();
    const w = [{ key: 'k', limit: 3, ms: 1000 }];
    for (const at of [0, 10, 20]) {
      expect(l.waitMs(w, at)).toBe(0);
      l.take(w, at);
    }
    // a window is (now − ms, now]: the send at 0 has left it at 1000
    expect(l.waitMs(w, 30)).toBe(970);
    expect(l.waitMs(w, 999)).toBe(1);
    expect(l.waitMs(w, 1000)).toBe(0);
    l.take(w, 1000);
    expect(l.waitMs(w, 1001)).toBe(9);
    // another key is not held up
    expect(l.waitMs([{ key: 'other', limit: 3, ms: 1000 }], 30)).toBe(0);
  });

  it('counts a send from when it came back: one slow on its way holds its place longer', () => {
    const l = new Limiter();
    const w = [{ key: 'k', limit: 2, ms: 1000 }];
    l.take(w, 0);
    l.take(w, 10);
    // the first came back at 400, the second at 20: the platform may have counted the first at 399
    l.settle(w, 0, 400);
    l.settle(w, 10, 20);
    expect(l.waitMs(w, 1000)).toBe(20);
    expect(l.waitMs(w, 1020)).toBe(0);
    l.take(w, 1020);
    expect(l.waitMs(w, 1021)).toBe(379);
    // a send that came back at once changes nothing
    l.settle(w, 1020, 1020);
    expect(l.waitMs(w, 1400)).toBe(0);
    // one out longer than the window, its place pruned meanwhile, still counts from its return
    const slow = [{ key: 's', limit: 1, ms: 1000 }];
    l.take(slow, 0);
    expect(l.waitMs(slow, 1500)).toBe(0);
    l.settle(slow, 0, 1500);
    expect(l.waitMs(slow, 1500)).toBe(1000);
  });

  it('pauses only the app-wide windows when the platform said the whole app is too fast', () => {
    const l = new Limiter();
    const mine = windowsFor(lark, { channel: 'lark', kind: 'message', recipient: 'ou_1' }, 0);
    const theirs = windowsFor(lark, { channel: 'lark', kind: 'message', recipient: 'ou_2' }, 0);
    l.pause(appWide(mine), 800);
    expect(l.waitMs(theirs, 100)).toBe(700);
    const update = windowsFor(lark, { channel: 'lark', kind: 'update', messageIds: ['om_1'] }, 0);
    expect(l.waitMs(update, 100)).toBe(0);
  });

  it('waits out a pause the platform asked for, in every window of the send', () => {
    const l = new Limiter();
    const w = [
      { key: 'a', limit: 5, ms: 1000 },
      { key: 'b', limit: 5, ms: 1000 },
    ];
    l.pause(w, 500);
    expect(l.waitMs([w[1] as (typeof w)[number]], 100)).toBe(400);
    expect(l.waitMs(w, 500)).toBe(0);
    l.sweep(10_000, 1000);
    expect(l.waitMs(w, 10_000)).toBe(0);
  });
});

describe('retry backoff', () => {
  it('doubles from the base up to the cap, with jitter over the upper half', () => {
    const opts = { baseMs: 1000, maxMs: 8000 };
    expect([1, 2, 3, 4, 5, 9].map((a) => backoffMs(a, opts, () => 1))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect([1, 2, 3, 4].map((a) => backoffMs(a, opts, () => 0))).toEqual([500, 1000, 2000, 4000]);
  });
});
