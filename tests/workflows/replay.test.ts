import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, type ReplayResult, Runtime, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowBundle } from '../../app/worker';
import { historyFromJSON } from './history-json';

/**
 * Every recorded history of an earlier release (fixtures/, README "Changing a workflow safely")
 * replays on today's workflow code, bundled as the product's worker bundles it. A change that
 * adds, drops or reorders a command (activity, timer, child, signal) without `patched()`
 * fails here with the DeterminismViolationError an open flow in production would hit.
 */
const dir = join(__dirname, 'fixtures');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, history: historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8'))) }));

const typeOf = (f: (typeof fixtures)[number]) => f.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
const isOpen = (f: (typeof fixtures)[number]) => !f.history.events?.at(-1)?.workflowExecutionCompletedEventAttributes;

describe('replay of the recorded histories on the current workflow code', () => {
  const results = new Map<string, ReplayResult>();
  beforeAll(async () => {
    // a replay worker logs each state change at INFO; what matters comes as WARN or as r.error
    Runtime.install({ logger: new DefaultLogger('WARN') });
    // one replay worker for all of them: each history runs in a fresh workflow context anyway
    const replays = Worker.runReplayHistories(
      { workflowBundle: await workflowBundle() },
      fixtures.map((f) => ({ workflowId: f.file, history: f.history })),
    );
    for await (const r of replays) results.set(r.workflowId, r);
  }, 120_000);

  it('the fixtures hold open and closed flows of both workflows', () => {
    for (const type of ['quoteToCash', 'receivableCollection']) {
      const ofType = fixtures.filter((f) => typeOf(f) === type);
      expect(ofType.filter(isOpen).length, `open ${type} fixtures`).toBeGreaterThan(0);
      expect(ofType.filter((f) => !isOpen(f)).length, `closed ${type} fixtures`).toBeGreaterThan(0);
    }
  });

  it.each(fixtures.map((f) => f.file))('%s', (file) => {
    const r = results.get(file);
    expect(r, `no replay result for ${file}`).toBeDefined();
    // rethrown whole, so the report names the command that no longer matches
    if (r?.error) throw r.error;
  });
});
