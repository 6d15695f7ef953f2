import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkerOptions,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { startTemporalServer, type TemporalServer, type TemporalServerOptions } from '../../temporal-server';
import { createTestActivities } from './activities';

let runtimeInstalled = false;
/** The core logs warnings only: activity failures are expected in these tests. */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: join(__dirname, 'workflows.ts'), logger: new DefaultLogger('ERROR') });
  return bundle;
}

export interface Env {
  server: TemporalServer;
  client: Client;
  worker: Worker;
  calls: Map<string, number>;
  taskQueue: string;
  dir: string;
  stop(): Promise<void>;
}

export interface EnvOptions {
  virtualClock?: false | 'auto' | 'manual';
  taskQueue?: string;
  /** reuse this directory's database (a restart) and leave it behind on stop */
  dir?: string;
  server?: Partial<TemporalServerOptions>;
  worker?: Partial<WorkerOptions>;
}

/** Server (virtual clock unless told otherwise), a running worker with the test activities, a client. */
export async function startEnv(opts: EnvOptions = {}): Promise<Env> {
  quietRuntime();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'q2c-temporal-'));
  const server = await startTemporalServer({
    dbPath: join(dir, 'temporal.sqlite'),
    virtualClock: opts.virtualClock ?? 'auto',
    log: () => {},
    ...opts.server,
  });
  const taskQueue = opts.taskQueue ?? 'conformance';
  const calls = new Map<string, number>();
  const nc = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection: nc,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createTestActivities(calls),
    ...opts.worker,
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  return {
    server,
    client,
    worker,
    calls,
    taskQueue,
    dir,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await nc.close();
      await connection.close();
      await server.stop();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A server bug hangs a workflow instead of failing it: every wait in these tests is bounded. */
export async function within<T>(ms: number, p: Promise<T>, what = 'workflow'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The history the server wrote must replay on the real SDK without a nondeterminism error. */
export async function replays(handle: WorkflowHandle): Promise<void> {
  const history = await handle.fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, handle.workflowId);
}

export async function eventTypes(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).map((e) => String(temporal.api.enums.v1.EventType[e.eventType ?? 0]).replace('EVENT_TYPE_', ''));
}

let n = 0;
export const wid = (prefix: string) => `${prefix}-${process.pid}-${Date.now()}-${n++}`;

/** The server in a child process, as `npm run temporal-server` runs it, so it can be SIGKILLed. */
export function startServerProcess(port: number, db: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'temporal-server/cli.ts', '--port', String(port), '--db', db], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('listening on')) resolve(child);
    });
    child.stderr!.on('data', (d) => {
      out += d;
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
