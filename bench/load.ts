/**
 * The load generator of bench/q2c.ts: closed-loop virtual users over keep-alive HTTP/1.1
 * connections (one connection per user, one request in flight each; bench/raw-http.ts, so that
 * the generator takes as little as it can of the CPU it shares with the server), in one or more child
 * processes so that the generator's own CPU can be measured and spread.
 *
 * Run by the orchestrator as `node --import tsx bench/load.ts` with an IPC channel: it gets
 * one LoadJob, warms up until job.startAt, measures until job.endAt (wall clock, so several
 * processes share one window) and sends back a LoadResult.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { encodeRequest, RawConnection } from './raw-http';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  /** JSON text */
  body?: string;
}

export interface LoadJob {
  /** http://host:port */
  base: string;
  requests: LoadRequest[];
  /** virtual users in this process */
  users: number;
  /** index of this process's first user among all users: spreads the request mix */
  firstUser: number;
  /** epoch ms: the measuring window; before it is warm-up */
  startAt: number;
  endAt: number;
  /** a 200 answer counts only if its body contains this text */
  marker: string;
  /**
   * Paced: requests per second offered by ALL users of all processes together, evenly spread
   * (each user sends on its own schedule, the next as soon as it is due and its answer is in).
   * Latency counts from the scheduled time, so a server that falls behind is not excused by
   * the users waiting for it. Absent: every user sends again as soon as it has an answer.
   */
  ratePerS?: number;
  /** all users of all processes (for the schedule) */
  totalUsers: number;
  /** epoch ms the schedule starts at */
  scheduleAt: number;
}

export interface LoadResult {
  /** 200 answers containing the marker, completed in the window */
  ok: number;
  /** other answers completed in the window (wrong status or no marker) */
  bad: number;
  /** requests that failed without an answer (connection errors), in the window */
  errors: number;
  /** up to a few examples of bad answers and errors */
  samples: string[];
  /** latency of every answer completed in the window (ok and bad), microseconds */
  latenciesUs: number[];
  /**
   * paced: how late each request went out after its scheduled time, microseconds — the load
   * generator's own delay (a busy event loop), or its user still waiting for the last answer
   */
  lateUs: number[];
  /** this process's CPU time during the window, ms */
  cpuMs: number;
  windowMs: number;
}

async function runJob(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.base);
  const marker = Buffer.from(job.marker);
  const result: LoadResult = {
    ok: 0,
    bad: 0,
    errors: 0,
    samples: [],
    latenciesUs: [],
    lateUs: [],
    cpuMs: 0,
    windowMs: job.endAt - job.startAt,
  };
  const sample = (s: string) => {
    if (result.samples.length < 5) result.samples.push(s.slice(0, 300));
  };
  let cpuAtStart: NodeJS.CpuUsage | undefined;
  const startTimer = setTimeout(() => {
    cpuAtStart = process.cpuUsage();
  }, job.startAt - Date.now());
  let cpuAtEnd: NodeJS.CpuUsage | undefined;
  const endTimer = setTimeout(() => {
    cpuAtEnd = process.cpuUsage(cpuAtStart);
  }, job.endAt - Date.now());

  const host = `${url.hostname}:${url.port}`;
  const encoded = new Map(job.requests.map((r) => [r, encodeRequest(host, r.method, r.path, r.body)]));

  const now = () => performance.timeOrigin + performance.now();
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const inWindow = (t: number) => t >= job.startAt && t < job.endAt;
  const user = async (u: number) => {
    // one user, one connection (kept alive), one request at a time
    const connection = new RawConnection(url.hostname, Number(url.port));
    // each user walks the mix from its own starting point, so all kinds of request are in flight at once
    let i = (u * 7) % job.requests.length;
    // paced: user u sends at scheduleAt + (u + k·totalUsers) / rate, k = 0, 1, 2 …
    const interval = job.ratePerS ? (1000 * job.totalUsers) / job.ratePerS : 0;
    let due = job.ratePerS ? job.scheduleAt + (1000 * u) / job.ratePerS : 0;
    while (now() < job.endAt) {
      const r = job.requests[i++ % job.requests.length] as LoadRequest;
      if (interval) {
        const wait = due - now();
        if (wait > 0) await sleep(wait);
      }
      const sent = now();
      const t0 = interval ? due : sent;
      if (interval && inWindow(sent)) result.lateUs.push(Math.max(0, Math.round((sent - due) * 1000)));
      due += interval;
      try {
        const { status, body } = await connection.send(encoded.get(r) as Buffer);
        const done = now();
        if (!inWindow(done)) continue;
        result.latenciesUs.push(Math.round((done - t0) * 1000));
        if (status === 200 && body.includes(marker)) result.ok++;
        else {
          result.bad++;
          sample(`${status} ${r.method} ${r.path} ${r.body ?? ''} → ${body.toString('utf8')}`);
        }
      } catch (e) {
        if (inWindow(now())) {
          result.errors++;
          sample(`error ${r.method} ${r.path} ${r.body ?? ''}: ${(e as Error).message}`);
        }
        // a refused connection would otherwise spin
        await sleep(10);
      }
    }
    connection.close();
  };
  await Promise.all(Array.from({ length: job.users }, (_, k) => user(job.firstUser + k)));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  const cpu = cpuAtEnd ?? process.cpuUsage(cpuAtStart);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  return result;
}

