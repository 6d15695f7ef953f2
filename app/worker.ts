import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createNotifier } from '../bot/notify';
import type { AppConfig } from '../config';
import type { Db } from '../models/db';
import type { Logger } from './logger';

/**
 * The Temporal worker of the product: the workflows of workflows/ (bundled once per process)
 * and the activities built on this process's database. Runs until stop().
 */
export interface WorkerHandle {
  state(): string;
  health(): { ok: boolean; state: string; taskQueue: string };
  stop(): Promise<void>;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: join(__dirname, '..', 'workflows', 'index.ts'), logger: new DefaultLogger('ERROR') });
  return bundle;
}

let runtimeInstalled = false;
function installRuntime(level: 'ERROR' | 'WARN') {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch {
    // already installed by someone else in this process (tests): keep theirs
  }
}

export async function startWorker(opts: {
  config: AppConfig;
  db: Db;
  address: string;
  log?: Logger;
  /** the activities' clock; the system's unless a test gives its own */
  clock?: () => Date;
}): Promise<WorkerHandle> {
  installRuntime(opts.config.app.logLevel === 'debug' ? 'WARN' : 'ERROR');
  // gzip between processes on one machine only costs CPU on both ends
  const connection = await NativeConnection.connect({ address: opts.address, grpcCompression: { codec: 'none' } });
  const worker = await Worker.create({
    connection,
    namespace: opts.config.temporal.namespace,
    taskQueue: opts.config.temporal.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({
      db: opts.db,
      config: opts.config,
      clock: opts.clock ?? (() => new Date()),
      notify: createNotifier(opts.db),
    }),
    // the SDK's default keeps 80 % of workflow pollers on sticky queues, starving new flows
    nonStickyToStickyPollRatio: 1,
  });
  const running = worker.run().catch((e) => {
    opts.log?.error(`worker stopped: ${(e as Error).message}`);
  });
  return {
    state: () => worker.getState(),
    health: () => ({ ok: worker.getState() === 'RUNNING', state: worker.getState(), taskQueue: opts.config.temporal.taskQueue }),
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
