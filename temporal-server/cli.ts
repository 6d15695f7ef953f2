import { parseArgs } from 'node:util';
import { startTemporalServer } from './index';

/**
 * Runs the embedded server alone in the foreground; prints its address when ready and stops
 * cleanly on SIGTERM or Ctrl-C.
 */
const USAGE = 'npm run temporal-server -- [--port 7233] [--db ./data/temporal.sqlite] [--virtual-clock auto|manual]';

/**
 * node's util.parseArgs, strict; kept here rather than shared with config/cli-args.ts because
 * the server imports nothing of the product. Anything it does not know: usage, exit 2.
 */
function usageError(message: string): never {
  process.stderr.write(`bad arguments: ${message}\nusage: ${USAGE}\n`);
  process.exit(2);
}

function readArgs(): { port: number; dbPath: string; clock: 'auto' | 'manual' | undefined } {
  let values: { port?: string; db?: string; 'virtual-clock'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        db: { type: 'string' },
        'virtual-clock': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`usage: ${USAGE}\n`);
    process.exit(0);
  }
  const port = Number(values.port ?? 7233);
  const clock = values['virtual-clock'];
  if (!/^\d+$/.test(values.port ?? '7233') || port > 65_535) usageError(`--port: expected 0-65535, got ${values.port}`);
  if (clock !== undefined && clock !== 'auto' && clock !== 'manual') usageError(`--virtual-clock: expected auto or manual, got ${clock}`);
  return { port, dbPath: values.db ?? './data/temporal.sqlite', clock };
}

async function main(): Promise<void> {
  const { port, dbPath, clock } = readArgs();
  const { mkdirSync } = await import('node:fs');
  const { dirname } = await import('node:path');
  mkdirSync(dirname(dbPath), { recursive: true });
  // Handlers first: a signal during start-up must not kill the store half-open.
  let server: Awaited<ReturnType<typeof startTemporalServer>> | undefined;
  const stop = async (signal: string) => {
    process.stdout.write(`${signal}: stopping Temporal server\n`);
    await server?.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  server = await startTemporalServer({ port, dbPath, virtualClock: clock ?? false });
  process.stdout.write(`Temporal server listening on ${server.address} (db ${dbPath})\n`);
  // kill -USR2 <pid>: one line of JSON with what the server holds and how its RPCs fare
  process.on('SIGUSR2', () => process.stdout.write(`stats ${JSON.stringify(server?.stats())}\n`));
}

main().catch((e) => {
  process.stderr.write(`temporal server failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
