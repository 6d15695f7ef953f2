import type { ServiceDefinition } from '@grpc/grpc-js';
import type * as protobuf from 'protobufjs';

/**
 * The Temporal API as protobufjs reflection, straight from the SDK's own package: no .proto
 * compilation, and the wire format is exactly the one the SDK speaks.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const root: protobuf.Root = require('@temporalio/proto/protos/json-module');

export const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
export const OPERATOR_SERVICE = 'temporal.api.operatorservice.v1.OperatorService';
export const TEST_SERVICE = 'temporal.api.testservice.v1.TestService';

/** Requests arrive as plain objects: int64 as numbers, enums as names, bytes as Buffers. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, bytes: Buffer as unknown as StringConstructor };

export function type(name: string): protobuf.Type {
  return root.lookupType(name);
}

export const HistoryEventType = type('temporal.api.history.v1.HistoryEvent');
export const HistoryType = type('temporal.api.history.v1.History');

// biome-ignore lint/suspicious/noExplicitAny: protobuf plain objects are open-ended by nature
export type Obj = Record<string, any>;

export function decodeObject(t: protobuf.Type, buf: Uint8Array): Obj {
  return t.toObject(t.decode(buf), TO_OBJECT);
}

export function encodeObject(t: protobuf.Type, obj: Obj): Buffer {
  return Buffer.from(t.encode(t.fromObject(obj)).finish());
}

/** A grpc-js service definition for every method of a protobuf service. */
export function serviceDefinition(serviceName: string): ServiceDefinition {
  const svc = root.lookupService(serviceName);
  const def: Record<string, ServiceDefinition[string]> = {};
  for (const method of svc.methodsArray) {
    method.resolve();
    const req = method.resolvedRequestType as protobuf.Type;
    const res = method.resolvedResponseType as protobuf.Type;
    def[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (o: Obj) => encodeObject(req, o),
      requestDeserialize: (b: Buffer) => decodeObject(req, b),
      responseSerialize: (o: Obj) => encodeObject(res, o),
      responseDeserialize: (b: Buffer) => decodeObject(res, b),
    };
  }
  return def as ServiceDefinition;
}

export interface Timestamp {
  seconds: number;
  nanos: number;
}

export function tsFromMs(ms: number): Timestamp {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

export function msFromTs(t: Timestamp | null | undefined): number {
  if (!t) return 0;
  return Number(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1_000_000);
}

/** Durations arrive as {seconds, nanos}; 0 / absent means "no limit" throughout the API. */
export const msFromDuration = msFromTs;
export const durationFromMs = tsFromMs;
