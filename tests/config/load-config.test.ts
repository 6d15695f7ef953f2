import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, defaults, ENV_ALIASES, loadConfig } from '../../config';

const noFile = join(mkdtempSync(join(tmpdir(), 'q2c-cfg-')), 'none.json');
const load = (env: Record<string, string> = {}, extra: Parameters<typeof loadConfig>[0] = {}) =>
  loadConfig({ env: { CONFIG_FILE: '', ...env }, ...extra });

function writeJson(obj: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'q2c-cfg-')), 'config.json');
  writeFileSync(file, JSON.stringify(obj));
  return file;
}

describe('loadConfig', () => {
  it('returns the defaults when nothing is set', () => {
    const c = load();
    expect(c.app).toEqual({
      port: 3000,
      host: '127.0.0.1',
      consoleSignIn: 'auto',
      timezone: 'Asia/Shanghai',
      logLevel: 'info',
      dataDir: './data',
    });
    expect(c.approval.rules.map((r) => r.approverRole)).toEqual(['sales_manager', 'sales_director', 'finance']);
    expect(c.aging.buckets.map((b) => b.label)).toEqual(['0-30', '31-60', '61-90', '90+']);
    expect(c.reminders.dunningLadder.map((s) => s.daysOverdue)).toEqual([1, 7, 15, 30]);
    expect(c.vat.ratesBp).toEqual([1300, 900, 600, 0]);
  });

  it('is deeply frozen', () => {
    const c = load();
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.approval.rules[0])).toBe(true);
    expect(() => {
      (c.app as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it.each([
    ['PORT', '8080', (c: ReturnType<typeof load>) => c.app.port, 8080],
    ['HOST', '0.0.0.0', (c: ReturnType<typeof load>) => c.app.host, '0.0.0.0'],
    ['CONSOLE_SIGN_IN', 'always', (c: ReturnType<typeof load>) => c.app.consoleSignIn, 'always'],
    ['DATABASE_URL', 'postgres://u@h:5432/db', (c: ReturnType<typeof load>) => c.database.url, 'postgres://u@h:5432/db'],
    ['TEMPORAL_ADDRESS', 'temporal.local:7233', (c: ReturnType<typeof load>) => c.temporal.address, 'temporal.local:7233'],
    ['DB_LOG_SQL', 'yes', (c: ReturnType<typeof load>) => c.database.logSql, true],
    ['Q2C_REMINDERS__IDLE_LEAD_DAYS', '10', (c: ReturnType<typeof load>) => c.reminders.idleLeadDays, 10],
    [
      'Q2C_PRICING__GRADE_DISCOUNT_BP',
      '{"VIP":800,"A":300,"B":100,"C":0}',
      (c: ReturnType<typeof load>) => c.pricing.gradeDiscountBp.VIP,
      800,
    ],
  ])('env %s=%s overrides the default', (name, value, pick, expected) => {
    expect(pick(load({ [name]: value }))).toEqual(expected);
  });

  it('layers defaults < file < env < overrides, merging objects key by key', () => {
    const file = writeJson({ app: { port: 4000, logLevel: 'debug' }, reminders: { idleLeadDays: 3 } });
    const c = load({ CONFIG_FILE: file, PORT: '5000' }, { overrides: { reminders: { approvalReminderHours: 2 } } });
    expect(c.app.port).toBe(5000);
    expect(c.app.logLevel).toBe('debug');
    expect(c.app.timezone).toBe('Asia/Shanghai');
    expect(c.reminders.idleLeadDays).toBe(3);
    expect(c.reminders.approvalReminderHours).toBe(2);
    expect(c.reminders.dunningLadder).toEqual(defaults.reminders.dunningLadder);
  });

  it.each([
    [{ PORT: 'abc' }, /^config error: PORT = "abc": expected a number$/],
    [{ PORT: '70000' }, /^config error: app\.port = 70000 \(from env PORT\): .*65535/],
    [{ APP_TIMEZONE: 'Mars/Base' }, /^config error: app\.timezone = "Mars\/Base" \(from env APP_TIMEZONE\): expected an IANA time zone/],
    [{ LOG_LEVEL: 'loud' }, /^config error: app\.logLevel = "loud" \(from env LOG_LEVEL\): .*debug/],
    [
      { DATABASE_URL: 'mysql://x' },
      /^config error: database\.url = "mysql:\/\/x" \(from env DATABASE_URL\): expected sqlite:<file> or postgres/,
    ],
    [{ TEMPORAL_ADDRESS: 'no port' }, /^config error: temporal\.address = "no port" .*host:port/],
    [{ HOST: 'http://0.0.0.0' }, /^config error: app\.host = "http:\/\/0\.0\.0\.0" \(from env HOST\): expected a host name/],
    [{ CONSOLE_SIGN_IN: 'never' }, /^config error: app\.consoleSignIn = "never" \(from env CONSOLE_SIGN_IN\)/],
    [{ DB_LOG_SQL: 'maybe' }, /^config error: DB_LOG_SQL = "maybe": expected true or false$/],
    [{ Q2C_NO__SUCH_KEY: '1' }, /^config error: Q2C_NO__SUCH_KEY = "1": expected a known setting/],
    [{ Q2C_REMINDERS__DUNNING_LADDER: '[oops' }, /^config error: Q2C_REMINDERS__DUNNING_LADDER = "\[oops": expected JSON \(an array\)$/],
    [{ Q2C_REMINDERS__DUNNING_LADDER: '[]' }, /^config error: reminders\.dunningLadder = \[\] \(from env Q2C_REMINDERS__DUNNING_LADDER\)/],
    [{ Q2C_VAT__DEFAULT_RATE_BP: '1700' }, /^config error: vat = .*expected defaultRateBp to be one of ratesBp/],
  ])('refuses %o with one line naming key, value and expectation', (env, message) => {
    let error: unknown;
    try {
      load(env as Record<string, string>);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('names the file a bad value came from', () => {
    const file = writeJson({ approval: { rules: [{ approverRole: 'ceo', rank: 1, amountAtLeastFen: 1 }] } });
    expect(() => load({ CONFIG_FILE: file })).toThrow(/approval\.rules\.0\.approverRole = "ceo" \(from file .*config\.json\)/);
  });

  it.each([
    [{ approval: { rules: [{ approverRole: 'finance', rank: 1 }] } }, /expected at least one of amountAtLeastFen/],
    [{ approval: { rules: [{ approverRole: 'finance', rank: 1, amountAtLeastFen: -5 }] } }, /amountAtLeastFen = -5/],
    [{ approval: { rules: [{ approverRole: 'finance', rank: 1, amountAtLeastFen: 1.5 }] } }, /amountAtLeastFen = 1\.5/],
    [{ aging: { buckets: [{ label: 'a', fromDays: 1, toDays: 5 }] } }, /aging\.buckets\.0\.fromDays .*expected 0/],
    [
      {
        aging: {
          buckets: [
            { label: 'a', fromDays: 0, toDays: null },
            { label: 'b', fromDays: 1, toDays: 2 },
          ],
        },
      },
      /only the last bucket/,
    ],
    [
      {
        aging: {
          buckets: [
            { label: 'a', fromDays: 0, toDays: 30 },
            { label: 'b', fromDays: 40, toDays: null },
          ],
        },
      },
      /expected 31/,
    ],
    [{ app: { unknownKey: 1 } }, /app .*unknownKey/],
  ])('validates business settings from a file: %o', (content, message) => {
    expect(() => load({ CONFIG_FILE: writeJson(content) })).toThrow(message);
  });

  it('reads the Lark settings, and refuses webhook mode without an encrypt key', () => {
    expect(load().lark.appId).toBe('');
    const lark = load({ LARK_APP_ID: 'cli_0123456789abcdef', LARK_APP_SECRET: 's', LARK_MODE: 'webhook', LARK_ENCRYPT_KEY: 'k' }).lark;
    expect(lark).toMatchObject({ appId: 'cli_0123456789abcdef', mode: 'webhook', encryptKey: 'k', domain: 'https://open.feishu.cn' });
    expect(() => load({ LARK_APP_ID: 'cli_0123456789abcdef', LARK_APP_SECRET: 's', LARK_MODE: 'webhook' })).toThrow(
      /lark\.encryptKey.*LARK_ENCRYPT_KEY in webhook mode/,
    );
    expect(() => load({ LARK_APP_ID: 'cli_0123456789abcdef' })).toThrow(/lark\.appSecret/);
    expect(() => load({ LARK_MODE: 'poll' })).toThrow(/lark\.mode = "poll"/);
    expect(() => load({ LARK_DOMAIN: 'open.feishu.cn' })).toThrow(/lark\.domain/);
  });

  it('refuses a missing or broken config file with the path', () => {
    expect(() => load({ CONFIG_FILE: noFile })).toThrow(/CONFIG_FILE = ".*none\.json": expected an existing JSON file/);
    const broken = join(mkdtempSync(join(tmpdir(), 'q2c-cfg-')), 'broken.json');
    writeFileSync(broken, '{ port: ');
    expect(() => load({ CONFIG_FILE: broken })).toThrow(/expected valid JSON/);
  });

  it('stops an entry point with exit 1 and a single line on stderr', () => {
    let stderr = '';
    let status = 0;
    try {
      execFileSync(process.execPath, ['--import', 'tsx', '-e', "require('./config').loadConfigOrExit()"], {
        env: { ...process.env, PORT: 'not-a-port', CONFIG_FILE: '' },
        stdio: 'pipe',
      });
    } catch (e) {
      const err = e as { status: number; stderr: Buffer };
      status = err.status;
      stderr = err.stderr.toString();
    }
    expect(status).toBe(1);
    expect(stderr.trim()).toBe('config error: PORT = "not-a-port": expected a number');
  });
});

describe('.env.example', () => {
  const example = readFileSync('.env.example', 'utf8');
  const names = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);

  it.each(Object.keys(ENV_ALIASES))('lists the deployment variable %s', (name) => {
    expect(names).toContain(name);
  });

  it('lists a Q2C_ variable for every business setting, and each one loads', () => {
    // one variable per section.key; objects and arrays below that level are given as JSON
    const leafPaths = Object.entries(defaults).flatMap(([section, v]) => Object.keys(v).map((k) => `${section}.${k}`));
    const aliased = new Set(Object.values(ENV_ALIASES));
    const toEnv = (p: string) =>
      `Q2C_${p
        .split('.')
        .map((s) => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase())
        .join('__')}`;
    for (const p of leafPaths.filter((p) => !aliased.has(p))) expect(names).toContain(toEnv(p));
    const lines = [...example.matchAll(/^#?\s*(Q2C_[A-Z0-9_]+)=(.*)$/gm)];
    for (const [, name, value] of lines) expect(() => load({ [name as string]: value as string })).not.toThrow();
  });
});
