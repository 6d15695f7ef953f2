/**
 * What a schedule does with the starts waiting in its buffer, given whether a workflow it
 * started is still running: the overlap policies as the real server applies them. Each entry
 * keeps its own policy (a trigger or a backfill may override the schedule's); UNSPECIFIED is
 * resolved to the schedule's policy only here, so an update of the policy reaches waiting
 * starts too.
 */

export interface BufferedStart {
  nominalMs: number;
  actualMs: number;
  overlap: string;
  /** a trigger or a backfill: not subject to pause, remaining actions or the catch-up window */
  manual: boolean;
}

export interface BufferOutcome {
  /** ALLOW_ALL starts: all of them go now, untracked */
  overlapping: BufferedStart[];
  /** at most one start that must not overlap a running workflow */
  single: BufferedStart | null;
  keep: BufferedStart[];
  skipped: number;
  cancelRunning: boolean;
  terminateRunning: boolean;
}

export const ALLOW_ALL = 'SCHEDULE_OVERLAP_POLICY_ALLOW_ALL';

export function resolveBuffer(buffer: BufferedStart[], running: boolean, resolve: (policy: string) => string): BufferOutcome {
  const out: BufferOutcome = { overlapping: [], single: null, keep: [], skipped: 0, cancelRunning: false, terminateRunning: false };
  for (const start of buffer) {
    const policy = resolve(start.overlap);
    if (policy === ALLOW_ALL) {
      out.overlapping.push(start);
      continue;
    }
    if (!running && !out.single) {
      out.single = start;
      continue;
    }
    switch (policy) {
      case 'SCHEDULE_OVERLAP_POLICY_BUFFER_ONE':
        if (out.keep.length === 0) out.keep.push(start);
        else out.skipped++;
        break;
      case 'SCHEDULE_OVERLAP_POLICY_BUFFER_ALL':
        out.keep.push(start);
        break;
      case 'SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER':
      case 'SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER':
        if (running) {
          // the running one goes first; this start waits in the buffer for it to close
          if (policy.endsWith('CANCEL_OTHER')) out.cancelRunning = true;
          else out.terminateRunning = true;
          out.keep.push(start);
        } else {
          // only the start chosen a moment ago is in the way: this later one replaces it
          out.single = start;
        }
        break;
      default: // SKIP
        out.skipped++;
    }
  }
  // whatever would start alongside is about to be cancelled or terminated too
  if (out.cancelRunning || out.terminateRunning) out.overlapping = [];
  return out;
}
