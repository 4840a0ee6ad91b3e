/**
 * The CPU utilization sweep: the load test itself (loadtest/measure.ts: the control loop, 10 … 100 %, each level a
 * step), its units at 100 % as the suite's figure. With a server configured each repeat is also uploaded as a load
 * test, as `pcc loadtest` does (a series when there are several), so it shows beside the others.
 */
import { randomUUID } from 'node:crypto';
import { measureRun } from '../loadtest/measure.ts';
import type { SeriesPlace } from '../loadtest/result.ts';
import { createResultSender, type ResultSender } from '../loadtest/send.ts';
import type { BenchmarkDef, BenchmarkRun } from './types.ts';

export interface CpuSweepOptions {
  runs: number;
  forced: boolean;
  serverUrl?: string | undefined;
  apiKey?: string | undefined;
  /** The agent's data dir: where the upload finds its registration (or records a new one). */
  dataDir: string;
}

export function cpuSweepBenchmark(o: CpuSweepOptions): BenchmarkDef {
  return {
    name: 'cpu_sweep',
    async prepare(env): Promise<BenchmarkRun> {
      const say = (text: string) => {
        for (const line of text.split('\n')) if (line.trim()) env.say(line.trim());
      };
      const send: ResultSender | undefined =
        o.serverUrl && o.apiKey
          ? createResultSender({ settings: { dataDir: o.dataDir }, flags: {}, err: say }, o.serverUrl, o.apiKey)
          : undefined;
      const seriesId = o.runs > 1 ? randomUUID() : undefined;
      return {
        engine: `load test, levels of ${env.stepSeconds} s${send ? ', uploaded' : ''}`,
        async repeat(index) {
          const series: SeriesPlace | undefined = seriesId ? { id: seriesId, index, count: o.runs } : undefined;
          const result = await measureRun({ err: say, isTTY: false, signal: env.signal }, env.limits, {
            levelSeconds: env.stepSeconds,
            forced: o.forced,
            series,
          });
          // A result the server did not take is saved to a file and said; the suite's figure stands all the same.
          if (send) await send(result);
          return { metrics: { 'cpu_sweep.units_100pct': result.units_100pct } };
        },
        close: async () => {},
      };
    },
  };
}
