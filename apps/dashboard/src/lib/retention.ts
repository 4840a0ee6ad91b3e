/** The three resolutions the server keeps metrics at, as the tenant settings name them. */
export const RETENTION_FIELDS = [
  {
    key: 'retention_raw_days',
    label: 'Raw samples',
    hint: 'Every sample as the agent sent it: the finest charts, and the most space.',
  },
  { key: 'retention_1m_days', label: '1-minute averages', hint: 'Charts of days and weeks.' },
  { key: 'retention_1h_days', label: '1-hour averages', hint: 'Charts of months and years.' },
] as const;

export type RetentionKey = (typeof RETENTION_FIELDS)[number]['key'];
export type Retention = Record<RetentionKey, number>;
export type RetentionDraft = Record<RetentionKey, string>;

export const retentionDraft = (r: Retention): RetentionDraft => ({
  retention_raw_days: String(r.retention_raw_days),
  retention_1m_days: String(r.retention_1m_days),
  retention_1h_days: String(r.retention_1h_days),
});

/**
 * The changed values of a draft, or what is wrong with a field that is not a whole number of days. Bounds and the
 * order of the resolutions are the server's to judge: its messages are shown as they come.
 */
export function retentionPatch(
  current: Retention,
  draft: RetentionDraft,
): { patch: Partial<Retention>; errors: Partial<Record<RetentionKey, string[]>> } {
  const patch: Partial<Retention> = {};
  const errors: Partial<Record<RetentionKey, string[]>> = {};
  for (const { key } of RETENTION_FIELDS) {
    const text = draft[key].trim();
    if (!/^\d+$/.test(text)) {
      errors[key] = [text === '' ? 'Enter a number of days.' : 'Enter a whole number of days.'];
      continue;
    }
    const days = Number(text);
    if (days !== current[key]) patch[key] = days;
  }
  return { patch, errors };
}

/** 1 → "1 day", 90 → "90 days (about 3 months)", 730 → "730 days (2 years)". */
export function describeDays(days: number): string {
  const base = `${days} ${days === 1 ? 'day' : 'days'}`;
  if (days >= 365) {
    const years = Math.round((days / 365) * 10) / 10;
    const exact = days % 365 === 0;
    return `${base} (${exact ? '' : 'about '}${years} ${years === 1 ? 'year' : 'years'})`;
  }
  if (days >= 60) return `${base} (about ${Math.round(days / 30.44)} months)`;
  if (days >= 14 && days % 7 === 0) return `${base} (${days / 7} weeks)`;
  return base;
}
