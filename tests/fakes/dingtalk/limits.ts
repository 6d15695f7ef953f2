import { createHash } from 'node:crypto';

/**
 * What DingTalk does with a robot message to one person, on the fake's clock
 * (im-platforms.md §2.2, §2.6, README "DingTalk"): more than 20 in a minute is flow-controlled
 * (reported back in `flowControlledStaffIdList`, nothing sent); over 500 in a day, or content
 * that person already got today, is dropped without a word. A day is Beijing's calendar day.
 * Every verdict other than "sent" is logged, so a test can assert none was silent, and the
 * app's pace on each API is watched against the 20 calls a second a standard DingTalk org is
 * given (over it DingTalk queues, so it is counted, not refused).
 */
export interface FakeLimits {
  perUserPerMinute: number;
  perUserPerDay: number;
  /** calls of the whole app to one API, per second (watched, not refused: DingTalk queues them) */
  perAppPerSecond: number;
}

export const DINGTALK_LIMITS: FakeLimits = { perUserPerMinute: 20, perUserPerDay: 500, perAppPerSecond: 20 };

export type Verdict = 'sent' | 'throttled' | 'dropped';

export interface Drop {
  userId: string;
  why: 'overBudget' | 'identical' | 'flowControlled';
  content: string;
  at: number;
}

const DAY_MS = 86_400_000;
const BEIJING_MS = 8 * 3_600_000;
/** DingTalk's day: Beijing time */
export const beijingDay = (ms: number) => Math.floor((ms + BEIJING_MS) / DAY_MS);

export class FakeDingTalkLimits {
  limits: FakeLimits = { ...DINGTALK_LIMITS };
  readonly drops = { overBudget: 0, identical: 0, flowControlled: 0 };
  readonly dropLog: Drop[] = [];
  /** sends that went over perAppPerSecond (DingTalk would have queued them: the app's limiter should not) */
  appOverPace = 0;
  private readonly sentTo = new Map<string, number[]>();
  private readonly contentSeen = new Set<string>();
  private readonly appCalls = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** 'sent' (and counted), 'throttled' (reported back) or 'dropped' (silently), as DingTalk decides */
  admit(userId: string, content: string): Verdict {
    const now = this.now();
    const times = (this.sentTo.get(userId) ?? []).filter((t) => now - t < DAY_MS);
    this.sentTo.set(userId, times);
    if (times.filter((t) => now - t < 60_000).length >= this.limits.perUserPerMinute) return this.drop(userId, 'flowControlled', content);
    if (times.length >= this.limits.perUserPerDay) return this.drop(userId, 'overBudget', content);
    const key = `${userId}|${beijingDay(now)}|${createHash('sha1').update(content).digest('hex')}`;
    if (this.contentSeen.has(key)) return this.drop(userId, 'identical', content);
    this.contentSeen.add(key);
    times.push(now);
    return 'sent';
  }

  /** one call of the app to an API (every send and update counts, to a person or not) */
  watchApp(api: string, now = this.now()): void {
    const calls = (this.appCalls.get(api) ?? []).filter((t) => now - t < 1000);
    if (calls.length >= this.limits.perAppPerSecond) this.appOverPace++;
    calls.push(now);
    this.appCalls.set(api, calls);
  }

  private drop(userId: string, why: Drop['why'], content: string): Verdict {
    this.drops[why]++;
    this.dropLog.push({ userId, why, content, at: this.now() });
    return why === 'flowControlled' ? 'throttled' : 'dropped';
  }
}
