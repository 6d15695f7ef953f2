import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { AppConfig } from '../config';
import { startTemporalServerThread, type ThreadedTemporalServer } from '../temporal-server/thread';
import type { Logger } from './logger';

/**
 * Where workflows run: a real cluster when TEMPORAL_ADDRESS is set, otherwise the embedded
 * Temporal-protocol server persisted next to the database. The rest of the program only sees
 * an address and a client connection, whichever it is.
 */
export interface TemporalHandle {
  mode: 'embedded' | 'external';
  address: string;
  connection: Connection;
  embedded: ThreadedTemporalServer | null;
  health(): Promise<{ ok: boolean; mode: string; address: string; error?: string }>;
  stop(): Promise<void>;
}

export async function startTemporal(config: AppConfig, log: Logger): Promise<TemporalHandle> {
  let embedded: ThreadedTemporalServer | null = null;
  let address = config.temporal.address;
  if (!address) {
    embedded = await startTemporalServerThread({
      port: config.temporal.embeddedPort,
      dbPath: join(config.app.dataDir, 'temporal.sqlite'),
      log: (m) => log.warn(`temporal: ${m}`),
    });
    address = embedded.address;
    log.info(`Temporal: 内置服务器 embedded server at ${address} (data ${join(config.app.dataDir, 'temporal.sqlite')})`);
  } else {
    log.info(`Temporal: 外部集群 external cluster at ${address} (TEMPORAL_ADDRESS)`);
  }
  const connection = await Connection.connect({ address });
  const mode = embedded ? 'embedded' : 'external';
  return {
    mode,
    address,
    connection,
    embedded,
    health: async () => {
      try {
        await connection.workflowService.getSystemInfo({});
        return { ok: true, mode, address };
      } catch (e) {
        return { ok: false, mode, address, error: (e as Error).message };
      }
    },
    stop: async () => {
      await connection.close();
      await embedded?.stop();
    },
  };
}
