import { startTemporalServer } from './index';

/**
 * npm run temporal-server -- --port 7233 --db ./data/temporal.sqlite [--virtual-clock auto|manual]
 * Runs the embedded server alone in the foreground; prints its address when ready and stops
 * cleanly on SIGTERM or Ctrl-C.
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(arg('port') ?? 7233);
  const dbPath = arg('db') ?? './data/temporal.sqlite';
  const clock = arg('virtual-clock');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port: expected 0-65535, got ${arg('port')}`);
  if (clock && clock !== 'auto' && clock !== 'manual') throw new Error(`--virtual-clock: expected auto or manual, got ${clock}`);
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
  server = await startTemporalServer({ port, dbPath, virtualClock: (clock as 'auto' | 'manual' | undefined) ?? false });
  process.stdout.write(`Temporal server listening on ${server.address} (db ${dbPath})\n`);
  // kill -USR2 <pid>: one line of JSON with what the server holds and how its RPCs fare
  process.on('SIGUSR2', () => process.stdout.write(`stats ${JSON.stringify(server?.stats())}\n`));
}

main().catch((e) => {
  process.stderr.write(`temporal server failed to start: ${(e as Error).message}\n`);
  process.exit(1);
});
