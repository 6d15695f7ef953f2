import protobuf from 'protobufjs';

/**
 * pbbp2.Frame, the long connection's wire format. The SDK does not export its generated code,
 * so the fake declares the same schema (field numbers from the SDK's lib/index.js).
 */
const root = protobuf.Root.fromJSON({
  nested: {
    pbbp2: {
      nested: {
        Header: {
          fields: {
            key: { rule: 'required', type: 'string', id: 1 },
            value: { rule: 'required', type: 'string', id: 2 },
          },
        },
        Frame: {
          fields: {
            SeqID: { rule: 'required', type: 'uint64', id: 1 },
            LogID: { rule: 'required', type: 'uint64', id: 2 },
            service: { rule: 'required', type: 'int32', id: 3 },
            method: { rule: 'required', type: 'int32', id: 4 },
            headers: { rule: 'repeated', type: 'Header', id: 5 },
            payloadEncoding: { type: 'string', id: 6 },
            payloadType: { type: 'string', id: 7 },
            payload: { type: 'bytes', id: 8 },
            LogIDNew: { type: 'string', id: 9 },
          },
        },
      },
    },
  },
});

const FrameType = root.lookupType('pbbp2.Frame');

export const METHOD_CONTROL = 0;
export const METHOD_DATA = 1;

export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: Record<string, string>;
  payload?: Uint8Array;
}

export function encodeFrame(frame: Frame): Uint8Array {
  const message = FrameType.fromObject({
    SeqID: frame.SeqID,
    LogID: frame.LogID,
    service: frame.service,
    method: frame.method,
    headers: Object.entries(frame.headers).map(([key, value]) => ({ key, value })),
    ...(frame.payload ? { payload: frame.payload } : {}),
  });
  return FrameType.encode(message).finish();
}

export function decodeFrame(buffer: Uint8Array): Frame {
  const raw = FrameType.toObject(FrameType.decode(buffer), { longs: Number, defaults: true }) as {
    SeqID: number;
    LogID: number;
    service: number;
    method: number;
    headers: { key: string; value: string }[];
    payload: Uint8Array;
  };
  const headers: Record<string, string> = {};
  for (const h of raw.headers) headers[h.key] = h.value;
  return { SeqID: raw.SeqID, LogID: raw.LogID, service: raw.service, method: raw.method, headers, payload: raw.payload };
}

export function jsonPayload(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function parsePayload(payload: Uint8Array | undefined): unknown {
  if (!payload || payload.length === 0) return undefined;
  return JSON.parse(new TextDecoder().decode(payload));
}
