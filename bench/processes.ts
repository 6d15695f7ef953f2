/**
 * Child processes of the benchmarks: start one, wait for its ready line, read its CPU time,
 * stop it. Output goes to a log file (the app may log every SQL statement when asked to).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Started {
  child: ChildProcess;
  /** http://127.0.0.1:<port> */
  base: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `node [nodeArgs] --import tsx <script>` in the repository root and waits for `ready: http://…`. */
export function startNode(opts: {
  script: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  logFile: string;
  timeoutMs?: number;
}): Promise<Started> {
  const root = join(__dirname, '..');
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', opts.script], {
    cwd: root,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(opts.logFile);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${opts.script} not ready after ${opts.timeoutMs ?? 180_000} ms; see ${opts.logFile}`));
    }, opts.timeoutMs ?? 180_000);
    const onData = (d: Buffer) => {
      seen = (seen + d).slice(-4000);
      const m = /ready: http:\/\/(?:localhost|127\.0\.0\.1|\[::\]|0\.0\.0\.0):(\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        resolve({ child, base: `http://127.0.0.1:${m[1]}`, pid: child.pid as number, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.script} exited with ${code} before it was ready:\n${seen}`));
    });
  });
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/**
 * CPU seconds a process has used so far (user + system), from /proc; with a thread id, that
 * thread's alone (a Node process's main thread has the process's id).
 */
function processCpuS(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  // fields after the ")" that closes the command name: state is field 3, utime 14, stime 15
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

/**
 * CPU seconds of the whole machine so far (all cores), from one read of /proc/stat: busy, and
 * stolen — time the hypervisor ran something else on our virtual cores. Steal is not ours: it
 * is left out of busy and shown apart, so that a noisy host shows as such instead of as "others".
 */
function machineCpuS(): { busy: number; steal: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice
  const steal = cpu[7] ?? 0;
  const busy = cpu.reduce((s, v) => s + v, 0) - (cpu[3] ?? 0) - (cpu[4] ?? 0) - steal - (cpu[8] ?? 0) - (cpu[9] ?? 0);
  return { busy: busy / TICKS_PER_S, steal: steal / TICKS_PER_S };
}

/** Where to read a part's CPU: a process, or one thread of it. */
export type CpuSource = number | { pid: number; tid: number };

/**
 * Starts measuring: the returned function gives the CPU seconds each named part, the machine
 * (busy) and the hypervisor (steal) spent since this call, and the wall seconds.
 */
export function cpuMeter<K extends string>(parts: Record<K, CpuSource>): () => Record<K | 'machine' | 'steal' | 'wall', number> {
  const read = () => {
    const out = {} as Record<K | 'machine' | 'steal' | 'wall', number>;
    for (const k of Object.keys(parts) as K[]) {
      const p = parts[k];
      out[k] = typeof p === 'number' ? processCpuS(p) : processCpuS(p.pid, p.tid);
    }
    const m = machineCpuS();
    out.machine = m.busy;
    out.steal = m.steal;
    out.wall = performance.now() / 1000;
    return out;
  };
  const start = read();
  return () => {
    const now = read();
    for (const k of Object.keys(now) as (keyof typeof now)[]) now[k] -= start[k];
    return now;
  };
}
