import sqlite3 from 'sqlite3';

/**
 * Durable state of the embedded server in one SQLite file (WAL): a row per workflow run with
 * its mutable state as JSON, and the history events as encoded protobuf. Writes are grouped:
 * every change made during one turn of the event loop is committed in one transaction, and
 * the RPCs that made them answer only after that commit — so a SIGKILL loses nothing that
 * was acknowledged, and a busy server pays for one fsync-free commit per batch, not per event.
 */

export interface RunRow {
  runId: string;
  namespace: string;
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  status: string;
  startMs: number;
  closeMs: number | null;
  executionMs: number;
  searchAttrs: string;
  state: string;
}

/** A schedule's whole state as JSON; null deletes it. */
export interface ScheduleRow {
  namespace: string;
  scheduleId: string;
  state: string | null;
}

export interface EventRow {
  runId: string;
  eventId: number;
  data: Buffer;
}

/** SQLite allows 32,766 parameters per statement: stay well below. */
const RUNS_PER_STATEMENT = 200;
const EVENTS_PER_STATEMENT = 1000;

/** A value as an SQL literal: numbers as they are, text quoted with quotes doubled. */
function lit(v: string | number | null): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  return `'${v.replace(/'/g, "''")}'`;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY, namespace TEXT NOT NULL, workflow_id TEXT NOT NULL, workflow_type TEXT NOT NULL,
  task_queue TEXT NOT NULL, status TEXT NOT NULL, start_ms INTEGER NOT NULL, close_ms INTEGER,
  execution_ms INTEGER NOT NULL, search_attrs TEXT NOT NULL, state TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS runs_by_workflow ON runs (namespace, workflow_id, start_ms);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status, start_ms);
