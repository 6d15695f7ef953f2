import { status } from '@grpc/grpc-js';

/** An RPC failure with the gRPC status the SDK expects for it. */
export class RpcError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new RpcError(status.NOT_FOUND, what);
export const invalid = (what: string) => new RpcError(status.INVALID_ARGUMENT, what);
export const alreadyExists = (what: string) => new RpcError(status.ALREADY_EXISTS, what);
export const unimplemented = (what: string) => new RpcError(status.UNIMPLEMENTED, what);
