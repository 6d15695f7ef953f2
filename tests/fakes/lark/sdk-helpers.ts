import * as lark from '@larksuiteoapi/node-sdk';
import { TokenCache } from '../../../bot/channels/lark/api-support';
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

/** An SDK client pointed at the fake, with its own cache and a quiet logger. */
export function sdkClient(fake: FakeLark, overrides: { appSecret?: string } = {}): lark.Client {
  return new lark.Client({
    appId: fake.appId,
    appSecret: overrides.appSecret ?? fake.appSecret,
    domain: fake.domain,
    cache: new TokenCache(), // a cache of its own: the SDK's default is module-global per appId
    logger: quietLogger(),
  });
}
