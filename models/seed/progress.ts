/**
 * A text progress bar for long seeds: percentage, rows/s and ETA. On a terminal it redraws one
 * line in place (\r, at most ten times a second); in a log file, where \r would pile up into
 * one endless line, it prints a line at every 10 %.
 */

export interface ProgressBar {
  update(done: number): void;
  /** ends the bar (a newline on a terminal) */
  finish(): void;
}

interface Sink {
  isTTY?: boolean;
  write(s: string): unknown;
}

const WIDTH = 24;

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function renderBar(label: string, done: number, total: number, elapsedMs: number): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * WIDTH);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  return (
    `${label} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${(ratio * 100).toFixed(1).padStart(5)}% ` +
    `${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} · ${Math.round(rate).toLocaleString('en-US')} rows/s · ETA ${formatDuration(eta)}`
  );
}

export function createProgressBar(total: number, opts: { label?: string; stream?: Sink; now?: () => number } = {}): ProgressBar {
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? Date.now;
  const label = opts.label ?? '';
  const started = now();
  const tty = Boolean(stream.isTTY);
  let lastDraw = 0;
  let lastDecile = -1;
  let current = 0;
  let finished = false;

  const draw = (force: boolean) => {
    const t = now();
    if (tty) {
      if (!force && t - lastDraw < 100) return;
      lastDraw = t;
      stream.write(`\r${renderBar(label, current, total, t - started)}\x1b[K`);
      return;
    }
    const decile = total > 0 ? Math.floor((current * 10) / total) : 10;
    if (decile > lastDecile || (force && lastDecile < 10)) {
      lastDecile = decile;
      stream.write(`${renderBar(label, current, total, t - started)}\n`);
    }
  };

  return {
    update(done: number) {
      current = done;
      draw(done >= total);
    },
    finish() {
      if (finished) return;
      finished = true;
      if (tty) {
        draw(true);
        stream.write('\n');
      } else if (lastDecile < 10) draw(true);
    },
  };
}
