import { QueryTypes } from 'sequelize';
import { loadConfigOrExit } from '../../config';
import { commandLine } from '../../config/cli-args';
import { type Db, openDb } from '../db';
import { migrate } from '../migrations';
import { DEMO_SEED, INSERT_ORDER, isEmpty, seedDemoCompany } from './demo-company';
import { tableOf } from './insert';
import { createProgressBar } from './progress';
import { seedScale } from './scale';

/**
 * npm run seed [-- --scale N] [--seed S] [--today YYYY-MM-DD]
 * Migrates the configured database (DATABASE_URL; a SQLite file under ./data by default),
 * creates the demo company when it is empty, and with --scale adds N receivables, N leads and
 * N order lines for benchmarks, with a progress bar on stderr.
 */

const USAGE = 'npm run seed [-- --scale N] [--seed S] [--today YYYY-MM-DD]';

interface Args {
  scale: number | null;
  seed: number;
  today: string | undefined;
}

function readArgs(): Args {
  const { values, fail } = commandLine(USAGE, {
    options: { scale: { type: 'string' }, seed: { type: 'string' }, today: { type: 'string' } },
  });
  // 1_000_000 and 1,000,000 read as the number they spell
  const int = (name: string, raw: string) => {
    const digits = raw.replaceAll('_', '').replaceAll(',', '');
    const v = Number(digits);
    if (!/^\d+$/.test(digits) || !Number.isSafeInteger(v))
      fail(`--${name} 需要一个非负整数 expects a non-negative integer, got "${digits}"`);
    return v;
  };
  return {
    scale: values.scale === undefined ? null : int('scale', values.scale),
    seed: values.seed === undefined ? DEMO_SEED : int('seed', values.seed),
    today: values.today,
  };
}

async function summary(db: Db): Promise<string> {
  const lines: string[] = [];
  for (const name of INSERT_ORDER) {
    const table = tableOf(db, name);
    const rows = await db.sequelize.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM "${table}"`, { type: QueryTypes.SELECT });
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) lines.push(`  ${table.padEnd(24)} ${n.toLocaleString('en-US').padStart(12)}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = readArgs();
  const config = loadConfigOrExit();
  const db = await openDb({ url: config.database.url, dataDir: config.app.dataDir, logSql: config.database.logSql });
  try {
    await migrate(db);
    process.stdout.write(`数据库 database: ${db.dialect} ${db.location}\n`);
    if (await isEmpty(db)) {
      const started = Date.now();
      await seedDemoCompany(db, { seed: args.seed, today: args.today, timezone: config.app.timezone });
      process.stdout.write(`已创建演示公司 demo company created (seed ${args.seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    } else {
      process.stdout.write('数据库已有数据，跳过演示公司 already seeded: the database has users, the demo company is not created again\n');
    }
    if (args.scale !== null) {
      const n = args.scale;
      const bar = createProgressBar(3 * n, { label: `scale ${n.toLocaleString('en-US')}` });
      const started = Date.now();
      const r = await seedScale(db, n, {
        seed: args.seed,
        today: args.today,
        timezone: config.app.timezone,
        onProgress: (p) => bar.update(p.done),
      });
      bar.finish();
      const seconds = (Date.now() - started) / 1000;
      const rows = r.receivables + r.leads + r.salesOrderLines;
      process.stdout.write(
        `已追加 added ${r.receivables.toLocaleString('en-US')} receivables, ${r.leads.toLocaleString('en-US')} leads, ` +
          `${r.salesOrderLines.toLocaleString('en-US')} order lines (${r.salesOrders.toLocaleString('en-US')} orders) ` +
          `in ${seconds.toFixed(1)} s = ${Math.round(rows / Math.max(seconds, 0.001)).toLocaleString('en-US')} rows/s\n`,
      );
    }
    process.stdout.write(`行数 rows per table:\n${await summary(db)}\n`);
  } finally {
    await db.close();
  }
}

main().catch((e) => {
  process.stderr.write(`种子数据失败 seed failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
