import { loadConfigOrExit } from '../../config';
import { commandLine } from '../../config/cli-args';
import { openDb } from '../db';
import { migrate, migrator } from './index';

/** npm run migrate [-- down] : bring the configured database up to date (or undo the last step). */
const USAGE = 'npm run migrate [-- down]';

async function main(): Promise<void> {
  const { positionals, fail } = commandLine(USAGE, { options: {}, allowPositionals: true });
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'down')) {
    fail(`未知参数 unknown argument: ${positionals.join(' ')}`);
  }
  const down = positionals[0] === 'down';
  const config = loadConfigOrExit();
  const db = await openDb({ url: config.database.url, dataDir: config.app.dataDir, logSql: config.database.logSql });
  try {
    if (down) {
      const undone = await migrator(db).down();
      console.log(`已回滚 rolled back: ${undone.map((m) => m.name).join(', ') || '(none)'}`);
    } else {
      const ran = await migrate(db);
      console.log(`数据库已是最新 schema up to date (${db.dialect} ${db.location}); ran: ${ran.join(', ') || '(none)'}`);
    }
  } finally {
    await db.close();
  }
}

main().catch((e) => {
  console.error(`迁移失败 migration failed: ${(e as Error).message}`);
  process.exit(1);
});
