import { describe, expect, it } from 'vitest';
import {
  compareProblem,
  DEFAULT_RECORDING_ORDERING,
  formatInterval,
  formatSamples,
  formatWindow,
  isActiveSession,
  nextRecordingOrdering,
  parseRecordingIds,
  parseRecordingOrdering,
  recordingLegend,
  recordingOrderingParam,
  recordingWindow,
  statRows,
  toggleChosen,
} from './recordings.ts';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
// Local time is what the pages show; these tests build their expectations from it too.
const local = (iso: string) => {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
};

describe('recordings', () => {
  it('says a live trickle session is active, and nothing else', () => {
    expect(isActiveSession({ source: 'trickle', status: 'active' })).toBe(true);
    expect(isActiveSession({ source: 'trickle', status: 'completed' })).toBe(false);
    expect(isActiveSession({ source: 'upload', status: 'active' })).toBe(false);
  });

  it('gives the window of a months-old recording with its dates, and says when there is none', () => {
    const r = { started_at: '2026-01-14T10:02:00Z', ended_at: '2026-01-14T10:32:30Z' };
    expect(recordingWindow(r)).toEqual({ from: Date.parse(r.started_at) / 1000, to: Date.parse(r.ended_at) / 1000 });
    const from = local(r.started_at);
    const to = local(r.ended_at);
    expect(formatWindow(r)).toBe(
      from.slice(0, 10) === to.slice(0, 10) ? `${from} to ${to.slice(11)}` : `${from} to ${to}`,
    );
    expect(formatWindow(r)).toMatch(/^2026-01-1[34] /);
    // Across days both dates are written out.
    expect(formatWindow({ started_at: '2026-01-01T12:00:00Z', ended_at: '2026-01-03T12:00:00Z' })).toMatch(
      /^2026-01-0\d \d\d:\d\d to 2026-01-0\d \d\d:\d\d$/,
    );
    // Still receiving: the window so far ends where it starts.
    expect(recordingWindow({ started_at: r.started_at, ended_at: null })?.to).toBe(Date.parse(r.started_at) / 1000);
    expect(recordingWindow({ started_at: null, ended_at: null })).toBeUndefined();
    expect(formatWindow({ started_at: null, ended_at: null })).toBe('no samples yet');
  });

  it('writes intervals, sample counts and legends as people read them', () => {
    expect(formatInterval(10)).toBe('every 10 s');
    expect(formatInterval(60)).toBe('every 1 min');
    expect(formatInterval(null)).toBe('—');
    expect(formatInterval(0)).toBe('—');
    expect(formatSamples(1)).toBe('1 sample');
    expect(formatSamples(12345)).toBe('12,345 samples');
    expect(recordingLegend({ name: 'Run A', collector_name: 'azure-web-01', started_at: '2026-01-14T12:00:00Z' })).toBe(
      `Run A · azure-web-01 · ${local('2026-01-14T12:00:00Z').slice(0, 10)}`,
    );
    expect(recordingLegend({ name: 'Run B', collector_name: '', started_at: null })).toBe('Run B');
  });

  it('sorts by what the server can sort by, newest first by default', () => {
    expect(parseRecordingOrdering(null)).toEqual(DEFAULT_RECORDING_ORDERING);
    expect(parseRecordingOrdering('-sample_count')).toEqual({ key: 'sample_count', descending: true });
    expect(parseRecordingOrdering('name')).toEqual({ key: 'name', descending: false });
    expect(parseRecordingOrdering('hostname')).toEqual(DEFAULT_RECORDING_ORDERING);
    expect(parseRecordingOrdering('--name')).toEqual(DEFAULT_RECORDING_ORDERING);
    expect(recordingOrderingParam({ key: 'started_at', descending: true })).toBe('-started_at');
    const byName = nextRecordingOrdering(DEFAULT_RECORDING_ORDERING, 'name');
    expect(byName).toEqual({ key: 'name', descending: false });
    expect(nextRecordingOrdering(byName, 'name')).toEqual({ key: 'name', descending: true });
    expect(nextRecordingOrdering(byName, 'sample_count')).toEqual({ key: 'sample_count', descending: true });
  });

  it('reads the compare choice from the URL: distinct ids, well formed, ten at most', () => {
    expect(parseRecordingIds(null)).toEqual([]);
    expect(parseRecordingIds(`${id(1)},nope,${id(2)},${id(1).toUpperCase()}`)).toEqual([id(1), id(2)]);
    const many = Array.from({ length: 12 }, (_, i) => id(i));
    expect(parseRecordingIds(many.join(','))).toEqual(many.slice(0, 10));
    expect(compareProblem([])).toMatch(/No recordings chosen/);
    expect(compareProblem([id(1)])).toMatch(/at least two/);
    expect(compareProblem([id(1), id(2)])).toBeUndefined();
  });

  it('ticks up to ten recordings and unticks any', () => {
    expect(toggleChosen([], id(1))).toEqual([id(1)]);
    expect(toggleChosen([id(1), id(2)], id(1))).toEqual([id(2)]);
    const ten = Array.from({ length: 10 }, (_, i) => id(i));
    expect(toggleChosen(ten, id(99))).toEqual(ten);
    expect(toggleChosen(ten, id(3))).toHaveLength(9);
  });

  it('orders the statistics CPU first and keeps a field it does not know, with its unit', () => {
    const s = (avg: number) => ({ n: 3, avg, p50: avg, p95: avg, max: avg });
    const rows = statRows({ net_rx_bps: s(1), cpu_busy: s(2), extra_field: s(3), mem_used_kb: s(4) });
    expect(rows.map((r) => [r.field, r.label, r.unit])).toEqual([
      ['cpu_busy', 'CPU busy', 'percent'],
      ['mem_used_kb', 'Memory used', 'kb'],
      ['net_rx_bps', 'Network received', 'bytes_per_second'],
      ['extra_field', 'extra_field', 'per_second'],
    ]);
    expect(rows[0]?.stats.avg).toBe(2);
    expect(statRows({})).toEqual([]);
  });
});
