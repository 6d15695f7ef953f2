import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** The run command as a user starts it (node + tsx on main.ts), on a fresh data directory. */
function start(env: Record<string, string>): { child: ChildProcess; output: () => string; ready: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d;
      const m = /ready: (http:\/\/\S+)\/healthz/.exec(out);
      if (m) resolve(m[1] as string);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready:\n${out}`)));
  });
  return { child, output: () => out, ready };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'q2c-run-'));
  const env = { DATA_DIR: dataDir, PORT: '0', TEMPORAL_EMBEDDED_PORT: '0', DATABASE_URL: '', TEMPORAL_ADDRESS: '', CONFIG_FILE: '' };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('on an empty database: migrates, seeds the demo company, starts the embedded Temporal server, serves /healthz, stops on SIGTERM', async () => {
    const run = start(env);
    const base = await run.ready;
    // HOST defaults to 127.0.0.1, and the line says the address really bound, not a name for it
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.output()).toContain('loopback demo, user picker');
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, database: { ok: true, dialect: 'sqlite' }, temporal: { ok: true, mode: 'embedded' } });
    expect(run.output()).toContain('creating the demo company');
    expect(run.output()).toMatch(/Temporal: 内置服务器 embedded server at 127\.0\.0\.1:\d+/);
    run.child.kill('SIGTERM');
    expect(await exited(run.child)).toBe(0);
    expect(run.output()).toContain('已停止 stopped');
  }, 60_000);

  it('on the second start keeps the data and does not seed again', async () => {
    const run = start(env);
    await run.ready;
    expect(run.output()).not.toContain('creating the demo company');
    run.child.kill('SIGINT');
    const code = await exited(run.child);
    expect(code, run.output()).toBe(0);
  }, 60_000);

  it('refuses a bad setting with one line and exit code 1', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
      env: { ...process.env, ...env, PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    expect(await exited(child)).toBe(1);
    expect(err.trim()).toBe('config error: PORT = "eighty": expected a number');
  }, 30_000);
});
