/** a response_code can update its card once, within 72 hours of being given (im-platforms.md §3.3) */
export const CODE_VALID_MS = 72 * 3600_000;

/**
 * The response codes WeCom gave for each card message (by its task_id): one with the send and
 * a new one with every click. An update takes the freshest unused one still valid; none left
 * means the card comes as a new message. Kept in memory: after a restart the next update of
 * an older card is a new message, which is correct, only less tidy.
 */
export class ResponseCodes {
  private readonly byTask = new Map<string, { code: string; at: number }[]>();

  constructor(private readonly now: () => number = Date.now) {}

  give(taskId: string, code: string | null | undefined): void {
    if (!taskId || !code) return;
    const list = this.byTask.get(taskId) ?? [];
    if (list.some((c) => c.code === code)) return;
    list.push({ code, at: this.now() });
    this.byTask.set(taskId, list);
    this.prune();
  }

  /** the freshest valid code, spent by taking it */
  take(taskId: string): string | null {
    const list = (this.byTask.get(taskId) ?? []).filter((c) => this.now() - c.at < CODE_VALID_MS);
    const freshest = list.pop();
    if (list.length) this.byTask.set(taskId, list);
    else this.byTask.delete(taskId);
    return freshest?.code ?? null;
  }

  private prune(): void {
    if (this.byTask.size < 10_000) return;
    for (const [task, list] of this.byTask) if (list.every((c) => this.now() - c.at >= CODE_VALID_MS)) this.byTask.delete(task);
  }
}
