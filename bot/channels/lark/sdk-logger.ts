import type * as lark from '@larksuiteoapi/node-sdk';

export interface Log {
  debug?(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

const line = (parts: unknown[]) =>
  `飞书 lark sdk: ${parts
    .flat()
    .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p)))
    .join(' ')}`.slice(0, 2000);

/**
 * The SDK logs through this instead of its own console logger (its loggerLevel 0 is ignored,
 * im-platforms.md §1.1): its info chatter goes to debug, its errors stay errors.
 */
export function sdkLogger(log: Log): lark.Logger {
  return {
    error: (...m: unknown[]) => log.error(line(m)),
    warn: (...m: unknown[]) => log.warn(line(m)),
    info: (...m: unknown[]) => log.debug?.(line(m)),
    debug: (...m: unknown[]) => log.debug?.(line(m)),
    trace: () => {},
  };
}
