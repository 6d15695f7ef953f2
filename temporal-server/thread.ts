import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TemporalServerOptions } from './index';

/**
 * The embedded server on a thread of its own: same server, same SQLite file, but its gRPC,
 * history and commit work no longer queues behind the app's HTTP, database and worker code
 * on one event loop — the second core does it. Dies with the process, like the in-process
 * server (durability comes from its commits, not from the thread).
 */
export interface ThreadedTemporalServer {
  address: string;
  stop(): Promise<void>;
}

type FromThread = { ready: string } | { log: string } | { failed: string } | { stopped: true };

export function startTemporalServerThread(
  opts: Omit<TemporalServerOptions, 'log'> & { log?: (m: string) => void },
): Promise<ThreadedTemporalServer> {
  const { log, ...data } = opts;
  // A worker thread does not inherit the TypeScript loader the process started with: the
  // entry registers it (tsx) when running from source, then loads the server.
  const entry = join(__dirname, 'thread-entry');
  const code = `try { require('tsx/cjs/api').register(); } catch {} require(${JSON.stringify(entry)});`;
  const thread = new Worker(code, { eval: true, workerData: data });
  return new Promise((resolve, reject) => {
    let stopped: (() => void) | undefined;
    thread.on('message', (m: FromThread) => {
      if ('log' in m) log?.(m.log);
      else if ('failed' in m) reject(new Error(m.failed));
      else if ('stopped' in m) stopped?.();
      else if ('ready' in m)
        resolve({
          address: m.ready,
          stop: () =>
            new Promise<void>((done) => {
              stopped = () => void thread.terminate().then(() => done());
              thread.postMessage('stop');
            }),
        });
    });
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`Temporal server thread exited with ${code}`)));
  });
}
