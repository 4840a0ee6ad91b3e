import { describe, expect, it } from 'vitest';
import {
  ALL_FALLBACK_SECONDS,
  canGoLive,
  customRange,
  DEFAULT_RANGE,
  describeRange,
  fromLocalInput,
  parseInstant,
  parseRange,
  rangeToParams,
  resolveRange,
  toLocalInput,
} from './time-range.ts';

const params = (q: string) => new URLSearchParams(q);

describe('time ranges in the URL', () => {
  it('reads presets and custom spans, and falls back to the default on anything else', () => {
    expect(parseRange(params('range=6h'))).toEqual({ kind: 'preset', preset: '6h' });
    expect(parseRange(params('range=all'))).toEqual({ kind: 'preset', preset: 'all' });
    expect(parseRange(params(''))).toEqual(DEFAULT_RANGE);
    expect(parseRange(params('range=5y'))).toEqual(DEFAULT_RANGE);
    expect(parseRange(params('from=2025-11-25T10:00:00Z&to=2025-11-25T12:00:00Z'))).toEqual({
      kind: 'custom',
      from: 1764064800,
      to: 1764072000,
    });
    expect(parseRange(params('from=1764064800&to=1764072000&range=1h'))).toMatchObject({ kind: 'custom' });
    // Backwards or half a span: not a custom range.
    expect(parseRange(params('from=1764072000&to=1764064800&range=1h'))).toEqual({ kind: 'preset', preset: '1h' });
    expect(parseRange(params('from=1764072000'))).toEqual(DEFAULT_RANGE);
  });

  it('round-trips through the URL', () => {
    for (const range of [
      { kind: 'preset', preset: '7d' },
      { kind: 'custom', from: 1764064800, to: 1764072000 },
    ] as const) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(rangeToParams(range))) if (v) p.set(k, v);
      expect(parseRange(p)).toEqual(range);
    }
    expect(rangeToParams({ kind: 'custom', from: 1764064800, to: 1764072000 })).toEqual({
      range: undefined,
      from: '2025-11-25T10:00:00Z',
      to: '2025-11-25T12:00:00Z',
    });
  });

  it('parses epoch seconds and ISO instants', () => {
    expect(parseInstant('1764064800')).toBe(1764064800);
    expect(parseInstant('2025-11-25T10:00:00+01:00')).toBe(1764061200);
    expect(parseInstant('soon')).toBeUndefined();
    expect(parseInstant(null)).toBeUndefined();
  });

  it('resolves a range to the span asked of the API', () => {
    const now = 1764072000.7;
    expect(resolveRange({ kind: 'preset', preset: '1h' }, now)).toEqual({ from: 1764068400, to: 1764072000 });
    expect(resolveRange({ kind: 'preset', preset: '30d' }, now)).toEqual({
      from: 1764072000 - 30 * 86400,
      to: 1764072000,
    });
    expect(resolveRange({ kind: 'custom', from: 1, to: 2 }, now)).toEqual({ from: 1, to: 2 });
    // All: from the oldest data known of (never less than an hour), else as far as hourly data is kept.
    expect(resolveRange({ kind: 'preset', preset: 'all' }, now, 1763000000)).toEqual({
      from: 1763000000,
      to: 1764072000,
    });
    expect(resolveRange({ kind: 'preset', preset: 'all' }, now, 1764071000)).toEqual({
      from: 1764068400,
      to: 1764072000,
    });
    expect(resolveRange({ kind: 'preset', preset: 'all' }, now)).toEqual({
      from: 1764072000 - ALL_FALLBACK_SECONDS,
      to: 1764072000,
    });
  });

  it('only follows live data on ranges that end now', () => {
    expect(canGoLive({ kind: 'preset', preset: '24h' })).toBe(true);
    expect(canGoLive({ kind: 'custom', from: 1, to: 2 })).toBe(false);
  });

  it('reads the custom range form, saying what is wrong in words', () => {
    expect(customRange('', '2025-11-25T12:00')).toEqual({ error: 'Enter the start date and time.' });
    expect(customRange('2025-11-25T10:00', 'x')).toEqual({ error: 'Enter the end date and time.' });
    expect(customRange('2025-11-25T12:00', '2025-11-25T10:00')).toEqual({ error: 'The start must be before the end.' });
    expect(customRange('2025-02-30T10:00', '2025-03-01T10:00')).toEqual({ error: 'Enter the start date and time.' });
    const ok = customRange('2025-11-25T10:00', '2025-11-25T12:30');
    expect(ok).toMatchObject({ kind: 'custom' });
    if ('from' in ok) {
      expect(ok.to - ok.from).toBe(9000);
      expect(toLocalInput(ok.from)).toBe('2025-11-25T10:00');
    }
    expect(fromLocalInput('2025-11-25T10:00:30')).toBe((fromLocalInput('2025-11-25T10:00') ?? 0) + 30);
  });

  it('describes a range for people', () => {
    expect(describeRange({ kind: 'preset', preset: '6h' })).toBe('Last 6 h');
    expect(describeRange({ kind: 'preset', preset: '7d' })).toBe('Last 7 days');
    expect(describeRange({ kind: 'preset', preset: 'all' })).toBe('All data');
  });
});
