import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatBytesPerSecond,
  formatDuration,
  formatGib,
  formatHourlyCost,
  formatKb,
  formatMonthly,
  formatNumber,
  formatPercent,
  formatRelative,
  formatSpan,
} from './format.ts';

describe('formatters', () => {
  const now = Date.parse('2025-11-25T12:00:00Z');
  const ago = (s: number) => new Date(now - s * 1000).toISOString();

  it('says when a server was last seen the way people say it', () => {
    expect(formatRelative(null, now)).toBe('never');
    expect(formatRelative('garbage', now)).toBe('never');
    expect(formatRelative(ago(3), now)).toBe('just now');
    expect(formatRelative(ago(-30), now)).toBe('just now'); // a clock slightly ahead
    expect(formatRelative(ago(45), now)).toBe('45 s ago');
    expect(formatRelative(ago(150), now)).toBe('2 min ago');
    expect(formatRelative(ago(3 * 3600 + 5), now)).toBe('3 h ago');
    expect(formatRelative(ago(86400 + 60), now)).toBe('1 day ago');
    expect(formatRelative(ago(5 * 86400), now)).toBe('5 days ago');
    expect(formatRelative(ago(60 * 86400), now)).toMatch(/^2025-09-2\d$/);
  });

  it('formats sizes and rates in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(250 * 1024 ** 2)).toBe('250 MiB');
    expect(formatBytes(16 * 1024 ** 3)).toBe('16.0 GiB');
    expect(formatBytes(-2048)).toBe('-2.0 KiB');
    expect(formatBytes(null)).toBe('—');
    expect(formatBytesPerSecond(3.5 * 1024 ** 2)).toBe('3.5 MiB/s');
    expect(formatBytesPerSecond(Number.NaN)).toBe('—');
    expect(formatKb(8 * 1024 * 1024)).toBe('8.0 GiB');
  });

  it('formats money, memory, percentages and counts', () => {
    expect(formatHourlyCost(0.096)).toBe('$0.096/h');
    expect(formatHourlyCost(0.0416)).toBe('$0.0416/h');
    expect(formatHourlyCost(0.05)).toBe('$0.050/h');
    expect(formatHourlyCost(1.5)).toBe('$1.50/h');
    expect(formatHourlyCost(12.3456)).toBe('$12.3456/h');
    expect(formatHourlyCost(null)).toBe('—');
    expect(formatGib(16)).toBe('16 GiB');
    expect(formatGib(7.5)).toBe('7.5 GiB');
    expect(formatPercent(12.345)).toBe('12.3 %');
    expect(formatNumber(12345.678)).toBe('12,345.68');
    expect(formatNumber(3640, 0)).toBe('3,640');
    expect(formatNumber(undefined)).toBe('—');
  });

  it('formats durations and gap spans', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(900)).toBe('15 min');
    expect(formatDuration(3725)).toBe('1 h 2 min');
    expect(formatDuration(3 * 86400 + 3600)).toBe('3 d 1 h');
    const t = (iso: string) => new Date(iso).getTime() / 1000;
    // Same day: the date once. (Local time; the test only relies on the shape.)
    expect(formatSpan(t('2025-11-25T10:00:00'), t('2025-11-25T10:45:00'))).toBe('2025-11-25 10:00 to 10:45');
    expect(formatSpan(t('2025-11-25T23:30:00'), t('2025-11-26T00:15:00'))).toBe('2025-11-25 23:30 to 2025-11-26 00:15');
  });
});

describe('monthly costs', () => {
  it('writes a monthly cost in whole dollars past $100', () => {
    expect(formatMonthly(1234.4)).toBe('$1,234/month');
    expect(formatMonthly(42.5)).toBe('$42.50/month');
    expect(formatMonthly(null)).toBe('—');
  });
});
