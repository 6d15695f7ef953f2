/**
 * The benchmark's worker, in a process of its own (as in production): polls the embedded
 * server and reports each `mark` activity's start time to the parent over IPC.
 */
import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const address = process.env.BENCH_ADDRESS as string;
  const bundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'engine-workflows.ts'), logger: new DefaultLogger('ERROR') });
  // gzip on loopback only costs CPU on both sides: the worker sends plain protobuf here.
  const nc = await NativeConnection.connect({ address, grpcCompression: { codec: 'none' } });
  const worker = await Worker.create({
    connection: nc,
    taskQueue: 'bench',
    workflowBundle: bundle,
    maxCachedWorkflows: 2000,
    workflowThreadPoolSize: Number(process.env.BENCH_WF_THREADS ?? 1),
    maxConcurrentWorkflowTaskExecutions: 200,
    maxConcurrentActivityTaskExecutions: 200,
    // Without these the SDK keeps 80 % of its workflow pollers on sticky queues and starves new workflows.
    maxConcurrentWorkflowTaskPolls: 20,
    nonStickyToStickyPollRatio: 1,
    maxConcurrentActivityTaskPolls: 10,
    activities: {
      work: async (n: number) => n + 1,
      mark: async (id: string) => {
        process.send?.({ id, at: performance.timeOrigin + performance.now() });
      },
    },
  });
  process.on('SIGTERM', () => worker.shutdown());
  process.send?.({ ready: true });
  await worker.run();
  await nc.close();
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
