/**
 * A time zone's UTC offset at any instant, from the IANA database that ships with Node (Intl),
 * and where the offset changes. Schedules need both: a calendar names wall-clock times, and
 * around a DST change one wall time has no instant or two.
 */

const SEARCH_STEP_S = 7 * 86_400;
const CACHE_LIMIT = 50_000;

export class TimeZone {
  private readonly fmt: Intl.DateTimeFormat | null;
  /** offset (seconds) per minute of time: scans revisit the same minutes */
  private readonly cache = new Map<number, number>();

  /** Throws RangeError for a name the database does not know. */
  constructor(readonly name: string) {
    this.fmt =
      name === '' || name === 'UTC'
        ? null
        : new Intl.DateTimeFormat('en-US', {
            timeZone: name,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
          });
  }

  get fixed(): boolean {
    return this.fmt === null;
  }

  /** Seconds to add to an instant (Unix seconds) to get its wall-clock time. */
  offset(t: number): number {
    if (!this.fmt) return 0;
    const minute = Math.floor(t / 60);
    const hit = this.cache.get(minute);
    if (hit !== undefined) return hit;
    const p: Record<string, number> = {};
    for (const part of this.fmt.formatToParts(minute * 60_000)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year as number, (p.month as number) - 1, p.day, p.hour, p.minute, p.second) / 1000;
    const off = wall - minute * 60;
    if (this.cache.size > CACHE_LIMIT) this.cache.clear();
    this.cache.set(minute, off);
    return off;
  }

  /**
   * The first instant in (from, to] whose offset differs from the offset at `from`, or null.
   * Offsets change on whole minutes and, in every zone in use, more than a week apart: stepping a week at
   * a time and then bisecting finds each change.
   */
  firstChange(from: number, to: number): number | null {
    if (!this.fmt || to <= from) return null;
    const o = this.offset(from);
    let lo = from;
    for (;;) {
      const hi = Math.min(lo + SEARCH_STEP_S, to);
      if (this.offset(hi) !== o) return this.bisect(lo, hi, o);
      if (hi >= to) return null;
      lo = hi;
    }
  }

  private bisect(lo: number, hi: number, o: number): number {
    // offset(lo) === o, offset(hi) !== o
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offset(mid) === o) lo = mid;
      else hi = mid;
    }
    return hi;
  }
}
