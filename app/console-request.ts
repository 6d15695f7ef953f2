import type Koa from 'koa';
import { z } from 'zod';

/**
 * Reading a console request: its JSON body (at most MAX_BODY bytes, Content-Type
 * application/json) and query parameters, checked by zod schemas. A refusal is a BadRequest
 * naming the field (the first zod issue's path, `body` for the body as a whole), answered
 * 400 `{ error, field }` by app/console.ts.
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

/** `input` as `schema` has it, or a BadRequest naming the field of the first issue. */
export function parse<S extends z.ZodTypeAny>(schema: S, input: unknown, whole = 'body'): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new BadRequest(issue?.path.length ? String(issue.path[0]) : whole, issue?.message ?? `${whole} is not valid`);
}

/** The body, as a JSON object (its fields still unchecked: each route's schema checks them). */
export async function jsonBody(ctx: Koa.Context): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json')) throw new BadRequest('body', 'expected Content-Type: application/json');
  const raw = await readBody(ctx);
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new BadRequest('body', 'expected a JSON object');
  }
  return parse(JsonObject, v);
}

/** The body read and checked against `schema` in one go. */
export async function bodyAs<S extends z.ZodTypeAny>(ctx: Koa.Context, schema: S): Promise<z.output<S>> {
  return parse(schema, await jsonBody(ctx));
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

const JsonObject = z.record(z.unknown(), { invalid_type_error: 'expected a JSON object' });

/** A required, non-blank string of at most `max` characters (kept as typed, not trimmed). */
export function text(field: string, max: number) {
  const required = `${field} is required (a non-empty string)`;
  return z
    .string({ required_error: required, invalid_type_error: required })
    .refine((v) => v.trim() !== '', required)
    .refine((v) => v.length <= max, `${field} is longer than ${max} characters`);
}

const scalar = z.union([z.string(), z.boolean(), z.number().finite()], {
  errorMap: (issue) => ({ message: `${issue.path.join('.')} must be a string, a number or a boolean` }),
});

/** A card button's value: a flat object of strings, finite numbers and booleans (bot/cards/card.ts). */
export const cardValue = z.record(scalar, {
  required_error: 'value is required (a JSON object)',
  invalid_type_error: 'value is required (a JSON object)',
});

/** What the user typed with a click: at most 500 characters; absent, null or blank is none. */
export const comment = z
  .string({ invalid_type_error: 'comment must be a string' })
  .max(500, 'comment is longer than 500 characters')
  .nullish()
  .transform((v) => (v == null || v.trim() === '' ? undefined : v));

/** One query parameter as a string (undefined when absent or empty); repeated parameters are refused. */
export function single(name: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .optional()
    .refine((v) => !Array.isArray(v), `${name} is given more than once`)
    .transform((v) => (v === '' ? undefined : (v as string | undefined)));
}

/** A cursor (a non-negative integer, 0 when absent). */
export function cursor(name: string) {
  return single(name).pipe(
    z
      .string()
      .regex(/^\d{1,15}$/, `${name} must be a cursor (a non-negative integer)`)
      .optional()
      .transform((v) => (v === undefined ? 0 : Number(v))),
  );
}

/** An integer from min to max, `dflt` when absent. */
export function int(name: string, min: number, max: number, dflt: number) {
  const message = `${name} must be an integer from ${min} to ${max}`;
  return single(name).pipe(
    z
      .string()
      .regex(/^\d{1,6}$/, message)
      .optional()
      .transform((v) => (v === undefined ? dflt : Number(v)))
      .refine((n) => n >= min && n <= max, message),
  );
}
