/** Benchmark schedules and the tenant's own profiles, as the API takes and answers them. */
import { type Static, Type } from 'typebox';
import { DateTime, Nullable, Uuid } from './common.ts';
import { ProfileSchema } from './suite.ts';

export const ProfileCreateSchema = Type.Object({
  name: ProfileSchema.properties.name,
  label: Type.Optional(ProfileSchema.properties.label),
  benchmarks: ProfileSchema.properties.benchmarks,
  runs: ProfileSchema.properties.runs,
  step_seconds: ProfileSchema.properties.step_seconds,
  disk_size_mb: ProfileSchema.properties.disk_size_mb,
});
export type ProfileCreate = Static<typeof ProfileCreateSchema>;

/** Shortest and longest period of a schedule, hours. */
export const SCHEDULE_MIN_HOURS = 0.25;
export const SCHEDULE_MAX_HOURS = 24 * 90;

export const ScheduleSchema = Type.Object({
  id: Uuid,
  /** null: the whole fleet (every server whose agent runs jobs). */
  collector: Nullable(Uuid),
  collector_name: Nullable(Type.String()),
  profile: Type.String(),
  every_hours: Type.Number(),
  next_run_at: DateTime,
  enabled: Type.Boolean(),
  /** Flag a server whose result falls more than this share (%) below its own median. */
  drop_alert_pct: Type.Number(),
  created_at: DateTime,
});
export type Schedule = Static<typeof ScheduleSchema>;

const scheduleFields = {
  collector: Type.Optional(Nullable(Uuid)),
  profile: Type.String({ minLength: 1, maxLength: 50 }),
  every_hours: Type.Number({ minimum: SCHEDULE_MIN_HOURS, maximum: SCHEDULE_MAX_HOURS }),
  next_run_at: Type.Optional(DateTime),
  enabled: Type.Optional(Type.Boolean()),
  drop_alert_pct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
};
export const ScheduleCreateSchema = Type.Object(scheduleFields);
export type ScheduleCreate = Static<typeof ScheduleCreateSchema>;
export const SchedulePatchSchema = Type.Partial(Type.Object(scheduleFields));
export type SchedulePatch = Static<typeof SchedulePatchSchema>;
