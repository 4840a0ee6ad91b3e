/**
 * The benchmark suite, run by `pcc bench` and by the daemon's job runner: under the load test's host-wide lock and
 * after its quiet-machine wait, each benchmark chosen is prepared, repeated `runs` times (the machine's conditions
 * measured around every repeat), summarised and judged, and the result carries the reproducibility record. A benchmark
 * that cannot run here (no server, no direct I/O) is reported with its reason and the others still run. A cancel (the
 * AbortSignal) stops what runs, removes what was written and throws CancelledError.
 */
import os from 'node:os';
import {
  type JobProgress,
  QUIET_BUSY_PCT,
  SUITE_BENCHMARKS,
  type SuiteBenchmark,
  type SuiteBenchmarkResult,
  type SuiteResult,
} from '@xat/contracts';
import { detectCpuLimits } from '../cpus/effective-cpus.ts';
import { realClock } from '../loadtest/clock.ts';
import { acquireLock, loadTestLockFile } from '../loadtest/lock.ts';
import { readProcStat } from '../loadtest/meters.ts';
import { waitForQuiet } from '../loadtest/quiet.ts';
import { rootReader } from '../specs/read.ts';
import { VERSION } from '../version.ts';
import { startConditions } from './conditions.ts';
import { coreScaling } from './core-scaling.ts';
import { cpuSweepBenchmark } from './cpu-sweep.ts';
import { type DiskEngine, diskBenchmark } from './disk.ts';
import { CancelledError, LockedError, MachineBusyError, SuiteOptionsError } from './errors.ts';
import { memoryBandwidth } from './memory.ts';
import { networkBenchmark } from './network.ts';
import { readReproRecord } from './record.ts';
import { failedBenchmark, judgeSuite, type Repeat, summarizeBenchmark } from './summary.ts';
import type { BenchEnv, BenchmarkDef, BenchmarkRun } from './types.ts';

export { CancelledError, LockedError, MachineBusyError, SuiteOptionsError };

export interface SuiteOptions {
  benchmarks: readonly SuiteBenchmark[];
  /** Repeats of each benchmark, 1 … 10. */
  runs: number;
  /** Measured time of one step of one repeat, s (a load-test level, a worker count, a memory or disk operation). */
  stepSeconds: number;
  /** Cap of the disk benchmark's test file, MiB. */
  diskSizeMb: number;
  /** Where the disk benchmark writes its test file. */
  diskDir: string;
  /** 'auto' (default): fio when installed, else the built-in engine. */
  diskEngine?: DiskEngine;
  /** The XAT server: the network benchmark's far end, and where cpu_sweep uploads its load tests. */
  serverUrl?: string | undefined;
  apiKey?: string | undefined;
  /** Upload each cpu_sweep repeat as a load test when a server is configured (default true). */
  uploadLoadTests?: boolean;
  /** The agent's data dir (its registration), for cpu_sweep's uploads; default the temp dir. */
  dataDir?: string;
  /** Run although the machine never became quiet (every benchmark is then marked forced). */
  force: boolean;
  /** How long to wait for a quiet machine before refusing, s. */
  quietWaitSeconds: number;
  /** The profile's name, as recorded in the result; default 'custom'. */
  profile?: string;
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
}

function check(o: SuiteOptions) {
  const bad = o.benchmarks.filter((b) => !SUITE_BENCHMARKS.includes(b));
  if (o.benchmarks.length === 0 || bad.length > 0)
    throw new SuiteOptionsError(
      `Unknown or no benchmarks: ${bad.join(', ') || '(none)'}; known: ${SUITE_BENCHMARKS.join(', ')}.`,
    );
  if (!Number.isInteger(o.runs) || o.runs < 1 || o.runs > 10)
    throw new SuiteOptionsError('runs must be a whole number from 1 to 10.');
  if (!(o.stepSeconds >= 0.2 && o.stepSeconds <= 60))
    throw new SuiteOptionsError('stepSeconds must be from 0.2 to 60.');
  if (!(o.diskSizeMb >= 8)) throw new SuiteOptionsError('diskSizeMb must be at least 8.');
  if (!(o.quietWaitSeconds >= 0)) throw new SuiteOptionsError('quietWaitSeconds must be 0 or more.');
}

