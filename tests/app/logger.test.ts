import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../app/logger';

/** The log's contract with its readers (people, the tests that wait for the ready line). */
function capture(level: LogLevel) {
  const lines: string[] = [];
  const log = createLogger(level, (l) => lines.push(l));
  return { log, entries: () => lines.map((l) => JSON.parse(l) as { level: string; time: string; msg: string }), lines };
}

describe('createLogger', () => {
  it('writes one JSON line per entry with the level by name, an ISO time and the message as given', () => {
    const { log, entries, lines } = capture('info');
    log.info('已启动 ready: http://localhost:3000/healthz — 控制台 console: "x"');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    const [e] = entries();
    expect(e).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      msg: '已启动 ready: http://localhost:3000/healthz — 控制台 console: "x"',
    });
    // the run command's readers match the raw text, not the parsed JSON
    expect(lines[0]).toMatch(/ready: (http:\/\/\S+)\/healthz/);
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('at %s writes only %j', (level, written) => {
    const { log, entries } = capture(level);
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(entries().map((e) => e.level)).toEqual(written);
  });
});
