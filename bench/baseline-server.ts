/**
 * The baseline of bench/q2c.ts: a bare Koa server on the app's SQLite file whose one route
 * reads one stock level by primary key. Nothing else: no bot, no Temporal, no routing library.
 *
 *   GET /stock-levels/:id → {id, productId, warehouseId, onHand, reserved}
 *
 * BASELINE_DRIVER picks the read:
 *   sequelize (default) — StockLevel.findByPk through Sequelize + sqlite3, opened by the app's
 *                         own openDb (same pragmas), i.e. what the app pays for a point read;
 *   sqlite3             — the bare sqlite3 driver, a prepared statement: the floor under it.
 *
 * Env: DB_FILE (the SQLite file), PORT (0 = any). Prints `ready: http://127.0.0.1:<port>/`.
 */
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import sqlite3 from 'sqlite3';
import { openDb } from '../models/db';

type Row = { id: number; productId: number; warehouseId: number; onHand: number; reserved: number };

async function reader(driver: string, file: string): Promise<(id: number) => Promise<Row | null>> {
  if (driver === 'sequelize') {
    const db = await openDb({ url: `sqlite:${file}` });
    const { StockLevel } = db.models;
    return async (id) => {
      const l = await StockLevel.findByPk(id);
      return l && { id: l.id, productId: l.productId, warehouseId: l.warehouseId, onHand: l.onHand, reserved: l.reserved };
    };
  }
  if (driver === 'sqlite3') {
    const conn = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(file, sqlite3.OPEN_READWRITE, (e) => (e ? reject(e) : resolve(d)));
    });
    conn.configure('busyTimeout', 15_000);
    const stmt = conn.prepare(
      'SELECT id, product_id AS productId, warehouse_id AS warehouseId, on_hand AS onHand, reserved FROM stock_levels WHERE id = ?',
    );
    return (id) => new Promise((resolve, reject) => stmt.get([id], (e: Error | null, row?: Row) => (e ? reject(e) : resolve(row ?? null))));
  }
  throw new Error(`BASELINE_DRIVER must be sequelize or sqlite3, not ${driver}`);
}

async function main(): Promise<void> {
  const file = process.env.DB_FILE;
  if (!file) throw new Error('DB_FILE is required');
  const read = await reader(process.env.BASELINE_DRIVER ?? 'sequelize', file);
  const app = new Koa();
  app.use(async (ctx) => {
    const m = /^\/stock-levels\/(\d+)$/.exec(ctx.path);
    if (ctx.method !== 'GET' || !m) {
      ctx.status = 404;
      return;
    }
    const row = await read(Number(m[1]));
    if (!row) {
      ctx.status = 404;
      ctx.body = { error: 'no such stock level' };
      return;
    }
    ctx.body = row;
  });
  const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    console.log(`ready: http://127.0.0.1:${port}/`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
