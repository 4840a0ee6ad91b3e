/** The servers list's sort order (sent to the server, kept in the URL) and how a server's standing reads. */
import { COLLECTOR_ORDERINGS, type CollectorOrdering, type CollectorPerformance } from '@xat/contracts';
import { formatNumber } from './format.ts';

export interface Ordering {
  key: CollectorOrdering;
  descending: boolean;
}

export const DEFAULT_ORDERING: Ordering = { key: 'name', descending: false };

/** `-performance` → performance, descending; unknown keys give the default (names, A–Z). */
export function parseOrdering(value: string | null): Ordering {
  const descending = value?.startsWith('-') ?? false;
  const key = (value ?? '').replace(/^-/, '');
  return (COLLECTOR_ORDERINGS as readonly string[]).includes(key)
    ? { key: key as CollectorOrdering, descending }
    : DEFAULT_ORDERING;
}

export const orderingParam = (o: Ordering): string => `${o.descending ? '-' : ''}${o.key}`;

/** Figures where more is better start with the best; names, dates and costs start from the lowest. */
const BEST_FIRST: readonly CollectorOrdering[] = [
  'performance',
  'per_effective_cpu',
  'value',
  'vcpus',
  'effective_cpus',
];

/** A click on a column: the same column flips its direction, another one starts in its natural direction. */
export function nextOrdering(current: Ordering, key: CollectorOrdering): Ordering {
  if (current.key === key) return { key, descending: !current.descending };
  return { key, descending: BEST_FIRST.includes(key) };
}

/** What a performance cell says: the figure with its run count, and a badge when it cannot be taken at face value. */
export interface Standing {
  text: string;
  runs: string;
  badge?: { text: string; className: 'warn' | 'danger'; title: string };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function standingOf(
  perf: CollectorPerformance | undefined,
  value: number | null | undefined,
  unit: string,
): Standing | undefined {
  if (!perf || (perf.runs === 0 && perf.other_runs === 0)) return undefined;
  const text = value === null || value === undefined ? '—' : `${formatNumber(value, 0)} ${unit}`;
  const standing: Standing = { text, runs: perf.runs === 0 ? '' : plural(perf.runs, 'run') };
  if (perf.runs === 0)
    standing.badge = {
      text: 'no valid runs',
      className: 'danger',
      title: `${plural(perf.other_runs, 'run')} left out as suspect or invalid`,
    };
  else if (perf.latest_validity === 'suspect' || perf.latest_validity === 'invalid')
    standing.badge = {
      text: `latest ${perf.latest_validity}`,
      className: perf.latest_validity === 'invalid' ? 'danger' : 'warn',
      title: 'The newest load test is not counted: open the server to see why',
    };
  return standing;
}
