import { DeliveryError } from '../../delivery/delivery-error';

/** Lark's rate-limit answers: per user/chat (HTTP 400) and the gateway's per-app one (HTTP 429). */
const RATE_LIMIT_CODES = new Set([230020, 99991400]);
/** tenant token missing, invalid or expired: a fresh token fixes it */
export const TOKEN_INVALID_CODES = new Set([99991661, 99991663, 99991668]);
const DEFAULT_RETRY_AFTER_MS = 1000;

interface AxiosLike {
  isAxiosError?: boolean;
  code?: string;
  message: string;
  response?: { status: number; data?: unknown; headers?: Record<string, unknown> };
}

interface LarkBody {
  code?: unknown;
  msg?: unknown;
}

/** One Lark answer → DeliveryError. `status` is the HTTP status (200 for a body the SDK returned with code ≠ 0). */
export function classifyAnswer(what: string, status: number, body: unknown, headers?: Record<string, unknown>): DeliveryError {
  const { code, msg } = (typeof body === 'object' && body !== null ? body : {}) as LarkBody;
  const larkCode = typeof code === 'number' ? code : undefined;
  const detail = `${what}: Lark ${larkCode ?? '-'}${typeof msg === 'string' && msg ? ` ${msg}` : ''} (HTTP ${status})`;
  if (status === 429 || (larkCode !== undefined && RATE_LIMIT_CODES.has(larkCode))) {
    return new DeliveryError(detail, {
      retryable: true,
      rateLimited: true,
      retryAfterMs: resetMs(headers) ?? DEFAULT_RETRY_AFTER_MS,
      code: larkCode ?? status,
      // 230020 is about one user or chat; the gateway's 429 / 99991400 about the whole app
      limitScope: larkCode === 230020 ? 'target' : 'app',
    });
  }
  if (larkCode !== undefined && TOKEN_INVALID_CODES.has(larkCode)) return new DeliveryError(detail, { retryable: true, code: larkCode });
  if (status >= 500) return new DeliveryError(detail, { retryable: true, code: larkCode ?? `http_${status}` });
  return new DeliveryError(detail, { retryable: false, code: larkCode ?? `http_${status}` });
}

/** Anything the SDK threw → DeliveryError. */
export function classifyThrown(what: string, e: unknown): DeliveryError {
  if (e instanceof DeliveryError) return e;
  const err = e as AxiosLike;
  if (err?.isAxiosError) {
    if (err.response) return classifyAnswer(what, err.response.status, err.response.data, err.response.headers);
    // no answer at all: refused, reset, timed out
    return new DeliveryError(`${what}: ${err.code ?? 'network error'} ${err.message}`, { retryable: true, code: err.code ?? 'network' });
  }
  // the SDK's own error when the token endpoint answered HTTP 200 without a token
  const token = /failed to get tenant_access_token, code: (\S+), msg: (.*)$/.exec(err?.message ?? '');
  if (token) {
    const code = Number(token[1]);
    return Number.isNaN(code)
      ? new DeliveryError(`${what}: token request failed: ${token[2]}`, { retryable: true, code: 'token' })
      : classifyAnswer(`${what} (token)`, 200, { code, msg: token[2] });
  }
  return new DeliveryError(`${what}: ${err?.message ?? String(e)}`, { retryable: false, code: 'client' });
}

/** x-ogw-ratelimit-reset is in seconds */
function resetMs(headers: Record<string, unknown> | undefined): number | undefined {
  const raw = headers?.['x-ogw-ratelimit-reset'];
  const seconds = Number(raw);
  return raw !== undefined && Number.isFinite(seconds) && seconds >= 0 ? Math.max(seconds * 1000, 1) : undefined;
}
