import { parentPort, workerData } from 'node:worker_threads';
import { startTemporalServer, type TemporalServerOptions } from './index';

/** Runs inside the thread started by thread.ts: start, report the address, stop on request. */
const port = parentPort;
if (!port) throw new Error('thread-entry.ts runs only as a worker thread');
startTemporalServer({ ...(workerData as TemporalServerOptions), log: (m) => port.postMessage({ log: m }) }).then(
  (server) => {
    port.on('message', async (m) => {
      if (m !== 'stop') return;
      await server.stop();
      port.postMessage({ stopped: true });
    });
    port.postMessage({ ready: server.address });
  },
  (e: Error) => port.postMessage({ failed: e.message }),
);
