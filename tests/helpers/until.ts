/**
 * Waits, bounded, for something that happens asynchronously (a delivery, a reply): polls
 * `get` every 25 ms until it gives a value that is not undefined, null or false, and names
 * what it waited for when it gives up.
 */
export async function until<T>(
  what: string,
  get: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  rounds = 400,
): Promise<T> {
  for (let i = 0; i < rounds; i++) {
    const v = await get();
    if (v !== undefined && v !== null && v !== false) return v as T;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
