import { QueryTypes } from 'sequelize';
import { loadConfigOrExit } from '../../config';
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

interface Args {
  scale: number | null;
  seed: number;
  today: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { scale: null, seed: DEMO_SEED, today: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? '';
    const int = (name: string) => {
      const raw = value().replaceAll('_', '').replaceAll(',', '');
      const v = Number(raw);
      if (!/^\d+$/.test(raw) || !Number.isSafeInteger(v)) fail(`${name} 需要一个非负整数 expects a non-negative integer, got "${raw}"`);
      return v;
    };
    if (flag === '--scale') args.scale = int('--scale');
    else if (flag === '--seed') args.seed = int('--seed');
    else if (flag === '--today') args.today = value();
    else if (flag === '--help' || flag === '-h') {
      process.stdout.write('npm run seed [-- --scale N] [--seed S] [--today YYYY-MM-DD]\n');
      process.exit(0);
    } else fail(`未知参数 unknown argument: ${argv[i]}`);
  }
  return args;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
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
  const args = parseArgs(process.argv.slice(2));
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