/**
 * Drives `users` virtual users spread over `processes` load processes against one target:
 * warm-up for warmupMs, then a measured window of durationMs. Returns the merged result.
 */
export async function drive(opts: {
  base: string;
  requests: LoadRequest[];
  users: number;
  processes: number;
  warmupMs: number;
  durationMs: number;
  marker: string;
  ratePerS?: number;
  /** called at the start and end of the window, e.g. to read the server's CPU time */
  onWindow?: { start(): void; end(): void };
}): Promise<LoadResult> {
  const children = Array.from({ length: opts.processes }, () =>
    fork(join(__dirname, 'load.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_LOAD_WORKER: '1' },
      stdio: 'inherit',
    }),
  );
  // the window is fixed up front so that every process measures the same seconds
  const scheduleAt = Date.now() + 1000;
  const startAt = scheduleAt + opts.warmupMs;
  const endAt = startAt + opts.durationMs;
  const timers = opts.onWindow
    ? [setTimeout(() => opts.onWindow?.start(), startAt - Date.now()), setTimeout(() => opts.onWindow?.end(), endAt - Date.now())]
    : [];
  let first = 0;
  const results = await Promise.all(
    children.map((child, k) => {
      const users = Math.floor(opts.users / opts.processes) + (k < opts.users % opts.processes ? 1 : 0);
      const job: LoadJob = {
        base: opts.base,
        requests: opts.requests,
        users,
        firstUser: first,
        startAt,
        endAt,
        marker: opts.marker,
        ratePerS: opts.ratePerS,
        totalUsers: opts.users,
        scheduleAt,
      };
      first += users;
      return new Promise<LoadResult>((resolve, reject) => {
        child.once('message', (m) => resolve(m as LoadResult));
        child.once('exit', (code) => reject(new Error(`load process exited with ${code} before reporting`)));
        child.send(job);
      });
    }),
  );
  for (const t of timers) clearTimeout(t);
  for (const c of children) c.kill();
  const merged: LoadResult = { ok: 0, bad: 0, errors: 0, samples: [], latenciesUs: [], lateUs: [], cpuMs: 0, windowMs: opts.durationMs };
  for (const r of results) {
    merged.ok += r.ok;
    merged.bad += r.bad;
    merged.errors += r.errors;
    merged.samples.push(...r.samples);
    for (const l of r.latenciesUs) merged.latenciesUs.push(l);
    for (const l of r.lateUs) merged.lateUs.push(l);
    merged.cpuMs += r.cpuMs;
  }
  merged.latenciesUs.sort((a, b) => a - b);
  merged.lateUs.sort((a, b) => a - b);
  return merged;
}

/** The q-quantile of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

if (process.env.BENCH_LOAD_WORKER === '1' && process.send) {
  process.once('message', (job: LoadJob) => {
    runJob(job).then(
      (r) => process.send?.(r, () => process.exit(0)),
      (e) => {
        console.error(e);
        process.exit(1);
      },
    );
  });
}
