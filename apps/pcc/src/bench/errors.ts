/**
 * Why a benchmark suite did not run, as classes a caller can tell apart: `pcc bench` maps them to exit codes, the
 * daemon's job runner to a job's `code` (busy, locked) — and a cancel is neither a failure nor a result.
 */

/** The run was cancelled (its AbortSignal fired); everything it started was stopped and its files removed. */
export class CancelledError extends Error {
  readonly code = 'cancelled';
  constructor(message = 'The benchmark was cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** The machine stayed busy through the quiet wait and `force` was not given (job code `busy`). */
export class MachineBusyError extends Error {
  readonly code = 'busy';
  constructor(
    message: string,
    /** Busy share of the last look, %. */
    readonly busyPct: number,
    readonly waitedSeconds: number,
  ) {
    super(message);
    this.name = 'MachineBusyError';
  }
}

/** Another load test or benchmark holds the host-wide lock (job code `locked`). */
export class LockedError extends Error {
  readonly code = 'locked';
  constructor(readonly heldBy: number) {
    super(
      `Another load test or benchmark is running on this host (pid ${heldBy}): two at once would each measure half a machine. Try again when it is done.`,
    );
    this.name = 'LockedError';
  }
}

/** Bad options (an unknown benchmark, runs out of range): a caller's mistake, before anything ran. */
export class SuiteOptionsError extends Error {
  readonly code = 'error';
  constructor(message: string) {
    super(message);
    this.name = 'SuiteOptionsError';
  }
}
