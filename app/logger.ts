import pino from 'pino';

/**
 * The program's log: pino, one JSON line per entry (`{"level":"info","time":"…","msg":"…"}`),
 * level from config.app.logLevel. Call sites see only four methods taking a message, so the
 * rest of the code does not depend on pino. Written synchronously to stdout, with no
 * transport thread: `process.exit` right after a line (the stop path) must not lose it, and
 * a pretty-printer belongs in the reader's pipe (`| npx pino-pretty`), not in production.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = Record<LogLevel, (msg: string) => void>;

export function createLogger(level: LogLevel, write?: (line: string) => void): Logger {
  const destination = write ? { write } : pino.destination({ dest: 1, sync: true });
  const log = pino(
    {
      level,
      // pid and hostname on every line say nothing a one-process app needs
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return {
    debug: (msg) => log.debug(msg),
    info: (msg) => log.info(msg),
    warn: (msg) => log.warn(msg),
    error: (msg) => log.error(msg),
  };
}