function definitions(o: SuiteOptions, forced: boolean): Record<SuiteBenchmark, BenchmarkDef> {
  const upload = o.uploadLoadTests !== false;
  return {
    cpu_sweep: cpuSweepBenchmark({
      runs: o.runs,
      forced,
      serverUrl: upload ? o.serverUrl : undefined,
      apiKey: upload ? o.apiKey : undefined,
      dataDir: o.dataDir ?? os.tmpdir(),
    }),
    core_scaling: coreScaling,
    memory: memoryBandwidth,
    disk: diskBenchmark({ dir: o.diskDir, sizeMb: o.diskSizeMb, engine: o.diskEngine ?? 'auto' }),
    network: networkBenchmark(o.serverUrl, o.apiKey),
  };
}

export async function runSuite(o: SuiteOptions): Promise<SuiteResult> {
  check(o);
  const signal = o.signal ?? new AbortController().signal;
  if (signal.aborted) throw new CancelledError();
  const lock = acquireLock(loadTestLockFile());
  if ('heldBy' in lock) throw new LockedError(lock.heldBy);
  const started = new Date();
  const steps = o.benchmarks.length * o.runs;
  let step = 0;
  const progress = (message: string) =>
    o.onProgress?.({
      step,
      steps,
      elapsed_seconds: (Date.now() - started.getTime()) / 1000,
      message: message.slice(0, 500),
    });
  try {
    const files = rootReader('/');
    const clock = realClock(signal);
    const quiet = await waitForQuiet(() => readProcStat(files), clock, {
      limitPct: QUIET_BUSY_PCT,
      maxMs: o.quietWaitSeconds * 1000,
      onWait: (busy, left) =>
        progress(
          `waiting for the machine to be quiet: ${busy.toFixed(0)} % busy, under ${QUIET_BUSY_PCT} % needed (${Math.ceil(left / 1000)} s left)`,
        ),
    });
    if (!quiet.quiet && !o.force)
      throw new MachineBusyError(
        `Refused: the machine stayed busy (${quiet.busyPct.toFixed(0)} % at the last look, limit ${QUIET_BUSY_PCT} %) for ${Math.round(quiet.waitedMs / 1000)} s. A benchmark now would measure what the other work leaves, not this machine. Stop that work and try again, wait longer, or run anyway with force (the results are marked forced and suspect).`,
        quiet.busyPct,
        quiet.waitedMs / 1000,
      );
    const forced = !quiet.quiet;
    const limits = detectCpuLimits(files, os.cpus().length);
    const defs = definitions(o, forced);
    const judged = { forced, backgroundBusyPct: Math.round(quiet.busyPct * 100) / 100 };
    const results: SuiteBenchmarkResult[] = [];
    for (const name of o.benchmarks) {
      let current = `${name}`;
      const env: BenchEnv = {
        signal,
        stepSeconds: o.stepSeconds,
        limits,
        files,
        say: (message) => progress(`${current}: ${message}`),
        sleep: (ms) => clock.sleep(ms),
      };
      let run: BenchmarkRun | undefined;
      const repeats: Repeat[] = [];
      try {
        progress(`${name}: preparing`);
        run = await defs[name].prepare(env);
        for (let index = 0; index < o.runs; index++) {
          current = `${name} ${index + 1}/${o.runs}`;
          const stop = startConditions(files, limits);
          const r = await run.repeat(index);
          repeats.push({ ...r, conditions: stop() });
          step++;
          progress(`${current}: done`);
        }
        results.push(await summarizeBenchmark(name, repeats, { ...judged, engine: run.engine }));
      } catch (err) {
        if (signal.aborted) throw err;
        step += o.runs - repeats.length;
        results.push(failedBenchmark(name, (err as Error).message, run?.engine));
        progress(`${name}: could not run: ${(err as Error).message}`);
      } finally {
        await run?.close();
      }
    }
    return {
      profile: o.profile ?? 'custom',
      started_at: started.toISOString(),
      finished_at: new Date().toISOString(),
      forced,
      background_busy_pct: judged.backgroundBusyPct,
      record: readReproRecord({ files, kernel: os.release(), agentVersion: VERSION, limits }),
      benchmarks: results,
      ...judgeSuite(results),
    };
  } catch (err) {
    if (signal.aborted && !(err instanceof CancelledError)) throw new CancelledError();
    throw err;
  } finally {
    lock.release();
  }
}
