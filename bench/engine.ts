/**
 * npm run bench:engine — the embedded Temporal server under the official SDK, on this machine.
 * Server, worker and clients each run in a process of their own, as they would deployed: the
 * server's memory is its own, and clients do not compete with the worker for a thread. Prints the three figures the issue asks for, last.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { cpuMeter } from './processes';

const CLIENTS = 100;
const FLOWS = Number(process.env.BENCH_FLOWS ?? 2000);
const SIGNAL_SAMPLES = Number(process.env.BENCH_SIGNALS ?? 300);
const OPEN = Number(process.env.BENCH_OPEN ?? 10_000);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'q2c-bench-engine-'));
  const port = await freePort();
  const server = await startServer(port, join(dir, 'temporal.sqlite'));
  const address = `127.0.0.1:${port}`;
  // the activity resolves the waiting sample directly: polling for it would steal the event loop the worker needs
  // the activity's start time arrives from the worker process and resolves the waiting sample
  const started = new Map<string, (t: number) => void>();
  const workerArgs = process.env.BENCH_WORKER_NODE_ARGS ? process.env.BENCH_WORKER_NODE_ARGS.split(' ') : [];
  const worker = spawn(process.execPath, [...workerArgs, '--import', 'tsx', join(__dirname, 'engine-worker.ts')], {
    env: { ...process.env, BENCH_ADDRESS: address },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { ready?: boolean; id?: string; at?: number }) => {
      if (m.ready) resolve();
      else if (m.id) started.get(m.id)?.((m.at as number) - performance.timeOrigin);
    });
    worker.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  try {
    // 1. throughput: 100 concurrent clients each start one-activity workflows and wait for them
    await pool(200, CLIENTS, (i) => client.workflow.execute('oneActivity', { taskQueue: 'bench', workflowId: `warm-${i}`, args: [i] }));
    let next = 0;
    // the CPU each part and the machine spend from here on: where a workflow's cost goes
    const cpu = cpuMeter({ server: server.pid!, worker: worker.pid!, clients: process.pid });
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < FLOWS) {
          const i = next++;
          await client.workflow.execute('oneActivity', { taskQueue: 'bench', workflowId: `flow-${i}`, args: [i] });
        }
      }),
    );
    const workflowsPerS = FLOWS / ((performance.now() - t0) / 1000);
    console.log(`${FLOWS} one-activity workflows, ${CLIENTS} concurrent clients: ${workflowsPerS.toFixed(0)} workflows/s`);
    if (process.env.BENCH_VERBOSE) {
      const spent = cpu();
      const per = (k: keyof typeof spent) => ((spent[k] * 1000) / FLOWS).toFixed(2);
      console.log(
        `CPU ms per workflow: server ${per('server')}, worker ${per('worker')}, clients ${per('clients')}, machine ${per('machine')}`,
      );
    }

    // 2. signal → next activity started, 10 at a time
    const handles = await pool(SIGNAL_SAMPLES, 50, (i) =>
      client.workflow.start('signalThenActivity', { taskQueue: 'bench', workflowId: `sig-${i}`, args: [`sig-${i}`] }),
    );
    await new Promise((r) => setTimeout(r, 1000));
    const latencies: number[] = [];
    await pool(SIGNAL_SAMPLES, 10, async (i) => {
      const activityStarted = new Promise<number>((resolve) => started.set(`sig-${i}`, resolve));
      const sent = performance.now();
      await handles[i]!.signal('go');
      latencies.push((await activityStarted) - sent);
    });
    latencies.sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]!;
    console.log(`signal → activity started over ${latencies.length} signals: p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms`);
    if (process.env.BENCH_VERBOSE) console.log(await serverStats(server));

    // 3. memory with 10,000 open workflows waiting for a signal
    await pool(OPEN, CLIENTS, (i) => client.workflow.start('parked', { taskQueue: 'bench', workflowId: `open-${i}` }));
    const last = client.workflow.getHandle(`open-${OPEN - 1}`);
    while ((await last.describe()).historyLength < 4) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 2000));
    const rssMb = rssOf(server.pid!) / 1024;
    console.log(`${OPEN} open workflows parked on a signal: server resident memory ${rssMb.toFixed(0)} MB`);

    console.log(`workflows_per_s=${workflowsPerS.toFixed(0)}`);
    console.log(`signal_p99_ms=${p(0.99).toFixed(1)}`);
    console.log(`rss_mb_10k_open=${rssMb.toFixed(0)}`);
  } finally {
    // both children are waited for: a server still writing its goodbye to a closed pipe dies of EPIPE
    const exited = (c: ChildProcess) => new Promise((resolve) => (c.exitCode === null ? c.once('exit', resolve) : resolve(null)));
    worker.kill('SIGTERM');
    await exited(worker);
    await connection.close();
    server.kill('SIGTERM');
    await exited(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

/** Asks the server process for its stats line (SIGUSR2). */
function serverStats(server: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    const onData = (d: Buffer) => {
      const line = String(d)
        .split('\n')
        .find((l) => l.startsWith('stats '));
      if (line) {
        server.stdout!.off('data', onData);
        resolve(line);
      }
    };
    server.stdout!.on('data', onData);
    server.kill('SIGUSR2');
  });
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function startServer(port: number, db: string): Promise<ChildProcess> {
  const extra = process.env.BENCH_SERVER_NODE_ARGS ? process.env.BENCH_SERVER_NODE_ARGS.split(' ') : [];
  const child = spawn(
    process.execPath,
    [...extra, '--import', 'tsx', join(__dirname, '..', 'temporal-server', 'cli.ts'), '--port', String(port), '--db', db],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      if (String(d).includes('listening on')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
