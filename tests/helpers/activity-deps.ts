import type { ActivityDeps } from '../../activities/deps';
import { createNotifier } from '../../bot/notify';
import type { AppConfig } from '../../config';
import type { Db } from '../../models/db';

/** The activities' parts as the worker wires them: the real notifier, the system clock unless given. */
export function activityDeps(db: Db, config: AppConfig, clock: () => Date = () => new Date()): ActivityDeps {
  return { db, config, clock, notify: createNotifier(db) };
}
