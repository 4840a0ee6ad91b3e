import { COMPARE_DAYS, type CompareRunSet, type CompareStatistics, includedValidities } from '@xat/contracts';
import type { CompareRun } from './loadtests.queries.ts';

const DAY_MS = 86_400_000;

export type RunSetName = CompareStatistics['set'];

/**
 * The runs of one server a comparison looks at, from all its runs (newest first): `latest_series` = the series of
 * its newest run that has one; `last_30_days`; `all`; `auto` = the latest series when the newest run belongs to a
 * series of two runs or more, else the last 30 days; `chosen` = exactly the runs picked by id. Returns the set
 * actually used (auto says which it became).
 */
export function pickRunSet(
  runs: readonly CompareRun[],
  set: CompareRunSet,
  now: Date,
  chosen?: ReadonlySet<string>,
): { set: RunSetName; runs: CompareRun[] } {
  if (chosen) return { set: 'chosen', runs: runs.filter((r) => chosen.has(r.id)) };
  const since = now.getTime() - COMPARE_DAYS * DAY_MS;
  const recent = () => runs.filter((r) => r.createdAt.getTime() >= since);
  const seriesOf = (id: string | null | undefined) => (id ? runs.filter((r) => r.seriesId === id) : []);
  switch (set) {
    case 'all':
      return { set, runs: [...runs] };
    case 'last_30_days':
      return { set, runs: recent() };
    case 'latest_series':
      return { set, runs: seriesOf(runs.find((r) => r.seriesId !== null)?.seriesId) };
    case 'auto': {
      const series = seriesOf(runs[0]?.seriesId);
      return series.length >= 2 ? { set: 'latest_series', runs: series } : { set: 'last_30_days', runs: recent() };
    }
  }
}

/** The reason codes stored with a run, read loosely (they are jsonb). */
function reasonCodes(reasons: unknown): string[] {
  if (!Array.isArray(reasons)) return [];
  return reasons.flatMap((r) =>
    typeof r === 'object' && r !== null && typeof (r as { code?: unknown }).code === 'string'
      ? [(r as { code: string }).code]
      : [],
  );
}

/**
 * The runs of a set a comparison uses — valid ones, and suspect or invalid ones only when asked — and what it left
 * out: how many of each, and the codes of the reasons they were judged for (first seen first).
 */
export function filterByValidity(
  runs: readonly CompareRun[],
  include: readonly ('suspect' | 'invalid')[],
): { used: CompareRun[]; excluded: CompareStatistics['excluded'] } {
  const wanted = new Set<string>(includedValidities(include));
  const used: CompareRun[] = [];
  const excluded = { suspect: 0, invalid: 0, reasons: [] as string[] };
  for (const run of runs) {
    if (wanted.has(run.validity)) {
      used.push(run);
      continue;
    }
    if (run.validity === 'suspect' || run.validity === 'invalid') excluded[run.validity] += 1;
    for (const code of reasonCodes(run.validityReasons))
      if (!excluded.reasons.includes(code)) excluded.reasons.push(code);
  }
  return { used, excluded };
}
