import type Koa from 'koa';

/**
 * Reading a console request: its JSON body (at most MAX_BODY bytes) and query parameters,
 * each refused with a BadRequest that names the field, answered 400 `{ error, field }`.
 */
const MAX_BODY = 64 * 1024;

export class BadRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function jsonBody(ctx: Koa.Context): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json')) throw new BadRequest('body', 'expected Content-Type: application/json');
  const raw = await readBody(ctx);
  try {
    const v = JSON.parse(raw);
    if (!isPlainObject(v)) throw new Error('not an object');
    return v;
  } catch {
    throw new BadRequest('body', 'expected a JSON object');
  }
}

/**
 * The request body as text, at most MAX_BODY bytes. Read with plain stream events: an async
 * iterator over the request costs more than the rest of a stock answer's HTTP handling. A
 * body over the limit is refused at once; the rest of it is discarded and the connection
 * closed after the answer.
 */
function readBody(ctx: Koa.Context): Promise<string> {
  const req = ctx.req;
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const done = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        done();
        req.resume();
        ctx.set('Connection', 'close');
        reject(new BadRequest('body', `body larger than ${MAX_BODY} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (e: Error) => {
      done();
      reject(e);
    };
    const onAborted = () => onError(new Error('request aborted'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function requireString(body: Record<string, unknown>, field: string, max: number): string {
  const v = body[field];
  if (typeof v !== 'string' || v.trim() === '') throw new BadRequest(field, `${field} is required (a non-empty string)`);
  if (v.length > max) throw new BadRequest(field, `${field} is longer than ${max} characters`);
  return v;
}

/** A card button's value: a flat object of strings, finite numbers and booleans (bot/cards/card.ts). */
export function requireValue(body: Record<string, unknown>): Record<string, string | number | boolean> {
  const v = body.value;
  if (!isPlainObject(v)) throw new BadRequest('value', 'value is required (a JSON object)');
  for (const [k, x] of Object.entries(v)) {
    if (!(typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x))))
      throw new BadRequest('value', `value.${k} must be a string, a number or a boolean`);
  }
  return v as Record<string, string | number | boolean>;
}

export function optionalComment(body: Record<string, unknown>): string | undefined {
  const v = body.comment;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BadRequest('comment', 'comment must be a string');
  if (v.length > 500) throw new BadRequest('comment', 'comment is longer than 500 characters');
  return v.trim() === '' ? undefined : v;
}

/** One query parameter as a string (undefined when absent); repeated parameters are refused. */
export function queryParam(ctx: Koa.Context, name: string): string | undefined {
  const v = ctx.query[name];
  if (Array.isArray(v)) throw new BadRequest(name, `${name} is given more than once`);
  return v === undefined || v === '' ? undefined : v;
}

export function cursorParam(raw: string | undefined, field: string): number {
  if (raw === undefined) return 0;
  if (!/^\d{1,15}$/.test(raw)) throw new BadRequest(field, `${field} must be a cursor (a non-negative integer)`);
  return Number(raw);
}

export function intParam(raw: string | undefined, field: string, min: number, max: number, dflt: number): number {
  if (raw === undefined) return dflt;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new BadRequest(field, `${field} must be an integer from ${min} to ${max}`);
  return Number(raw);
}
