/**
 * The watch over time: one metric's history as chart columns (values, the median, the flagged drops) and the drops in
 * words, and the schedule form's fields checked. Pure, so it is unit-tested.
 */
import { type BenchmarkHistory, SCHEDULE_MAX_HOURS, SCHEDULE_MIN_HOURS, type ScheduleCreate } from '@xat/contracts';
import { formatMetric } from './benchmark-compare.ts';
import { formatIsoDateTime } from './format.ts';

export interface HistoryColumns {
  /** Epoch seconds, oldest first. */
  at: number[];
  values: (number | null)[];
  /** The server's median, flat over the window (null when too few valid runs to have one). */
  median: (number | null)[];
  /** The value again where the run is flagged, null elsewhere: drawn as red points. */
  drops: (number | null)[];
}

export function historyColumns(h: Pick<BenchmarkHistory, 'points' | 'median'>): HistoryColumns {
  const pts = [...h.points].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    at: pts.map((p) => Math.floor(Date.parse(p.at) / 1000)),
    values: pts.map((p) => p.value),
    median: pts.map(() => h.median),
    drops: pts.map((p) => (p.drop ? p.value : null)),
  };
}

/** "2026-12-04 10:00: 8.1 GB/s, 14.2 % below the median" for each flagged run, newest first. */
export function dropLines(h: Pick<BenchmarkHistory, 'points' | 'metric'>): string[] {
  return h.points
    .filter((p) => p.drop)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .map(
      (p) =>
        `${formatIsoDateTime(p.at)}: ${formatMetric(p.value, h.metric.unit)}${
          p.drop_pct === null ? '' : `, ${p.drop_pct.toFixed(1)} % worse than the median`
        }`,
    );
}

export interface ScheduleForm {
  profile: string;
  everyHours: string;
  /** 'fleet' or a collector id. */
  scope: string;
  dropAlertPct: string;
}

/** What the form sends (`collector` null: the whole fleet). */
export type ScheduleBody = Required<Pick<ScheduleCreate, 'profile' | 'every_hours' | 'collector' | 'drop_alert_pct'>>;

/** The schedule form → the API's body, or the problems by field. */
export function toScheduleBody(form: ScheduleForm): { body: ScheduleBody } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const every = Number(form.everyHours);
  if (!form.everyHours.trim() || !Number.isFinite(every) || every < SCHEDULE_MIN_HOURS || every > SCHEDULE_MAX_HOURS)
    errors.every_hours = `Every: a number of hours from ${SCHEDULE_MIN_HOURS} to ${SCHEDULE_MAX_HOURS}.`;
  const drop = Number(form.dropAlertPct);
  if (!form.dropAlertPct.trim() || !Number.isFinite(drop) || drop <= 0 || drop >= 100)
    errors.drop_alert_pct = 'Flag a drop of: a share above 0 and below 100 %.';
  if (!form.profile) errors.profile = 'Choose a profile.';
  if (Object.keys(errors).length) return { errors };
  return {
    body: {
      profile: form.profile,
      every_hours: every,
      collector: form.scope === 'fleet' ? null : form.scope,
      drop_alert_pct: drop,
    },
  };
}
