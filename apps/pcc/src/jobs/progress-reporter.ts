import type { JobProgress } from '@xat/contracts';
import type { Logger } from '../log.ts';

export interface ReporterOptions {
  /** Sends one report; resolves true when the server says to stop. */
  send: (progress: JobProgress) => Promise<boolean>;
  /** Called once when the server says to stop. */
  onCancel: () => void;
  log: Logger;
  /** Reports at most this often (ms); the latest progress wins. */
  everyMs: number;
  /** While nothing new happens (a long step), the last progress is sent again this often, as the heartbeat. */
  heartbeatMs: number;
  now?: () => number;
}

/**
 * A running job's progress to the server: throttled (the latest of a burst, at most every `everyMs`), one report in
 * flight at a time, and a heartbeat while a step runs longer than `heartbeatMs` (elapsed time kept current). A failed
 * report is logged and the next one tries again: the server times a job out only after 90 s of silence.
 */
export class ProgressReporter {
  private latest: JobProgress;
  private latestAt: number;
  private sentAt = Number.NEGATIVE_INFINITY;
  private dirty = true;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private cancelled = false;
  private stopped = false;
  private readonly now: () => number;

  constructor(
    private readonly o: ReporterOptions,
    first: JobProgress,
  ) {
    this.now = o.now ?? Date.now;
    this.latest = first;
    this.latestAt = this.now();
    this.schedule(0);
  }

  /** A new step or message from the suite. */
  update(progress: JobProgress): void {
    this.latest = progress;
    this.latestAt = this.now();
    this.dirty = true;
    if (!this.timer && !this.inFlight) this.schedule(Math.max(0, this.sentAt + this.o.everyMs - this.now()));
  }

  /** Stops reporting; resolves when the report in flight (if any) is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, ms);
  }

  private flush(): void {
    if (this.stopped || this.inFlight) return;
    const at = this.now();
    // Its elapsed time brought up to now (a heartbeat repeats the same step).
    const elapsed = this.latest.elapsed_seconds + (at - this.latestAt) / 1000;
    const report = { ...this.latest, elapsed_seconds: Math.round(elapsed * 10) / 10 };
    this.dirty = false;
    this.sentAt = at;
    this.inFlight = this.o
      .send(report)
      .then((stop) => {
        if (stop && !this.cancelled) {
          this.cancelled = true;
          this.o.onCancel();
        }
      })
      .catch((err: unknown) => this.o.log.warn('job progress not reported: will try again', { err }))
      .finally(() => {
        this.inFlight = undefined;
        this.schedule(this.dirty ? Math.max(0, this.sentAt + this.o.everyMs - this.now()) : this.o.heartbeatMs);
      });
  }
}
