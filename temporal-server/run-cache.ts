import { decodeObject, HistoryEventType } from './proto';
import { deserialiseState, isOpen, type Run } from './run';
import type { Store } from './store';

/**
 * The runs in memory: every open run, and a bounded set of closed ones (those that just
 * closed, and old ones loaded to answer a read — a query, describe or history of an old
 * order). Closed runs are dropped least recently used first and read from the store again on
 * the next access, so reading many old runs does not grow the server without bound.
 */
export class RunCache {
  readonly runs = new Map<string, Run>();
  /** closed runs in memory, least recently used first (Map order = insertion order) */
  private closed = new Map<string, true>();
  /** loads in progress: two reads of one run at once must share one Run object */
  private loading = new Map<string, Promise<Run | undefined>>();

  constructor(
    private readonly store: Store,
    private readonly keepClosed: number,
    /** runs something still holds (unsaved changes, a long poll on their history) stay */
    private readonly pinned: (run: Run) => boolean,
  ) {}

  /** A run by id, from memory or the store. */
  async get(runId: string): Promise<Run | undefined> {
    const inMemory = this.runs.get(runId);
    if (inMemory) {
      if (this.closed.delete(runId)) this.closed.set(runId, true);
      return inMemory;
    }
    let load = this.loading.get(runId);
    if (!load) {
      load = this.load(runId).finally(() => this.loading.delete(runId));
      this.loading.set(runId, load);
    }
    return load;
  }

  private async load(runId: string): Promise<Run | undefined> {
    // An evicted run's last rows may still be on their way to disk: read after they landed.
    await this.store.whenDurable();
    const [row] = await this.store.loadRuns('run_id = ?', [runId]);
    if (!row) return undefined;
    const run = this.runs.get(runId) ?? (await this.hydrate(runId, row.state));
    this.evict();
    return run;
  }

  async hydrate(runId: string, state: string): Promise<Run> {
    const events = await this.store.loadEvents(runId);
    const run: Run = {
      ...deserialiseState(state),
      history: events.map((e) => decodeObject(HistoryEventType, e.data)),
      persistedEvents: events.length,
    };
    this.runs.set(runId, run);
    if (!isOpen(run)) this.closed.set(runId, true);
    return run;
  }

  /** A run just closed: it stays in memory a while (results, queries), then only in the store. */
  noteClosed(runId: string): void {
    this.closed.delete(runId);
    this.closed.set(runId, true);
  }

  /**
   * Drops the least recently used closed runs beyond the bound. Their last rows may not be on
   * disk yet: that is why a load waits for the store first.
   */
  evict(): void {
    for (const runId of this.closed.keys()) {
      if (this.closed.size <= this.keepClosed) return;
      const run = this.runs.get(runId);
      if (run && isOpen(run)) {
        this.closed.delete(runId);
        continue;
      }
      if (run && this.pinned(run)) continue;
      this.closed.delete(runId);
      this.runs.delete(runId);
    }
  }
}
