import { type ServerUnaryCall, type sendUnaryData, status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Activities } from './activities';
import type { Engine } from './engine';
import { RpcError } from './errors';
import type { Executions } from './executions';
import { getHistory } from './history';
import { type Obj, root, WORKFLOW_SERVICE } from './proto';
import type { Queries } from './queries';
import type { ScheduleRpcs } from './schedule-rpc';
import type { Updates } from './updates';
import type { WorkflowTasks } from './workflow-tasks';

/** Long polls answer empty well before the SDK's 70 s deadline. */
export const POLL_TIMEOUT_MS = 20_000;

type OnCancel = (fn: () => void) => () => void;
type Handler = (req: Obj, onCancel: OnCancel) => Promise<Obj> | Obj;

export interface Parts {
  engine: Engine;
  executions: Executions;
  wfts: WorkflowTasks;
  activities: Activities;
  queries: Queries;
  updates: Updates;
  schedules: ScheduleRpcs;
  log: (msg: string) => void;
  /** calls and total handling time per RPC method, for stats() */
  rpcCounts: Map<string, { calls: number; totalMs: number }>;
}

export function workflowServiceHandlers(p: Parts): UntypedServiceImplementation {
  const handlers: Record<string, Handler> = {
    GetSystemInfo: () => ({
      serverVersion: '1.24.0-q2c-embedded',
      capabilities: {
        signalAndQueryHeader: true,
        internalErrorDifferentiation: true,
        activityFailureIncludeHeartbeat: true,
        supportsSchedules: true,
        encodedFailureAttributes: true,
        buildIdBasedVersioning: false,
        upsertMemo: true,
        eagerWorkflowStart: false,
        sdkMetadata: true,
        countGroupByExecutionStatus: false,
        nexus: false,
      },
    }),
    DescribeNamespace: (req) => {
      if (req.namespace && req.namespace !== 'default') throw new RpcError(status.NOT_FOUND, `Namespace ${req.namespace} is not found.`);
      return {
        namespaceInfo: {
          name: 'default',
          state: 'NAMESPACE_STATE_REGISTERED',
          id: '00000000-0000-4000-8000-000000000000',
          description: 'embedded',
        },
        config: { workflowExecutionRetentionTtl: { seconds: 7 * 86_400, nanos: 0 } },
        isGlobalNamespace: false,
      };
    },
    StartWorkflowExecution: (req) => p.executions.start(req),
    SignalWorkflowExecution: (req) => p.executions.signal(req),
    SignalWithStartWorkflowExecution: (req) => p.executions.signalWithStart(req),
    RequestCancelWorkflowExecution: (req) => p.executions.requestCancel(req),
    TerminateWorkflowExecution: (req) => p.executions.terminate(req),
    DescribeWorkflowExecution: (req) => p.executions.describe(req),
    GetWorkflowExecutionHistory: (req, onCancel) => getHistory(p.engine, req, onCancel),
    ListWorkflowExecutions: (req) => p.executions.list(req),
    ScanWorkflowExecutions: (req) => p.executions.list(req),
    CountWorkflowExecutions: (req) => p.executions.count(req),
    GetSearchAttributes: () => ({ keys: {} }),
    QueryWorkflow: (req, onCancel) => p.queries.query(req, onCancel),
    UpdateWorkflowExecution: (req, onCancel) => p.updates.update(req, onCancel),
    PollWorkflowExecutionUpdate: (req, onCancel) => p.updates.poll(req, onCancel),
    RespondQueryTaskCompleted: (req) => p.queries.respondQueryTaskCompleted(req),
    PollWorkflowTaskQueue: (req, onCancel) => p.wfts.poll(req, onCancel, POLL_TIMEOUT_MS),
    RespondWorkflowTaskCompleted: (req) => p.wfts.complete(req),
    RespondWorkflowTaskFailed: (req) => p.wfts.fail(req),
    PollActivityTaskQueue: (req, onCancel) => p.activities.poll(req, onCancel, POLL_TIMEOUT_MS),
    RespondActivityTaskCompleted: (req) => p.activities.completed(req),
    RespondActivityTaskCompletedById: (req) => p.activities.completed(req),
    RespondActivityTaskFailed: (req) => p.activities.failed(req),
    RespondActivityTaskFailedById: (req) => p.activities.failed(req),
    RespondActivityTaskCanceled: (req) => p.activities.canceled(req),
    RespondActivityTaskCanceledById: (req) => p.activities.canceled(req),
    RecordActivityTaskHeartbeat: (req) => p.activities.heartbeat(req),
    RecordActivityTaskHeartbeatById: (req) => p.activities.heartbeat(req),
    CreateSchedule: (req) => p.schedules.create(req),
    DescribeSchedule: (req) => p.schedules.describe(req),
    ListSchedules: (req) => p.schedules.list(req),
    UpdateSchedule: (req) => p.schedules.update(req),
    PatchSchedule: (req) => p.schedules.patch(req),
    DeleteSchedule: (req) => p.schedules.delete(req),
    ListScheduleMatchingTimes: (req) => p.schedules.matchingTimes(req),
    ShutdownWorker: (req) => {
      if (req.stickyTaskQueue) p.engine.sticky.drop(req.stickyTaskQueue);
      return {};
    },
  };

  const logged = new Set<string>();
  const impl: UntypedServiceImplementation = {};
  for (const method of root.lookupService(WORKFLOW_SERVICE).methodsArray) {
    const h = handlers[method.name];
    impl[method.name] = (call: ServerUnaryCall<Obj, Obj>, callback: sendUnaryData<Obj>) => {
      let counter = p.rpcCounts.get(method.name);
      if (!counter) {
        counter = { calls: 0, totalMs: 0 };
        p.rpcCounts.set(method.name, counter);
      }
      counter.calls++;
      const t0 = performance.now();
      const tally = () => {
        counter.totalMs += performance.now() - t0;
      };
      if (!h) {
        if (!logged.has(method.name)) {
          logged.add(method.name);
          p.log(`RPC ${method.name} is not implemented by the embedded server`);
        }
        callback({ code: status.UNIMPLEMENTED, details: `${method.name} is not implemented by the embedded Temporal server` });
        return;
      }
      const onCancel: OnCancel = (fn) => {
        call.on('cancelled', fn);
        return () => call.off('cancelled', fn);
      };
      Promise.resolve()
        .then(() => h(call.request, onCancel))
        .then(
          (res) => {
            tally();
            callback(null, res);
          },
          (err: unknown) => {
            tally();
            if (err instanceof RpcError) callback({ code: err.code, details: err.message });
            else {
              p.log(`RPC ${method.name} failed: ${(err as Error).stack ?? err}`);
              callback({ code: status.INTERNAL, details: (err as Error).message });
            }
          },
        );
    };
  }
  return impl;
}
