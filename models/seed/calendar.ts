import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

export const DEMO_TODAY = '2026-11-23';
export const DEMO_TIMEZONE = 'Asia/Shanghai';

/**
 * Dates relative to the seed's "today" in the company's time zone. Every day of the window
 * is resolved through dayjs once and cached, because the scale seed asks for millions of
 * dates and a time-zone lookup per row would dominate its run time.
 */
export class Calendar {
  private readonly midnightMs = new Map<number, number>();
  private readonly dayText = new Map<number, string>();

  constructor(
    readonly today: string = DEMO_TODAY,
    readonly tz: string = DEMO_TIMEZONE,
  ) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(today) || !dayjs.tz(today, tz).isValid()) throw new Error(`today must be YYYY-MM-DD: ${today}`);
  }

  /** 'YYYY-MM-DD', offset days from today (negative = past) */
  day(offset: number): string {
    let s = this.dayText.get(offset);
    if (s === undefined) {
      s = dayjs.tz(this.today, this.tz).add(offset, 'day').format('YYYY-MM-DD');
      this.dayText.set(offset, s);
    }
    return s;
  }

  /** 'YYYYMMDD', as document numbers carry it */
  compact(offset: number): string {
    return this.day(offset).replaceAll('-', '');
  }

  /** the instant of hh:mm local time on the day `offset` days from today (hours count from local midnight: exact where there is no DST, as in China) */
  at(offset: number, hour = 9, minute = 0): Date {
    let ms = this.midnightMs.get(offset);
    if (ms === undefined) {
      ms = dayjs.tz(this.day(offset), this.tz).valueOf();
      this.midnightMs.set(offset, ms);
    }
    return new Date(ms + (hour * 60 + minute) * 60_000);
  }

  /** whole days from today to a 'YYYY-MM-DD' day (negative when it lies in the past) */
  offsetOf(date: string): number {
    return dayjs.tz(date, this.tz).diff(dayjs.tz(this.today, this.tz), 'day');
  }
}
