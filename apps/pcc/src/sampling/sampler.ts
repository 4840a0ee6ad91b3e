import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { MetricSample } from '@xat/contracts';
import { computeInterval, type ParsedRound, parseRound, type RawMeasurement } from '@xat/procfs';
import type { Collector } from '../collectors/collector.ts';
import { takeRound } from '../collectors/round.ts';
import { type Logger, silentLogger } from '../log.ts';
import { toMetricSample } from './to-sample.ts';

/** A round older than this is not paired with the next one after a restart: the "interval" would mean little. */
const MAX_RESUME_SECONDS = 3600;

/**
 * Turns rounds into samples: each round is paired with the one before (packages/procfs computes the interval).
 * The last round is saved on stop and picked up on start, so a restart costs no sample.
 */
export class Sampler {
  private prev: ParsedRound | undefined;
  private prevRaw: RawMeasurement[] | undefined;

  constructor(
    private readonly collectors: readonly Collector[],
    private readonly resumeFile?: string,
    private readonly log: Logger = silentLogger,
  ) {}

  /** Takes a round now; the sample for the interval that ends with it, or undefined for the very first round. */
  take(timestamp: number): MetricSample | undefined {
    const raw = takeRound(this.collectors, timestamp, (subsystem, err) =>
      this.log.warn('collector failed', { subsystem, err }),
    );
    const cur = parseRound(raw);
    if (!cur) return undefined;
    const prev = this.prev ?? this.resume(timestamp);
    this.prev = cur;
    this.prevRaw = raw;
    return prev ? toMetricSample(computeInterval(prev, cur), cur) : undefined;
  }

  /** Saves the last round for the next start. */
  save(): void {
    if (!this.resumeFile || !this.prevRaw) return;
    writeFileSync(`${this.resumeFile}.tmp`, JSON.stringify(this.prevRaw));
    renameSync(`${this.resumeFile}.tmp`, this.resumeFile);
  }

  private resume(now: number): ParsedRound | undefined {
    if (!this.resumeFile) return undefined;
    try {
      const raw = JSON.parse(readFileSync(this.resumeFile, 'utf8')) as RawMeasurement[];
      const round = parseRound(raw);
      if (round && now - round.timestamp > 0 && now - round.timestamp <= MAX_RESUME_SECONDS) return round;
    } catch {
      // first start, or an unreadable file: the first round only sets the baseline
    }
    return undefined;
  }
}
