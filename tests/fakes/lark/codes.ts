/**
 * Lark error answers the fake gives. The rate-limit and token codes are the documented ones
 * (see /work/shared/reference/im-platforms.md §1); the im/contact validation codes are the
 * documented families, picked as close as we know (exact code per case is a guess).
 */
export interface LarkAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function ok(data: Record<string, unknown> = {}, msg = 'success'): LarkAnswer {
  return { status: 200, body: { code: 0, msg, data } };
}

export function larkError(status: number, code: number, msg: string, headers?: Record<string, string>): LarkAnswer {
  return { status, body: { code, msg, error: { log_id: `fake-${Date.now()}` } }, headers };
}

export const CODES = {
  invalidParam: 230001,
  botNotInChat: 230002,
  messageNotFound: 230011,
  noAvailability: 230013,
  rateLimited: 230020,
  notUpdatable: 230031,
  cardContent: 230099,
  userNotFound: 41050,
  appRateLimited: 99991400,
  tokenMissing: 99991661,
  tokenInvalid: 99991663,
  appSecretInvalid: 10014,
  wsAuthFailed: 514,
} as const;

export const invalidParam = (why: string) => larkError(400, CODES.invalidParam, `invalid request parameter: ${why}`);
