/** How the pages speak of a load test's verdict, where it came from, and how each level was measured. */
import { LOAD_LEVELS, type LoadTest, type LoadTestSource, type Validity, type ValidityCode } from '@xat/contracts';

export const VALIDITY_TEXT: Record<Validity, string> = {
  valid: 'valid',
  suspect: 'suspect',
  invalid: 'invalid',
};

/** The badge and alert class of a verdict: the colour is never the only signal, the word is always beside it. */
export const VALIDITY_CLASS: Record<Validity, 'ok' | 'warn' | 'danger'> = {
  valid: 'ok',
  suspect: 'warn',
  invalid: 'danger',
};

export const SOURCE_TEXT: Record<LoadTestSource, string> = {
  pcc: 'pcc agent',
  import: 'imported file',
  manual: 'typed in',
};

/** A reason's code in a few words, for lists that name several (the full message is on the load test's page). */
export const REASON_TEXT: Record<ValidityCode, string> = {
  level_shortfall: 'levels short of target',
  background_load: 'busy before the start',
  other_load: 'other load',
  steal: 'steal',
  throttled: 'throttled',
  cpu_pressure: 'CPU pressure',
  speed_change: 'speed changed',
  level_too_short: 'levels too short',
  forced: 'forced start',
  units_not_increasing: 'units dropped',
  extrapolated: '100 % extrapolated',
  conditions_unknown: 'conditions unknown',
  no_full_load: 'no units at 100 %',
  single_run: 'single run',
  run_spread: 'spread between repeats',
};

export const reasonText = (code: string): string => REASON_TEXT[code as ValidityCode] ?? code.replaceAll('_', ' ');

/** One level of a load test as its page shows it; undefined where the tool did not say. */
export interface LevelRow {
  target: number;
  units: number;
  achieved: number | undefined;
  other: number | undefined;
  steal: number | undefined;
  throttled: number | undefined;
  freqMhz: number | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The ten levels: units from the result's columns, conditions from `details.levels` (pcc) where present, else from
 * the older `details.achieved_utilization` map. `details` is whatever the tool sent, so every field is checked.
 */
export function levelRows(test: Pick<LoadTest, 'details' | 'data_points'>): LevelRow[] {
  const details = test.details ?? {};
  const measured = new Map<number, Record<string, unknown>>();
  if (Array.isArray(details.levels))
    for (const l of details.levels) {
      const at = isRecord(l) ? finite(l.utilization) : undefined;
      if (isRecord(l) && at !== undefined) measured.set(at, l);
    }
  const achievedMap = isRecord(details.achieved_utilization) ? details.achieved_utilization : {};
  const units = new Map(test.data_points.map((p) => [p.utilization, p.work_units]));
  return LOAD_LEVELS.map((target) => {
    const l = measured.get(target) ?? {};
    return {
      target,
      units: units.get(target) ?? 0,
      achieved: finite(l.achieved_utilization) ?? finite(achievedMap[String(target)]),
      other: finite(l.other_utilization),
      steal: finite(l.steal_pct),
      throttled: finite(l.throttled_pct),
      freqMhz: finite(l.freq_mhz),
    };
  });
}

/** The columns any level has a value for: a tool that never reports steal gets no steal column of dashes. */
export type MeasuredColumn = 'achieved' | 'other' | 'steal' | 'throttled' | 'freqMhz';
export function measuredColumns(rows: readonly LevelRow[]): MeasuredColumn[] {
  const optional: MeasuredColumn[] = ['achieved', 'other', 'steal', 'throttled', 'freqMhz'];
  return optional.filter((k) => rows.some((r) => r[k] !== undefined));
}

/** A stretch of time, epoch seconds. */
export interface Window {
  from: number;
  to: number;
}

/** How long the load ran: the levels' measured windows added up, else level_seconds for each level. */
export function loadTestSeconds(details: LoadTest['details']): number | undefined {
  if (!details) return undefined;
  const levels = Array.isArray(details.levels) ? details.levels : [];
  const measured = levels.map((l) => (isRecord(l) ? finite(l.seconds) : undefined));
  if (measured.length > 0 && measured.every((s) => s !== undefined))
    return measured.reduce<number>((a, s) => a + (s ?? 0), 0);
  const per = finite(details.level_seconds);
  return per !== undefined && per > 0 ? per * (levels.length || LOAD_LEVELS.length) : undefined;
}

/** When a load test ran: pcc's `started_at` and its length, else its length back from `created_at`; unknown length, none. */
export function loadTestWindow(test: Pick<LoadTest, 'details' | 'created_at'>): Window | undefined {
  const seconds = loadTestSeconds(test.details);
  if (seconds === undefined || seconds <= 0) return undefined;
  const started = typeof test.details?.started_at === 'string' ? Date.parse(test.details.started_at) : Number.NaN;
  if (Number.isFinite(started)) return { from: started / 1000, to: started / 1000 + seconds };
  const created = Date.parse(test.created_at);
  return Number.isFinite(created) ? { from: created / 1000 - seconds, to: created / 1000 } : undefined;
}
