import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { Activities } from './activities';
import { Relations } from './children';
import { Clock } from './clock';
import { Engine } from './engine';
import { Executions } from './executions';
import { serviceDefinition, WORKFLOW_SERVICE } from './proto';
import { Queries } from './queries';
import { isOpen, type Run } from './run';
import { ScheduleRpcs } from './schedule-rpc';
import { Schedules } from './schedules';
import { workflowServiceHandlers } from './service';
import { type EventRow, type RunRow, Store } from './store';
import { Updates } from './updates';
import { WorkflowTasks } from './workflow-tasks';

export interface TemporalServerOptions {
  /** 0 = any free port */
  port?: number;
  host?: string;
  /** SQLite file holding every workflow; created when missing */
  dbPath: string;
  /**
   * 'auto': timers and timeouts fire as soon as nothing else can run (tests);
   * 'manual': time moves only through advanceTime(); false (default): wall-clock time.
   */
  virtualClock?: false | 'auto' | 'manual';
  log?: (msg: string) => void;
  /** closed runs kept in memory for reads (least recently used go first); default 500 */
  closedRunsInMemory?: number;
  /**
   * Virtual clock only: on a new database server time starts here (ms since the epoch, past
   * or future), so calendar tests run on a known date whatever today is; on an existing one it
   * only moves time forward to here, which stands for downtime when a test restarts later.
   */
  virtualStartMs?: number;
  /** tests only: runs before each group commit is written; throw to fail it, await to delay it */
  beforeWrite?: (batch: { runs: RunRow[]; events: EventRow[] }) => void | Promise<void>;
}

export interface TemporalServer {
  /** host:port for TEMPORAL_ADDRESS / the SDK's connection options */
  address: string;
  port: number;
  /** server time in ms (virtual time included) */
  now(): number;
  /** moves virtual time forward and fires what became due */
  advanceTime(ms: number): Promise<void>;
  /** what the server holds right now: for health checks and benchmarks */
  stats(): ServerStats;
  stop(): Promise<void>;
}

export interface ServerStats {
  runsInMemory: number;
  /** schedules held (all of them live in memory) */
  schedules: number;
  /** the workflow task queues matching holds (normal and sticky) */
  workflowTaskQueues: string[];
  workflowTaskBacklog: number;
  activityTaskBacklog: number;
  workflowPollersWaiting: number;
  activityPollersWaiting: number;
  eventLoopDelayMs: { p50: number; p99: number };
  /** group commits to SQLite: how many, how long on average, how many rows each */
  commits: { batches: number; avgMs: number; avgRuns: number; avgEvents: number; failedAttempts: number };
  /** per method: calls so far and average handling time (long polls include their wait) */
  rpcCalls: Record<string, { calls: number; avgMs: number }>;
}

