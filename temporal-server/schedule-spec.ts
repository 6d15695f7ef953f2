import { createHash } from 'node:crypto';
import { msFromDuration, msFromTs, type Obj } from './proto';
import { cleanRanges, MAX_YEAR, structuredFromStrings, validateStructured, WallCalendar } from './schedule-calendar';
import { parseCron } from './schedule-cron';
import { TimeZone } from './time-zone';

/**
 * A schedule spec compiled the way the real server does it: calendar strings and cron strings
 * are folded into structured calendars and intervals (that canonical form is what describe
 * shows), then matching times are computed at one-second resolution in the spec's time zone,
 * minus exclusions, inside start/end time, with deterministic jitter.
 */

export class SpecError extends Error {}

/** Canonical form of a spec; throws SpecError with the real server's wording for a bad one. */
export function canonicalSpec(input: Obj | null | undefined): Obj {
  const spec = input ?? {};
  try {
    const structured: Obj[] = [...(spec.structuredCalendar ?? [])];
    const excluded: Obj[] = [...(spec.excludeStructuredCalendar ?? [])];
    const intervals: Obj[] = [...(spec.interval ?? [])];
    for (const cal of spec.calendar ?? []) structured.push(structuredFromStrings(cal));
    for (const cal of spec.excludeCalendar ?? []) excluded.push(structuredFromStrings(cal));
    let cronTz: string | undefined;
    for (const cron of spec.cronString ?? []) {
      const parts = parseCron(cron);
      if (cronTz !== undefined && cronTz !== parts.timezone) throw new Error('conflicting timezone names');
      cronTz = parts.timezone;
      if (parts.calendar) structured.push(parts.calendar);
      if (parts.interval) intervals.push(parts.interval);
    }
    let timezoneName: string = spec.timezoneName ?? '';
    if (cronTz) {
      if (timezoneName && timezoneName !== cronTz) throw new Error('conflicting timezone names');
      timezoneName = cronTz;
    }
    for (const cal of structured) validateStructured(cal);
    for (const iv of intervals) {
      const every = msFromDuration(iv.interval);
      const phase = msFromDuration(iv.phase);
      if (every < 1000) throw new Error('interval is too small');
      if (phase < 0) throw new Error('phase is negative');
      if (phase >= every) throw new Error('phase cannot be greater than Interval');
    }
    try {
      new TimeZone(timezoneName);
    } catch {
      throw new Error(`unknown time zone ${timezoneName}`);
    }
    return {
      structuredCalendar: structured,
      excludeStructuredCalendar: excluded,
      interval: intervals,
      startTime: spec.startTime ?? null,
      endTime: spec.endTime ?? null,
      jitter: spec.jitter ?? null,
      timezoneName,
    };
  } catch (e) {
    throw new SpecError((e as Error).message);
  }
}

/** The spec as describe returns it: ranges cleaned (end ≥ start, step ≥ 1). */
export function describedSpec(canonical: Obj): Obj {
  return {
    ...canonical,
    structuredCalendar: (canonical.structuredCalendar ?? []).map(cleanRanges),
    excludeStructuredCalendar: (canonical.excludeStructuredCalendar ?? []).map(cleanRanges),
  };
}

export interface NextTime {
  /** the matching time (ms) before jitter: the started workflow's id carries it */
  nominal: number;
  /** when it is actually taken (ms), jitter added */
  next: number;
}

/** Exclusions can hide matches for a long way: give up after this many candidates. */
const MAX_EXCLUDED_CANDIDATES = 100_000;

export class CompiledSpec {
  private readonly zone: TimeZone;
  private readonly calendars: WallCalendar[];
  private readonly excludes: WallCalendar[];
  private readonly intervals: { every: number; phase: number }[];
  private readonly startS: number | null;
  private readonly endS: number | null;
  private readonly jitterMs: number;

