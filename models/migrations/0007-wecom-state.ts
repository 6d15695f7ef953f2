import type { MigrationFn } from 'umzug';
import type { Db } from '../db';

/** wecom_sends and wecom_response_codes: what the WeCom channel must remember across restarts (models/wecom-message.ts). Re-runnable. */
export const up: MigrationFn<Db> = async ({ context: db }) => {
  await db.models.WeComSend.sync();
  await db.models.WeComResponseCode.sync();
};

export const down: MigrationFn<Db> = async ({ context: db }) => {
  await db.models.WeComResponseCode.drop();
  await db.models.WeComSend.drop();
};
