/**
 * The Compare page's reading of `GET /api/v1/loadtest/compare/`: which runs it asks for (kept in the URL), the curves
 * with their 95 % bands, the runs left out, and which server is clearly the better value. Pure, so it is unit-tested.
 */
import {
  COMPARE_RUN_SETS,
  type CompareEntry,
  type CompareRunSet,
  type CompareStatistics,
  type Interval,
  LOAD_LEVELS,
  type PairVerdict,
} from '@xat/contracts';
import { reasonText } from './validity.ts';

export type IncludeKind = 'suspect' | 'invalid';

/** What the person chose: the run set, the kinds of doubtful runs to include, and runs picked by hand. */
export interface RunChoice {
  set: CompareRunSet;
  include: IncludeKind[];
  runIds: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const list = (v: string | null) => (v ?? '').split(',').filter(Boolean);

/** The choice from the page's URL (`set`, `include`, `runs`); anything unknown falls back to the default. */
export function parseRunChoice(search: URLSearchParams): RunChoice {
  const set = search.get('set');
  return {
    set: (COMPARE_RUN_SETS as readonly string[]).includes(set ?? '') ? (set as CompareRunSet) : 'auto',
    include: (['suspect', 'invalid'] as const).filter((k) => list(search.get('include')).includes(k)),
    runIds: [...new Set(list(search.get('runs')).filter((id) => UUID.test(id)))],
  };
}

/** The choice as URL parameters for setSearch (defaults left out). */
export const runChoiceParams = (c: RunChoice): Record<string, string | undefined> => ({
  set: c.set === 'auto' ? undefined : c.set,
  include: c.include.join(',') || undefined,
  runs: c.runIds.join(',') || undefined,
});

/** The API's query parameters for the servers (the first is the baseline) and the choice. */
export const compareParams = (ids: readonly string[], c: RunChoice) => ({
  collector_ids: ids.join(','),
  set: c.set,
  include: c.include.join(',') || undefined,
  run_ids: c.runIds.join(',') || undefined,
});

/** Median units per level and the 95 % interval of the mean around it, in LOAD_LEVELS order (null: no runs there). */
export interface LevelCurve {
  median: (number | null)[];
  low: (number | null)[];
  high: (number | null)[];
}

export function levelCurve(stats: Pick<CompareStatistics, 'levels'> | undefined): LevelCurve {
  const byLevel = new Map((stats?.levels ?? []).filter((l) => l.n > 0).map((l) => [l.utilization, l]));
  const at = (pick: (l: CompareStatistics['levels'][number]) => number | null) =>
    LOAD_LEVELS.map((level) => {
      const l = byLevel.get(level);
      return l ? pick(l) : null;
    });
  return { median: at((l) => l.median), low: at((l) => l.ci95_low), high: at((l) => l.ci95_high) };
}

/** Runs left out of every server's set, added up, and the reasons' codes (each once). */
export interface Excluded {
  suspect: number;
  invalid: number;
  reasons: string[];
}

export function excludedRuns(entries: readonly Pick<CompareEntry, 'statistics'>[]): Excluded {
  const out: Excluded = { suspect: 0, invalid: 0, reasons: [] };
  for (const e of entries) {
    const x = e.statistics?.excluded;
    if (!x) continue;
    out.suspect += x.suspect;
    out.invalid += x.invalid;
    for (const r of x.reasons) if (!out.reasons.includes(r)) out.reasons.push(r);
  }
  return out;
}

/** "2 suspect and 1 invalid runs left out: other load, steal"; undefined when none was. */
export function excludedText(x: Excluded): string | undefined {
  const parts = [x.suspect && `${x.suspect} suspect`, x.invalid && `${x.invalid} invalid`].filter(Boolean);
  if (!parts.length) return undefined;
  const runs = x.suspect + x.invalid === 1 ? 'run' : 'runs';
  const why = x.reasons.length ? `: ${x.reasons.map(reasonText).join(', ')}` : '';
  return `${parts.join(' and ')} ${runs} left out${why}`;
}

/** How a verdict is shown: a badge class (the words say it; the colour only helps the eye). */
export const VERDICT_CLASS: Record<PairVerdict, string> = {
  baseline: 'accent',
  faster: 'ok',
  slower: 'danger',
  indistinguishable: '',
  single_run: 'warn',
  no_runs: '',
};

/**
 * The server whose interval lies wholly above every other's (e.g. units per $/h): a "best value" a person can trust.
 * Undefined when the leader's interval overlaps another's or is unknown (one run).
 */
export function clearlyBest(
  entries: readonly Pick<CompareEntry, 'collector_id' | 'statistics'>[],
  pick: (s: CompareStatistics) => Interval | null,
): string | undefined {
  const scored = entries
    .map((e) => ({ id: e.collector_id, iv: e.statistics ? pick(e.statistics) : null }))
    .filter((s): s is { id: string; iv: Interval } => s.iv !== null);
  if (scored.length < 2) return undefined;
  const [leader, ...rest] = [...scored].sort((a, b) => b.iv.value - a.iv.value);
  if (!leader || leader.iv.ci95_low === null) return undefined;
  const low = leader.iv.ci95_low;
  return rest.every((o) => low > (o.iv.ci95_high ?? o.iv.value)) ? leader.id : undefined;
}