  constructor(
    canonical: Obj,
    private readonly jitterSeed: string,
  ) {
    this.zone = new TimeZone(canonical.timezoneName ?? '');
    this.calendars = (canonical.structuredCalendar ?? []).map((c: Obj) => new WallCalendar(c));
    this.excludes = (canonical.excludeStructuredCalendar ?? []).map((c: Obj) => new WallCalendar(c));
    this.intervals = (canonical.interval ?? []).map((iv: Obj) => ({
      every: Math.max(1, Math.floor(msFromDuration(iv.interval) / 1000)),
      phase: Math.max(0, Math.floor(msFromDuration(iv.phase) / 1000)),
    }));
    this.startS = canonical.startTime ? Math.floor(msFromTs(canonical.startTime) / 1000) : null;
    this.endS = canonical.endTime ? msFromTs(canonical.endTime) / 1000 : null;
    this.jitterMs = msFromDuration(canonical.jitter);
  }

  /** The first action time strictly after `afterMs`, or null when the spec has no more. */
  next(afterMs: number): NextTime | null {
    let after = Math.floor(afterMs / 1000);
    if (this.startS !== null) after = Math.max(after, this.startS - 1);
    let nominal: number | null = null;
    for (let i = 0; nominal === null || this.excluded(nominal); i++) {
      if (i >= MAX_EXCLUDED_CANDIDATES) return null;
      nominal = this.rawNext(after);
      if (nominal === null || (this.endS !== null && nominal > this.endS)) return null;
      after = nominal;
    }
    if (this.jitterMs <= 0) return { nominal: nominal * 1000, next: nominal * 1000 };
    // jitter never pushes a fire past the next nominal time
    const following = this.rawNext(nominal);
    const maxJitter = following === null ? this.jitterMs : Math.min(this.jitterMs, (following - nominal) * 1000);
    return { nominal: nominal * 1000, next: nominal * 1000 + this.jitter(nominal, maxJitter) };
  }

  /** Action times in (fromMs, toMs], at most `limit` of them. */
  between(fromMs: number, toMs: number, limit: number): NextTime[] {
    const out: NextTime[] = [];
    for (let t = this.next(fromMs); t && t.next <= toMs && out.length < limit; t = this.next(t.next)) out.push(t);
    return out;
  }

  private rawNext(after: number): number | null {
    let best: number | null = null;
    for (const cal of this.calendars) {
      const t = this.calendarNext(cal, after);
      if (t !== null && (best === null || t < best)) best = t;
    }
    for (const { every, phase } of this.intervals) {
      const t = (Math.floor((after - phase) / every) + 1) * every + phase;
      if (best === null || t < best) best = t;
    }
    return best;
  }

  /**
   * The first instant after `after` whose wall time matches. Wall times are searched under the
   * offset in force; if the offset changes before the candidate, the search restarts at the
   * change under the new offset. So a wall time skipped by a spring-forward never fires, and
   * one repeated by a fall-back fires twice — as the real server does.
   */
  private calendarNext(cal: WallCalendar, after: number): number | null {
    let t = after;
    let inclusive = false;
    for (let guard = 0; guard < 10_000; guard++) {
      const o = this.zone.offset(t);
      const wall = cal.firstFrom(t + o + (inclusive ? 0 : 1));
      if (wall === null) return null;
      const candidate = wall - o;
      const change = this.zone.firstChange(t, candidate);
      if (change === null) return new Date(candidate * 1000).getUTCFullYear() > MAX_YEAR ? null : candidate;
      t = change;
      inclusive = true;
    }
    return null;
  }

  private excluded(t: number): boolean {
    if (this.excludes.length === 0) return false;
    const wall = t + this.zone.offset(t);
    return this.excludes.some((c) => c.matches(wall));
  }

  /** Deterministic jitter in [0, max) ms from the nominal time and the schedule. */
  private jitter(nominal: number, maxMs: number): number {
    if (maxMs <= 0) return 0;
    const h = createHash('sha256').update(`${nominal}/${this.jitterSeed}`).digest();
    return Math.floor((h.readUInt32BE(0) / 2 ** 32) * Math.floor(maxMs));
  }
}
