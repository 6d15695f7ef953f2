import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import type { Db } from '../models/db';

export interface HealthSource {
  db: Db;
  temporal?: { health(): Promise<{ ok: boolean; mode: string; address: string; error?: string }> };
  worker?: { health(): { ok: boolean; state: string; taskQueue: string } };
  /** the outbox's backlog and dead letters (bot/delivery/backlog.ts) */
  delivery?: () => Promise<Record<string, unknown>>;
  /** each chat channel's own state: its mode, whether its connection is up */
  channels?: () => Record<string, Record<string, unknown>>;
}

/** GET /healthz: 200 when the database, Temporal and the worker answer; 503 with the reason when one does not. */
export async function health({ db, temporal, worker, delivery, channels }: HealthSource) {
  const started = Date.now();
  let database: Record<string, unknown>;
  try {
    await db.sequelize.query('SELECT 1');
    database = { ok: true, dialect: db.dialect, latencyMs: Date.now() - started };
  } catch (e) {
    database = { ok: false, dialect: db.dialect, error: (e as Error).message };
  }
  const temporalState = temporal ? await temporal.health() : undefined;
  const workerState = worker?.health();
  const deliveryState = delivery ? await delivery().catch((e: Error) => ({ error: e.message })) : undefined;
  return {
    ok: database.ok === true && (temporalState?.ok ?? true) && (workerState?.ok ?? true),
    database,
    ...(temporalState ? { temporal: temporalState } : {}),
    ...(workerState ? { worker: workerState } : {}),
    ...(deliveryState ? { delivery: deliveryState } : {}),
    ...(channels ? { channels: channels() } : {}),
  };
}

export function createHttpApp(src: HealthSource, ...routes: Koa.Middleware[]): Koa {
  const app = new Koa();
  const healthz = new Router({ strict: true, sensitive: true }).get('/healthz', async (ctx) => {
    const body = await health(src);
    ctx.status = body.ok ? 200 : 503;
    ctx.body = body;
  });
  app.use(healthz.routes());
  for (const r of routes) app.use(r);
  return app;
}

/** Binds 127.0.0.1 unless told otherwise: nothing is reachable from the network by accident. */
export function listen(app: Koa, port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.once('error', reject);
  });
}

/** The base URL of what the server really listens on (an IPv6 address in brackets). */
export function baseUrl(server: Server): string {
  const { address, family, port } = server.address() as AddressInfo;
  return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
}
