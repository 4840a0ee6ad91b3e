/** What every benchmark of the suite is handed, and what one repeat of it returns. */
import type { SuiteBenchmark } from '@xat/contracts';
import type { CpuLimits } from '../cpus/effective-cpus.ts';
import type { RootReader } from '../specs/read.ts';

export interface BenchEnv {
  signal: AbortSignal;
  /** Measured time of one step of one repeat, s. */
  stepSeconds: number;
  limits: CpuLimits;
  files: RootReader;
  /** What the benchmark is doing now (progress). */
  say(message: string): void;
  /** Waits; rejects at once when the run is cancelled. */
  sleep(ms: number): Promise<void>;
}

export interface RepeatResult {
  /** SUITE_METRICS key → value. */
  metrics: Record<string, number>;
  /** core_scaling: units/s per number of busy workers. */
  curve?: { workers: number; units_per_s: number }[];
}

/** One benchmark, prepared to repeat: `close` stops whatever it started and removes its files, whatever happened. */
export interface BenchmarkRun {
  /** 'fio', 'builtin', the server's URL, the buffer size: how it was measured. */
  engine?: string;
  repeat(index: number): Promise<RepeatResult>;
  close(): Promise<void>;
}

export interface BenchmarkDef {
  name: SuiteBenchmark;
  prepare(env: BenchEnv): Promise<BenchmarkRun>;
}

/** Thrown by `prepare` when the benchmark cannot run here (no server configured, no direct I/O): reported, not fatal. */
export class BenchmarkUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchmarkUnavailable';
  }
}

export const round = (v: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
