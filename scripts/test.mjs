#!/usr/bin/env node
// The one test command (npm test, and so .ci/run): lint and format check, type check, then
// every vitest suite — on SQLite always, and on PostgreSQL when 127.0.0.1:5432 answers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const PG_URL = process.env.TESTS_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function pgReachable() {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (e) {
    return e.message;
  } finally {
    await client.end().catch(() => {});
  }
}

function step(title, cmd, args, env = process.env, exitOnFailure = true) {
  console.log(`\n── ${title}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  console.log(`── ${title}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0 && exitOnFailure) process.exit(r.status ?? 1);
  return r.status === 0;
}

const pgState = await pgReachable();
if (pgState === true) {
  console.log(`PostgreSQL: reachable at ${PG_URL} — the model, stock and rule tests run on SQLite AND PostgreSQL.`);
} else {
  console.log(`PostgreSQL: NOT reachable at ${PG_URL} (${pgState}) — SKIPPING the PostgreSQL runs; SQLite only.`);
}

// The browser tests drive Debian's Chromium; a fresh machine does not have it yet.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.log(`Chromium: not found at ${CHROMIUM} — installing Debian's chromium package`);
  const asRoot = (args) => (process.getuid?.() === 0 ? args : ['sudo', ...args]);
  const run = (args) => {
    const [cmd, ...rest] = asRoot(args);
    spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  if (!existsSync(CHROMIUM)) console.log('Chromium: installation failed — the browser tests will fail and say so');
}

const bin = (name) => `node_modules/.bin/${name}`;
step('lint + format', bin('biome'), ['ci', '--reporter=summary', '.']);
step('types', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
const results = join(mkdtempSync(join(tmpdir(), 'q2c-test-')), 'results.json');
const testEnv = { ...process.env, TESTS_PG: pgState === true ? '1' : '0', TZ: 'UTC' };
const ok = step(
  'tests',
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)],
  testEnv,
  false,
);
// One plain closing line that CI reads, whatever the runner prints above it.
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
}
process.exit(ok ? 0 : 1);
