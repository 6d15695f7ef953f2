import { loadConfigOrExit } from '../../config';
import { openDb } from '../db';
import { migrate, migrator } from './index';

/** npm run migrate [-- down] : bring the configured database up to date (or undo the last step). */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const db = await openDb({ url: config.database.url, dataDir: config.app.dataDir, logSql: config.database.logSql });
  try {
    if (process.argv.includes('down')) {
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
