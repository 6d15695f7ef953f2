import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Koa from 'koa';
import { renderHtml } from '../bot/cards/render-html';
import { type BotDeps, handleText } from '../bot/dispatch';

/**
 * The local web chat console: the page at / and the HTTP API it uses (README "Console API").
 * Cards come back as the neutral JSON (so a program can find a button) plus their HTML.
 */
const MAX_BODY = 64 * 1024;
const PAGE = join(__dirname, '..', 'web', 'console.html');

class BadRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

async function jsonBody(ctx: Koa.Context): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json')) throw new BadRequest('body', 'expected Content-Type: application/json');
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BadRequest('body', `body larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    const v = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as Record<string, unknown>;
  } catch {
    throw new BadRequest('body', 'expected a JSON object');
  }
}

function requireString(body: Record<string, unknown>, field: string, max: number): string {
  const v = body[field];
  if (typeof v !== 'string' || v.trim() === '') throw new BadRequest(field, `${field} is required (a non-empty string)`);
  if (v.length > max) throw new BadRequest(field, `${field} is longer than ${max} characters`);
  return v;
}

export function consoleRoutes(deps: BotDeps): Koa.Middleware {
  return async (ctx, next) => {
    try {
      if (ctx.method === 'GET' && ctx.path === '/') {
        ctx.type = 'html';
        ctx.body = readFileSync(PAGE, 'utf8');
        return;
      }
      if (ctx.method === 'GET' && ctx.path === '/console/api/users') {
        const users = await deps.db.models.User.findAll({ where: { active: true }, order: [['id', 'ASC']] });
        const roles = await deps.db.models.Role.findAll();
        ctx.body = users.map((u) => ({
          userId: u.login,
          name: u.name,
          role: u.roleCode,
          roleName: roles.find((r) => r.code === u.roleCode)?.nameZh ?? u.roleCode,
        }));
        return;
      }
      if (ctx.method === 'POST' && ctx.path === '/console/api/messages') {
        const body = await jsonBody(ctx);
        const userId = requireString(body, 'userId', 64);
        const text = requireString(body, 'text', 2000);
        const messageId = typeof body.messageId === 'string' && body.messageId ? body.messageId : randomUUID();
        const replies = await handleText(deps, { userLogin: userId, text, messageId });
        ctx.body = { replies: replies.map((r) => (r.kind === 'card' ? { ...r, html: renderHtml(r.card) } : r)) };
        return;
      }
    } catch (e) {
      if (e instanceof BadRequest) {
        ctx.status = 400;
        ctx.body = { error: e.message, field: e.field };
        return;
      }
      throw e;
    }
    await next();
  };
}
