/** One-line structured-enough logs: time, level, message; level filtered from config. */
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];
export type Logger = Record<LogLevel, (msg: string) => void>;

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stdout.write(l)): Logger {
  const min = LEVELS.indexOf(level);
  const make = (l: LogLevel) => (msg: string) => {
    if (LEVELS.indexOf(l) >= min) write(`${new Date().toISOString()} ${l.toUpperCase().padEnd(5)} ${msg}\n`);
  };
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') };
}
