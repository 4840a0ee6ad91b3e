/** A series of runs (`pcc loadtest --runs N`): how much the units at 100 % varied, and how many runs can be trusted. */
import type { Validity } from '@xat/contracts';
import type { LoadTestResult } from './result.ts';

export interface SeriesSummary {
  id: string;
  /** Runs asked for. */
  count: number;
  /** Runs made (fewer when the machine never became quiet before one). */
  runs: number;
  validity: Record<Validity, number>;
  /** Units/s at the 100 % level over the runs made: median and coefficient of variation (null with one run). */
  units_100pct: { median: number; cv_pct: number | null };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

export async function summarizeSeries(
  id: string,
  count: number,
  results: readonly LoadTestResult[],
): Promise<SeriesSummary> {
  // Loaded here, not at start-up: the daemon shares this bundle and never needs the statistics (a third of its size).
  const { summarize } = await import('@xat/stats');
  const validity: Record<Validity, number> = { valid: 0, suspect: 0, invalid: 0 };
  for (const r of results) validity[r.validity]++;
  const s = results.length > 0 ? summarize(results.map((r) => r.units_100pct)) : undefined;
  return {
    id,
    count,
    runs: results.length,
    validity,
    units_100pct: {
      median: s ? round2(s.median) : 0,
      cv_pct: s?.cv_pct === null || s?.cv_pct === undefined ? null : round2(s.cv_pct),
    },
  };
}

export function seriesText(s: SeriesSummary): string {
  const made = s.runs === s.count ? `${s.runs} runs` : `${s.runs} of ${s.count} runs`;
  const cv = s.units_100pct.cv_pct === null ? 'no spread with one run' : `CV ${s.units_100pct.cv_pct} %`;
  const kinds = `${s.validity.valid} valid, ${s.validity.suspect} suspect, ${s.validity.invalid} invalid`;
  return `Series ${s.id}: ${made}; units/s at 100 %: median ${s.units_100pct.median}, ${cv} (${kinds}).\n`;
}
