/**
 * Times as people in the business read them, computed without Intl or dayjs so workflow code
 * stays deterministic: Asia/Shanghai is UTC+8 all year (no daylight saving since 1991).
 */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** "11-23 14:05" in Shanghai time */
export function shanghaiMinute(epochMs: number): string {
  const d = new Date(epochMs + SHANGHAI_OFFSET_MS);
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** "2 小时" / "2 hours", "35 分钟" below an hour, days above two days */
export function elapsed(ms: number): { zh: string; en: string } {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return { zh: `${minutes} 分钟`, en: `${minutes} min` };
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return { zh: `${hours} 小时`, en: `${hours} h` };
  return { zh: `${Math.floor(hours / 24)} 天`, en: `${Math.floor(hours / 24)} days` };
}
