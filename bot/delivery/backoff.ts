/**
 * The wait before retry number `attempt` (1 = the first retry): exponential from `baseMs`,
 * capped at `maxMs`, with full jitter over its upper half so that many deliveries failing at
 * once (the platform was down) do not all come back in the same instant.
 */
export function backoffMs(attempt: number, opts: { baseMs: number; maxMs: number }, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
