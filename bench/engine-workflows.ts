/** Workflows the engine benchmark drives (bundled for the worker: @temporalio/workflow only). */
import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';

export interface BenchActivities {
  work(n: number): Promise<number>;
  mark(id: string): Promise<void>;
}

const acts = proxyActivities<BenchActivities>({ startToCloseTimeout: '30s' });
export const go = defineSignal('go');

/** The unit of workflows_per_s: start, one activity, complete. */
export async function oneActivity(n: number): Promise<number> {
  return acts.work(n);
}

/** Waits for `go`, then its next activity starts: signal_p99_ms measures that gap. */
export async function signalThenActivity(id: string): Promise<void> {
  let released = false;
  setHandler(go, () => {
    released = true;
  });
  await condition(() => released);
  await acts.mark(id);
}

/** An open workflow parked on a signal: rss_mb_10k_open holds 10,000 of these. */
export async function parked(): Promise<void> {
  let released = false;
  setHandler(go, () => {
    released = true;
  });
  await condition(() => released);
}
