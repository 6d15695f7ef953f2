import * as lark from '@larksuiteoapi/node-sdk';
import type { FakeLark } from './fake';

/** A logger that keeps what the SDK says instead of printing it (loggerLevel 0 is ignored by the SDK). */
export function quietLogger(): lark.Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep =
    (level: string) =>
    (...msg: unknown[]) => {
      lines.push(`${level} ${msg.map((m) => (m instanceof Error ? m.message : JSON.stringify(m))).join(' ')}`);
    };
  return { lines, error: keep('error'), warn: keep('warn'), info: keep('info'), debug: keep('debug'), trace: keep('trace') };
}

/** A token cache of one's own: the SDK's default one is module-global per appId. */
type CacheKey = Parameters<lark.Cache['get']>[0];

export class MapCache implements lark.Cache {
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

/** An SDK client pointed at the fake, with its own cache and a quiet logger. */
export function sdkClient(fake: FakeLark, overrides: { appSecret?: string } = {}): lark.Client {
  return new lark.Client({
    appId: fake.appId,
    appSecret: overrides.appSecret ?? fake.appSecret,
    domain: fake.domain,
    cache: new MapCache(),
    logger: quietLogger(),
  });
}