CREATE TABLE IF NOT EXISTS events (run_id TEXT NOT NULL, event_id INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (run_id, event_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS schedules (namespace TEXT NOT NULL, schedule_id TEXT NOT NULL, state TEXT NOT NULL,
  PRIMARY KEY (namespace, schedule_id)) WITHOUT ROWID;
`;

/** Attempts a caller's commit gets before it is told of the failure (its rows stay queued). */
const ATTEMPTS_PER_CALLER = 3;
const RETRY_MS = 20;
const MAX_RETRY_MS = 2_000;

interface Batch {
  runs: RunRow[];
  events: EventRow[];
  meta: [string, string][];
  schedules: ScheduleRow[];
}

interface Waiter {
  /** resolved once everything queued up to this generation is written */
  gen: number;
  /** attempts left before a failure is reported; Infinity: wait however long it takes */
  attemptsLeft: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class Store {
  private pendingRuns = new Map<string, RunRow>();
  private pendingEvents: EventRow[] = [];
  private pendingMeta = new Map<string, string>();
  private pendingSchedules = new Map<string, ScheduleRow>();
  /** every save bumps queuedGen; a successful write covers everything queued when it began */
  private queuedGen = 0;
  private writtenGen = 0;
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  private scheduled = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** how the group commits fare: batches written, time spent, rows per batch, failed attempts */
  readonly flushStats = { batches: 0, totalMs: 0, runs: 0, events: 0, failures: 0 };
  /** tests only: runs before each batch is written; throwing fails the write, awaiting delays it */
  beforeWrite: ((batch: { runs: RunRow[]; events: EventRow[] }) => void | Promise<void>) | null = null;
  log: (msg: string) => void = () => {};

  private constructor(private readonly db: sqlite3.Database) {}

  static async open(path: string): Promise<Store> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(path, (err) => (err ? reject(err) : resolve(d)));
    });
    db.serialize();
    const store = new Store(db);
    await store.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;');
    await store.exec(SCHEMA);
    return store;
  }

  private exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return new Promise((resolve, reject) => this.db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
  }

  /** Queue a run's row (the latest version wins) and its new events for the next commit. */
  saveRun(row: RunRow, events: EventRow[]): void {
    this.pendingRuns.set(row.runId, row);
    for (const e of events) this.pendingEvents.push(e);
    this.queuedGen++;
    this.schedule();
  }

  /** Queue a schedule's state (the latest version wins; state null deletes it). */
  saveSchedule(row: ScheduleRow): void {
    this.pendingSchedules.set(`${row.namespace}/${row.scheduleId}`, row);
    this.queuedGen++;
    this.schedule();
  }

  loadSchedules(): Promise<{ namespace: string; scheduleId: string; state: string }[]> {
    return this.all('SELECT namespace, schedule_id AS scheduleId, state FROM schedules');
  }

  saveMeta(key: string, value: string): void {
    this.pendingMeta.set(key, value);
    this.queuedGen++;
    this.schedule();
  }

  /** Resolves once everything queued so far is committed; rejects after a few failed attempts. */
  committed(): Promise<void> {
    return this.wait(ATTEMPTS_PER_CALLER);
  }

  /** Resolves once everything queued so far is committed, however many attempts that takes. */
  whenDurable(): Promise<void> {
    return this.wait(Number.POSITIVE_INFINITY);
  }

  private wait(attempts: number): Promise<void> {
    if (this.writtenGen >= this.queuedGen && !this.flushing) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ gen: this.queuedGen, attemptsLeft: attempts, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    // While backing off after a failure, the retry timer starts the next attempt.
    if (this.scheduled || this.retryTimer || this.closed) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    // One write at a time: a later batch landing while an earlier one fails would count the
    // earlier rows as written.
    while (this.flushing) await this.flushing.catch(() => undefined);
    this.scheduled = false;
    if (this.retryTimer || this.closed) return;
    const gen = this.queuedGen;
    const runs = [...this.pendingRuns.values()];
    const events = this.pendingEvents;
    const meta = [...this.pendingMeta.entries()];
    const schedules = [...this.pendingSchedules.values()];
    this.pendingRuns = new Map();
    this.pendingEvents = [];
    this.pendingMeta = new Map();
    this.pendingSchedules = new Map();
    if (runs.length === 0 && events.length === 0 && meta.length === 0 && schedules.length === 0) {
      this.written(gen);
      return;
    }
    const t0 = performance.now();
    this.flushing = this.write(runs, events, meta, schedules);
    try {
      await this.flushing;
      this.failures = 0;
      this.flushStats.batches++;
      this.flushStats.totalMs += performance.now() - t0;
      this.flushStats.runs += runs.length;
      this.flushStats.events += events.length;
      this.written(gen);
    } catch (e) {
      this.failed(gen, { runs, events, meta, schedules }, e as Error);
    } finally {
      this.flushing = null;
    }
  }

  private written(gen: number): void {
    this.writtenGen = Math.max(this.writtenGen, gen);
    const done = this.waiters.filter((w) => w.gen <= this.writtenGen);
    this.waiters = this.waiters.filter((w) => w.gen > this.writtenGen);
    for (const w of done) w.resolve();
  }

  /**
   * A failed batch is never dropped: dropping it would leave a gap in history that the next
   * batch writes past. Its rows go back in front of whatever was queued since (a run's newer
   * row wins) and are retried with backoff; callers waiting on it hear of the failure after a
   * few attempts, while the rows stay queued until a write succeeds.
   */
  private failed(gen: number, batch: Batch, e: Error): void {
    const { runs, events, meta, schedules } = batch;
    this.failures++;
    this.flushStats.failures++;
    const newerRuns = this.pendingRuns;
    this.pendingRuns = new Map(runs.map((r) => [r.runId, r]));
    for (const [id, r] of newerRuns) this.pendingRuns.set(id, r);
    this.pendingEvents = [...events, ...this.pendingEvents];
    const newerMeta = this.pendingMeta;
    this.pendingMeta = new Map(meta);
    for (const [k, v] of newerMeta) this.pendingMeta.set(k, v);
    const newerSchedules = this.pendingSchedules;
    this.pendingSchedules = new Map(schedules.map((r) => [`${r.namespace}/${r.scheduleId}`, r]));
    for (const [k, r] of newerSchedules) this.pendingSchedules.set(k, r);
    for (const w of this.waiters) if (w.gen <= gen) w.attemptsLeft--;
    const given = this.waiters.filter((w) => w.attemptsLeft <= 0);
    this.waiters = this.waiters.filter((w) => w.attemptsLeft > 0);
    for (const w of given) w.reject(e);
    const delay = Math.min(RETRY_MS * 2 ** (this.failures - 1), MAX_RETRY_MS);
    this.log(
      `group commit failed (attempt ${this.failures}, ${runs.length} run(s), ${events.length} event(s)), retrying in ${delay} ms: ${e.message}`,
    );
    if (this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.schedule();
    }, delay);
  }

  /**
   * One batch is one exec(): a single SQL text, so it costs one trip to the SQLite thread
   * instead of one per statement (each of which would wait for the busy JS thread).
   */
  private async write(runs: RunRow[], events: EventRow[], meta: [string, string][], schedules: ScheduleRow[]): Promise<void> {
    if (this.beforeWrite) await this.beforeWrite({ runs, events });
    const sql: string[] = ['BEGIN'];
    for (let i = 0; i < runs.length; i += RUNS_PER_STATEMENT) {
      const rows = runs
        .slice(i, i + RUNS_PER_STATEMENT)
        .map(
          (r) =>
            `(${[r.runId, r.namespace, r.workflowId, r.workflowType, r.taskQueue, r.status, r.startMs, r.closeMs, r.executionMs, r.searchAttrs, r.state].map(lit).join(',')})`,
        );
      sql.push(
        `INSERT INTO runs (run_id, namespace, workflow_id, workflow_type, task_queue, status, start_ms, close_ms, execution_ms, search_attrs, state)
         VALUES ${rows.join(',')}
         ON CONFLICT (run_id) DO UPDATE SET status = excluded.status, close_ms = excluded.close_ms,
           search_attrs = excluded.search_attrs, state = excluded.state, task_queue = excluded.task_queue`,
      );
    }
    for (let i = 0; i < events.length; i += EVENTS_PER_STATEMENT) {
      const rows = events.slice(i, i + EVENTS_PER_STATEMENT).map((e) => `(${lit(e.runId)},${e.eventId},X'${e.data.toString('hex')}')`);
      sql.push(`INSERT OR REPLACE INTO events (run_id, event_id, data) VALUES ${rows.join(',')}`);
    }
    for (const [k, v] of meta) sql.push(`INSERT OR REPLACE INTO meta (key, value) VALUES (${lit(k)},${lit(v)})`);
    for (const r of schedules) {
      sql.push(
        r.state === null
          ? `DELETE FROM schedules WHERE namespace = ${lit(r.namespace)} AND schedule_id = ${lit(r.scheduleId)}`
          : `INSERT OR REPLACE INTO schedules (namespace, schedule_id, state) VALUES (${lit(r.namespace)},${lit(r.scheduleId)},${lit(r.state)})`,
      );
    }
    sql.push('COMMIT');
    try {
      await this.exec(sql.join(';\n'));
    } catch (e) {
      await this.exec('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  loadRuns(where: string, params: unknown[] = []): Promise<RunRow[]> {
    return this.all<RunRow>(
      `SELECT run_id AS runId, namespace, workflow_id AS workflowId, workflow_type AS workflowType, task_queue AS taskQueue, status,
              start_ms AS startMs, close_ms AS closeMs, execution_ms AS executionMs, search_attrs AS searchAttrs, state
       FROM runs WHERE ${where}`,
      params,
    );
  }

  loadEvents(runId: string): Promise<EventRow[]> {
    return this.all<EventRow>('SELECT run_id AS runId, event_id AS eventId, data FROM events WHERE run_id = ? ORDER BY event_id', [runId]);
  }

  async meta(key: string): Promise<string | undefined> {
    const rows = await this.all<{ value: string }>('SELECT value FROM meta WHERE key = ?', [key]);
    return rows[0]?.value;
  }

  async close(): Promise<void> {
    await this.committed().catch((e: Error) => this.log(`closing with rows not written: ${e.message}`));
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.flushing?.catch(() => undefined);
    await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
  }
}
