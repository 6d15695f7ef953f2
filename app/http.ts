import type { Server } from 'node:http';
import Koa from 'koa';
import type { Db } from '../models/db';

export interface HealthSource {
  db: Db;
}

/** GET /healthz: 200 when the database answers, 503 with the reason when it does not. */
export async function health({ db }: HealthSource) {
  const started = Date.now();
  try {
    await db.sequelize.query('SELECT 1');
    return { ok: true, database: { ok: true, dialect: db.dialect, latencyMs: Date.now() - started } };
  } catch (e) {
    return { ok: false, database: { ok: false, dialect: db.dialect, error: (e as Error).message } };
  }
}

export function createHttpApp(src: HealthSource): Koa {
  const app = new Koa();
  app.use(async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/healthz') {
      const body = await health(src);
      ctx.status = body.ok ? 200 : 503;
      ctx.body = body;
      return;
    }
    await next();
  });
  return app;
}

export function listen(app: Koa, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, () => resolve(server));
    server.once('error', reject);
  });
}
