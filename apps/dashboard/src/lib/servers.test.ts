import { describe, expect, it } from 'vitest';
import { nextOrdering, orderingParam, parseOrdering, standingOf } from './servers.ts';

const perf = (runs: number, other: number, latest: 'valid' | 'suspect' | 'invalid' | null) => ({
  runs,
  other_runs: other,
  units_100pct: runs ? 1234.4 : null,
  per_effective_cpu: runs ? 308.6 : null,
  units_per_dollar_hour: runs ? 6427.1 : null,
  latest_validity: latest,
});

describe('servers list order', () => {
  it('reads the sort key and direction, falling back to names A–Z', () => {
    expect(parseOrdering('-performance')).toEqual({ key: 'performance', descending: true });
    expect(parseOrdering('value')).toEqual({ key: 'value', descending: false });
    expect(parseOrdering('-drop table')).toEqual({ key: 'name', descending: false });
    expect(parseOrdering(null)).toEqual({ key: 'name', descending: false });
    expect(orderingParam({ key: 'per_effective_cpu', descending: true })).toBe('-per_effective_cpu');
  });

  it('starts a figure column with the best, a name column with A, and flips on a second click', () => {
    const byName = parseOrdering(null);
    expect(nextOrdering(byName, 'performance')).toEqual({ key: 'performance', descending: true });
    expect(nextOrdering({ key: 'performance', descending: true }, 'performance')).toEqual({
      key: 'performance',
      descending: false,
    });
    expect(nextOrdering({ key: 'value', descending: true }, 'name')).toEqual({ key: 'name', descending: false });
    expect(nextOrdering(byName, 'name')).toEqual({ key: 'name', descending: true });
  });
});

describe('a server’s standing', () => {
  it('shows the figure with its run count, and a badge when the latest run is doubtful or none is valid', () => {
    expect(standingOf(perf(3, 0, 'valid'), 1234.4, 'u/s')).toEqual({ text: '1,234 u/s', runs: '3 runs' });
    expect(standingOf(perf(1, 1, 'suspect'), 1234.4, 'u/s')?.badge).toMatchObject({
      text: 'latest suspect',
      className: 'warn',
    });
    const none = standingOf(perf(0, 2, 'invalid'), null, 'u/s');
    expect(none).toMatchObject({ text: '—', runs: '', badge: { text: 'no valid runs', className: 'danger' } });
    expect(none?.badge?.title).toBe('2 runs left out as suspect or invalid');
    expect(standingOf(perf(0, 0, null), null, 'u/s')).toBeUndefined();
    expect(standingOf(undefined, null, 'u/s')).toBeUndefined();
  });
});
