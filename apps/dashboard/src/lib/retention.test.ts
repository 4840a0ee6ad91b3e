import { describe, expect, it } from 'vitest';
import { describeDays, retentionDraft, retentionPatch } from './retention.ts';

const current = { retention_raw_days: 7, retention_1m_days: 90, retention_1h_days: 730 };

describe('retention form', () => {
  it('sends only what changed, as whole days', () => {
    const draft = { ...retentionDraft(current), retention_1m_days: ' 120 ' };
    expect(retentionPatch(current, draft)).toEqual({ patch: { retention_1m_days: 120 }, errors: {} });
    expect(retentionPatch(current, retentionDraft(current))).toEqual({ patch: {}, errors: {} });
  });

  it('refuses what is not a whole number of days, and leaves bounds and order to the server', () => {
    const draft = { retention_raw_days: '', retention_1m_days: '1.5', retention_1h_days: '-3' };
    expect(retentionPatch(current, draft)).toEqual({
      patch: {},
      errors: {
        retention_raw_days: ['Enter a number of days.'],
        retention_1m_days: ['Enter a whole number of days.'],
        retention_1h_days: ['Enter a whole number of days.'],
      },
    });
    // 1-minute shorter than raw, and past the maximum: the server's to refuse, in its words.
    const bold = { retention_raw_days: '30', retention_1m_days: '10', retention_1h_days: '99999' };
    expect(retentionPatch(current, bold).patch).toEqual({
      retention_raw_days: 30,
      retention_1m_days: 10,
      retention_1h_days: 99999,
    });
  });

  it('says days in words a person reckons with', () => {
    expect(describeDays(1)).toBe('1 day');
    expect(describeDays(7)).toBe('7 days');
    expect(describeDays(14)).toBe('14 days (2 weeks)');
    expect(describeDays(90)).toBe('90 days (about 3 months)');
    expect(describeDays(365)).toBe('365 days (1 year)');
    expect(describeDays(730)).toBe('730 days (2 years)');
    expect(describeDays(400)).toBe('400 days (about 1.1 years)');
  });
});
