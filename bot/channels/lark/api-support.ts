import * as lark from '@larksuiteoapi/node-sdk';

/** What the Lark client logs through; the program's Logger fits. */
export type LarkApiLog = Partial<Record<'debug' | 'info' | 'warn' | 'error', (msg: string) => void>>;

type CacheKey = Parameters<lark.Cache['get']>[0];

/**
 * The client's own token cache: the SDK's default one is module-global per appId, so two
 * clients (tests, or a re-created client after a config change) would share a token.
 * `clear()` lets the API drop a token Lark called invalid, so the next call fetches a new one.
 */
export class TokenCache implements lark.Cache {
  private readonly values = new Map<string, { value: unknown; expiresAt?: number }>();

  async set(key: CacheKey, value: unknown, expiresAt?: number, options?: { namespace?: string }): Promise<boolean> {
    this.values.set(`${options?.namespace}/${String(key)}`, { value, expiresAt });
    return true;
  }

  async get(key: CacheKey, options?: { namespace?: string }): Promise<unknown> {
    const hit = this.values.get(`${options?.namespace}/${String(key)}`);
    return hit && (!hit.expiresAt || hit.expiresAt > Date.now()) ? hit.value : undefined;
  }

  clear(): void {
    this.values.clear();
  }
}

/**
 * The SDK logs every failed request at error level and then throws; the caller turns the
 * throw into a DeliveryError the outbox reports. So the SDK's own lines go to debug, where
 * they help when reading a failure but do not double every error in the log.
 */
export function sdkLogger(log: LarkApiLog | undefined): lark.Logger {
  const write = (...args: unknown[]) => log?.debug?.(`lark sdk: ${args.flat().map(describe).join(' ')}`);
  return { error: write, warn: write, info: write, debug: write, trace: () => {} };
}

function describe(arg: unknown): string {
  if (arg instanceof Error) return arg.message;
  if (typeof arg === 'string') return arg;
  try {
    return JSON.stringify(arg).slice(0, 500);
  } catch {
    return String(arg);
  }
}

/**
 * The SDK's own HTTP instance (its response interceptor unwraps bodies) with a timeout on
 * every request, the token fetch included: the SDK sets none, and a hung socket would hold
 * a delivery forever.
 */
export function httpWithTimeout(timeoutMs: number): lark.HttpInstance {
  // typed as axios, but its interceptor returns bodies: exactly the SDK's HttpInstance contract
  const base = lark.defaultHttpInstance as unknown as lark.HttpInstance;
  const t = <O extends object>(opts?: O) => ({ timeout: timeoutMs, ...opts });
  return {
    request: (opts) => base.request(t(opts)),
    get: (url, opts) => base.get(url, t(opts)),
    delete: (url, opts) => base.delete(url, t(opts)),
    head: (url, opts) => base.head(url, t(opts)),
    options: (url, opts) => base.options(url, t(opts)),
    post: (url, data, opts) => base.post(url, data, t(opts)),
    put: (url, data, opts) => base.put(url, data, t(opts)),
    patch: (url, data, opts) => base.patch(url, data, t(opts)),
  };
}
