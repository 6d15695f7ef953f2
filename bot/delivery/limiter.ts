import type { SendLimit } from '../../config/schema';

/**
 * The platforms' send limits as sliding windows, one log of send times per key. A send waits
 * until every window it falls in has room; it is never dropped. Windows are widened by a
 * margin: the platform counts by its own clock when the request arrives, we count when we send.
 */
export interface Window {
  key: string;
  limit: number;
  ms: number;
}

export class Limiter {
  private readonly sent = new Map<string, number[]>();
  private readonly pausedUntil = new Map<string, number>();

  /** ms until all these windows have room (0: now) */
  waitMs(windows: readonly Window[], now: number): number {
    let wait = 0;
    for (const w of windows) {
      const paused = this.pausedUntil.get(w.key) ?? 0;
      if (paused > now) wait = Math.max(wait, paused - now);
      const log = this.prune(w, now);
      if (log.length >= w.limit) wait = Math.max(wait, (log[log.length - w.limit] as number) + w.ms - now);
    }
    return wait;
  }

  take(windows: readonly Window[], now: number): void {
    for (const w of windows) {
      const log = this.sent.get(w.key) ?? [];
      log.push(now);
      this.sent.set(w.key, log);
    }
  }

  /**
   * A send that took its places at `at` came back at `now`: it holds them from `now`. The
   * platform counts it on arrival, somewhere in between; counted from when it left, a send
   * that was slow on its way (the first of a burst, queued behind the others) would let the
   * one that fills the window again arrive inside the platform's window.
   */
  settle(windows: readonly Window[], at: number, now: number): void {
    if (now <= at) return;
    for (const w of windows) {
      const log = this.sent.get(w.key) ?? [];
      this.sent.set(w.key, log);
      // a send out longer than the window may have had its place pruned meanwhile: it counts all the same
      const i = log.lastIndexOf(at);
      if (i >= 0) log.splice(i, 1);
      let j = log.length;
      while (j > 0 && (log[j - 1] as number) > now) j--;
      log.splice(j, 0, now);
    }
  }

  /** the platform said "too many": nothing more in these windows until then */
  pause(windows: readonly Window[], untilMs: number): void {
    for (const w of windows) this.pausedUntil.set(w.key, Math.max(untilMs, this.pausedUntil.get(w.key) ?? 0));
  }

  /** forget keys with nothing in their window (called now and then) */
  sweep(now: number, longestMs: number): void {
    for (const [key, log] of this.sent) if (!log.length || (log[log.length - 1] as number) < now - longestMs) this.sent.delete(key);
    for (const [key, until] of this.pausedUntil) if (until < now) this.pausedUntil.delete(key);
  }

  private prune(w: Window, now: number): number[] {
    const log = this.sent.get(w.key);
    if (!log) return [];
    let drop = 0;
    while (drop < log.length && (log[drop] as number) <= now - w.ms) drop++;
    if (drop) log.splice(0, drop);
    return log;
  }
}

export interface SendTarget {
  channel: string;
  kind: 'message' | 'update';
  /** the recipient on the platform, or the group chat a reply goes to */
  recipient?: string;
  chat?: string;
  /** updates: the messages changed */
  messageIds?: readonly string[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

/** the app-wide windows of a send (the first of what windowsFor gives) */
export const appWide = (windows: readonly Window[]): Window[] => windows.filter((w) => /:(app|updates)(:[md])?$/.test(w.key));

/** The windows one send falls in, from the channel's configured limits. */
export function windowsFor(limits: SendLimit, t: SendTarget, marginMs: number): Window[] {
  const out: Window[] = [];
  const add = (key: string, limit: number | null, ms: number) => {
    if (limit !== null) out.push({ key: `${t.channel}:${key}`, limit, ms: ms + marginMs });
  };
  // every send has an app-wide window, limited or not: an app-wide "too many" pauses it
  if (t.kind === 'update') {
    add('updates', limits.updatesPerAppPerSecond ?? Number.MAX_SAFE_INTEGER, SECOND);
    for (const m of t.messageIds ?? []) add(`msg:${m}`, limits.updatesPerMessagePerSecond, SECOND);
    return out;
  }
  add('app', limits.perAppPerSecond ?? Number.MAX_SAFE_INTEGER, SECOND);
  add('app:m', limits.perAppPerMinute ?? null, MINUTE);
  add('app:d', limits.perAppPerDay ?? null, DAY);
  if (t.chat) add(`chat:${t.chat}`, limits.perChatPerSecond, SECOND);
  else if (t.recipient) {
    add(`to:${t.recipient}:s`, limits.perRecipientPerSecond, SECOND);
    add(`to:${t.recipient}:m`, limits.perRecipientPerMinute, MINUTE);
    add(`to:${t.recipient}:d`, limits.perRecipientPerDay, DAY);
  }
  return out;
}
