import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommandLine, UsageError } from '../../config/cli-args';

const ROOT = join(__dirname, '..', '..');

/** Runs a CLI as npm does (node + tsx) on a data directory of its own. */
function run(script: string, args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', CONFIG_FILE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  // a CLI that ignores a bad flag goes on to do its work (a server keeps running): stop it
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('parseCommandLine', () => {
  const seed = { options: { scale: { type: 'string' }, seed: { type: 'string' } } } as const;

  it('reads --flag value and --flag=value alike', () => {
    expect(parseCommandLine(seed, ['--scale', '1_000', '--seed=7']).values).toEqual({ scale: '1_000', seed: '7' });
  });

  it.each([
    [['--scal', '5'], /Unknown option '--scal'/],
    [['--scale'], /--scale <value>' argument missing/],
    [['extra'], /Unexpected argument 'extra'/],
  ])('refuses %j as a usage error', (args, message) => {
    expect(() => parseCommandLine(seed, args)).toThrow(UsageError);
    expect(() => parseCommandLine(seed, args)).toThrow(message);
  });

  it('knows -h and --help without each CLI declaring them', () => {
    expect(parseCommandLine(seed, ['-h']).help).toBe(true);
    expect(parseCommandLine(seed, ['--help']).help).toBe(true);
    expect(parseCommandLine(seed, []).help).toBe(false);
  });
});

describe('each CLI, given a flag it does not know', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'q2c-cli-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  // the server's --db points into the fresh directory, so a CLI that went on to run would leave a file there
  it.each([
    ['models/seed/cli.ts', ['--scael', '10'], '--scael', /npm run seed/],
    ['models/migrations/cli.ts', ['--down'], '--down', /npm run migrate/],
    ['models/migrations/cli.ts', ['dwon'], 'dwon', /npm run migrate/],
    ['temporal-server/cli.ts', ['--port', '0', '--db', 'DIR/t.sqlite', '--bogus'], '--bogus', /npm run temporal-server/],
    ['temporal-server/cli.ts', ['--port', '70000', '--db', 'DIR/t.sqlite'], '70000', /npm run temporal-server/],
  ])(
    '%s %j: names %s, prints the usage, exits 2 and touches nothing',
    async (script, args, named, usage) => {
      const dataDir = fresh();
      const r = await run(
        script,
        args.map((a) => a.replace('DIR', dataDir)),
        dataDir,
      );
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.stderr).toMatch(usage);
      expect(r.stderr).toContain(named);
      expect(readdirSync(dataDir)).toEqual([]);
    },
    30_000,
  );

  it('--help prints the usage and exits 0', async () => {
    const r = await run('models/seed/cli.ts', ['--help'], fresh());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/npm run seed \[-- --scale N\]/);
  }, 30_000);
});
