import type { Obj } from './proto';
import { structuredFromStrings } from './schedule-calendar';

/**
 * Cron strings as the real server reads them: an optional `CRON_TZ=`/`TZ=` zone, an optional
 * `# comment`, then 5 to 7 fields, a predefined `@daily`-style name, or `@every <duration>[/<phase>]`.
 */

const PREDEFINED: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Go-style durations as cron's `@every` takes them: `90s`, `1h30m`, `2d`. */
export function parseDurationMs(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/y;
  let total = 0;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) throw new Error(`invalid duration '${s}'`);
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    i = re.lastIndex;
  }
  if (!s) throw new Error('invalid duration');
  return total;
}

export interface CronParts {
  calendar: Obj | null;
  interval: Obj | null;
  /** the cron string's own time zone (`CRON_TZ=…`), '' when none */
  timezone: string;
}

/** A cron string: 5 (minute…day of week), 6 (+ year) or 7 (second first) fields, or @every. */
export function parseCron(input: string): CronParts {
  let c = input.trim();
  let timezone = '';
  if (c.startsWith('TZ=') || c.startsWith('CRON_TZ=')) {
    const sp = c.indexOf(' ');
    if (sp < 0) throw new Error('CronString has time zone but missing fields');
    timezone = c.slice(c.indexOf('=') + 1, sp);
    c = c.slice(sp + 1);
  }
  const hash = c.indexOf('#');
  const comment = hash >= 0 ? c.slice(hash + 1).trim() : '';
  c = (hash >= 0 ? c.slice(0, hash) : c).trim();
  if (c.startsWith('@every')) {
    const sp = c.indexOf(' ');
    if (sp < 0) throw new Error('CronString does not have interval after @every');
    const [every, phase] = c
      .slice(sp + 1)
      .trim()
      .split('/') as [string, string | undefined];
    const interval = { interval: durationObj(parseDurationMs(every)), phase: phase ? durationObj(parseDurationMs(phase)) : null };
    return { calendar: null, interval, timezone: '' };
  }
  c = PREDEFINED[c] ?? c;
  const f = c.split(/\s+/).filter(Boolean);
  let cal: Obj;
  if (f.length === 5) cal = { minute: f[0], hour: f[1], dayOfMonth: f[2], month: f[3], dayOfWeek: f[4] };
  else if (f.length === 6) cal = { minute: f[0], hour: f[1], dayOfMonth: f[2], month: f[3], dayOfWeek: f[4], year: f[5] };
  else if (f.length === 7) cal = { second: f[0], minute: f[1], hour: f[2], dayOfMonth: f[3], month: f[4], dayOfWeek: f[5], year: f[6] };
  else throw new Error('CronString does not have 5-7 fields');
  return { calendar: structuredFromStrings({ ...cal, comment }), interval: null, timezone };
}

function durationObj(ms: number): Obj {
  return { seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) };
}
