import { createRequire } from 'node:module';
import type * as Proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

/**
 * Histories as proto3 JSON (the format of `temporal workflow show --output json`), the way the
 * SDK's historyToJSON / historyFromJSON (@temporalio/common/lib/proto-utils) write and read it.
 * Those two cannot be used here: they run the protojson of @temporalio/common's own copy of
 * protobufjs on a type built by @temporalio/proto's copy, and when npm installs two copies (it
 * does in this tree: the hoisted protobufjs is grpc's 7.x) its `instanceof Type` check throws
 * "type must be a Type". Taking protojson from the copy @temporalio/proto resolves works
 * whichever way npm lays the tree out.
 */
type History = Proto.temporal.api.history.v1.IHistory;
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
}
// the module itself, as the SDK takes it: an ESM namespace wrapper of it (vitest) has no `nested`
const load = createRequire(__filename);
const proto = load('@temporalio/proto') as typeof Proto;
const protojson = createRequire(load.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

export const historyToJSON = (history: History): string =>
  JSON.stringify(protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2);

// unknown fields are tolerated, as the SDK does: a newer server or SDK may have written them
export const historyFromJSON = (json: unknown): History => protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
