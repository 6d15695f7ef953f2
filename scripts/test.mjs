#!/usr/bin/env node
// The one test command (npm test, and so .ci/run): lint and format check, type check, then
// every vitest suite — on SQLite always, and on PostgreSQL when 127.0.0.1:5432 answers.
import { spawnSync } from 'node:child_process';
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

function step(title, cmd, args, env = process.env) {
  console.log(`\n── ${title}: ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  console.log(`── ${title}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const pgState = await pgReachable();
if (pgState === true) {
  console.log(`PostgreSQL: reachable at ${PG_URL} — the model, stock and rule tests run on SQLite AND PostgreSQL.`);
} else {
  console.log(`PostgreSQL: NOT reachable at ${PG_URL} (${pgState}) — SKIPPING the PostgreSQL runs; SQLite only.`);
}

const bin = (name) => `node_modules/.bin/${name}`;
step('lint + format', bin('biome'), ['ci', '--reporter=summary', '.']);
step('types', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
step('tests', bin('vitest'), ['run', ...process.argv.slice(2)], { ...process.env, TESTS_PG: pgState === true ? '1' : '0', TZ: 'UTC' });
