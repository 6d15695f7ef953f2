import type { AppConfig } from '../config';
import type { Notify } from '../domain/events';
import type { Db } from '../models/db';

/**
 * What every activity is built from, injected by the composition root (app/worker.ts) or a
 * test: the books, the configuration, the clock (no activity reads the system time itself)
 * and the notify port, which turns business events into messages (bot/notify) in the same
 * transaction as the change they report.
 */
export interface ActivityDeps {
  db: Db;
  config: AppConfig;
  clock: () => Date;
  notify: Notify;
}