/** Starts the embedded Temporal-protocol server on 127.0.0.1; every open workflow continues. */
export async function startTemporalServer(opts: TemporalServerOptions): Promise<TemporalServer> {
  const log = opts.log ?? ((msg: string) => process.stderr.write(`[temporal] ${msg}\n`));
  const store = await Store.open(opts.dbPath);
  store.beforeWrite = opts.beforeWrite ?? null;
  store.log = log;
  const clock = new Clock(Boolean(opts.virtualClock));
  if (opts.virtualClock) {
    const saved = await store.meta('clockOffset');
    if (saved !== undefined) clock.restoreOffset(Number(saved));
    else if (opts.virtualStartMs) clock.restoreOffset(opts.virtualStartMs - Date.now());
    if (opts.virtualStartMs) clock.advanceTo(opts.virtualStartMs);
  }
  const engine = new Engine(store, clock, opts.virtualClock === 'auto', opts.closedRunsInMemory);
  engine.log = log;
  const queries = new Queries(engine);
  const relations = new Relations(engine);
  const updates = new Updates(engine);
  const activities = new Activities(engine);
  const wfts = new WorkflowTasks(
    engine,
    queries,
    (a) => relations.runPostActions(a),
    updates,
    (run, sid, identity) => activities.startEager(run, sid, identity),
  );
  const executions = new Executions(engine, wfts);
  const schedules = new Schedules(engine, log);
  engine.onClose = (run) => {
    relations.onClose(run);
    updates.onClose(run);
    schedules.onClose(run);
  };
  engine.afterTick = () => schedules.tick();
  engine.dueHandler = (item) => {
    const run = engine.runs.get(item.runId);
    if (!run || !isOpen(run)) return;
    if (item.kind === 'activity-retry') activities.onRetryDue(run, item);
    else if (item.kind === 'activity-timeout') activities.onTimeoutDue(run, item);
    else executions.onDue(run, item);
  };

  const open = await engine.loadOpenRuns();
  for (const run of open) recover(engine, run, wfts, activities);
  // after the runs: a schedule looks at which of its workflows are still running
  await schedules.load();
  await engine.commit();
  if (open.length) log(`resumed ${open.length} open workflow run(s) from ${opts.dbPath}`);

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const rpcCounts = new Map<string, { calls: number; totalMs: number }>();
  const server = new Server({ 'grpc.max_receive_message_length': 128 * 1024 * 1024, 'grpc.max_send_message_length': 128 * 1024 * 1024 });
  server.addService(
    serviceDefinition(WORKFLOW_SERVICE),
    workflowServiceHandlers({
      engine,
      executions,
      wfts,
      activities,
      queries,
      updates,
      schedules: new ScheduleRpcs(engine, schedules),
      log,
      rpcCounts,
    }),
  );
  const host = opts.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${opts.port ?? 0}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );

  return {
    address: `${host}:${port}`,
    port,
    now: () => clock.now(),
    advanceTime: async (ms: number) => {
      clock.advanceTo(clock.now() + ms);
      engine.tick();
      await engine.commit();
    },
    stats: () => ({
      runsInMemory: engine.runs.size,
      schedules: schedules.all.size,
      workflowTaskQueues: engine.wftQueues.names(),
      workflowTaskBacklog: engine.wftQueues.backlog(),
      activityTaskBacklog: engine.activityQueues.backlog(),
      workflowPollersWaiting: engine.wftQueues.pollers(),
      activityPollersWaiting: engine.activityQueues.pollers(),
      eventLoopDelayMs: { p50: Math.round(loopDelay.percentile(50) / 1e4) / 100, p99: Math.round(loopDelay.percentile(99) / 1e4) / 100 },
      commits: {
        batches: store.flushStats.batches,
        avgMs: Math.round((store.flushStats.totalMs / Math.max(1, store.flushStats.batches)) * 100) / 100,
        avgRuns: Math.round((store.flushStats.runs / Math.max(1, store.flushStats.batches)) * 10) / 10,
        avgEvents: Math.round((store.flushStats.events / Math.max(1, store.flushStats.batches)) * 10) / 10,
        failedAttempts: store.flushStats.failures,
      },
      rpcCalls: Object.fromEntries(
        [...rpcCounts].map(([k, v]) => [k, { calls: v.calls, avgMs: Math.round((v.totalMs / v.calls) * 100) / 100 }]),
      ),
    }),
    stop: async () => {
      loopDelay.disable();
      engine.stop();
      schedules.stop();
      updates.stop();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
      await store.close();
    },
  };
}

/** Re-arms everything an open run was waiting on; what fell due while down fires at once. */
function recover(engine: Engine, run: Run, wfts: WorkflowTasks, activities: Activities): void {
  for (const t of Object.values(run.timers))
    engine.schedule(t.fireAtMs, { kind: 'timer', runId: run.runId, timerId: t.timerId, startedEventId: t.startedEventId });
  if (run.runDeadlineMs) engine.schedule(run.runDeadlineMs, { kind: 'run-timeout', runId: run.runId, deadline: run.runDeadlineMs });
  if (run.executionDeadlineMs)
    engine.schedule(run.executionDeadlineMs, { kind: 'run-timeout', runId: run.runId, deadline: run.executionDeadlineMs });
  activities.recover(run);
  if (run.wft) wfts.recover(run);
  else if (run.executionMs > run.startMs && !run.history.some((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED')) {
    engine.schedule(run.executionMs, { kind: 'start-delay', runId: run.runId });
  }
}
