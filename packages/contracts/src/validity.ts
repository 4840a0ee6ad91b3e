/**
 * Whether a load test's units can be trusted, and why: one judge shared by the agent (which prints it), the server
 * (which stores it for every result, whatever its source) and the dashboard (which shows it). Every limit is a named
 * constant here and is documented in the README ("How verdicts are reached").
 */
import { type Static, Type } from 'typebox';
import { Nullable } from './common.ts';

/** The version of the rules below: stored verdicts reached with an older one are judged again when the server starts. */
export const JUDGE_VERSION = 1;

export const VALIDITIES = ['valid', 'suspect', 'invalid'] as const;
export type Validity = (typeof VALIDITIES)[number];

/** Where a stored load test came from. */
export const LOAD_TEST_SOURCES = ['pcc', 'import', 'manual'] as const;
export type LoadTestSource = (typeof LOAD_TEST_SOURCES)[number];

export const VALIDITY_CODES = [
  /** A level's load reached less of the machine than its target. */
  'level_shortfall',
  /** The machine was busy with other work before the test started. */
  'background_load',
  /** Other processes took part of the machine while a level was measured. */
  'other_load',
  /** The hypervisor gave the CPUs to other guests (steal time) while a level was measured. */
  'steal',
  /** The cgroup's CPU quota held the load back while a paced level was measured. */
  'throttled',
  /** Runnable tasks waited for a CPU (PSI `some avg10`) while a paced level was measured. */
  'cpu_pressure',
  /** The machine's flat-out speed at the end differed from the start. */
  'speed_change',
  /** Levels too short to settle and be counted. */
  'level_too_short',
  /** The agent started although the machine was not quiet (`--force`). */
  'forced',
  /** A higher level did clearly fewer units than a lower one. */
  'units_not_increasing',
  /** The 100 % figure was extrapolated, not measured (perfcpumeasure). */
  'extrapolated',
  /** Nothing in the result says how it was measured (typed in, or a tool that reports only units). */
  'conditions_unknown',
  /** No units at 100 %. */
  'no_full_load',
  /** Only one run: nothing tells how much the figure varies (used by comparisons and the benchmark suite). */
  'single_run',
  /** A benchmark's repeats differed by more than the spread limit (suite.ts). */
  'run_spread',
] as const;
export type ValidityCode = (typeof VALIDITY_CODES)[number];

/** Points (of the machine's CPUs) a level may fall short of its target: past the first suspect, past the second invalid. */
export const LEVEL_SHORTFALL_SUSPECT_POINTS = 5;
export const LEVEL_SHORTFALL_INVALID_POINTS = 15;
/** Busy share (%) of the machine before the test, from other work. */
export const BACKGROUND_SUSPECT_PCT = 10;
export const BACKGROUND_INVALID_PCT = 25;
/** What the agent waits for before it starts: the machine's busy share below this many percent (see QUIET_WAIT_SECONDS). */
export const QUIET_BUSY_PCT = 10;
/** How long the agent waits for the machine to be quiet before it refuses (or, with --force, runs and says so). */
export const QUIET_WAIT_SECONDS = 60;
/** Other processes' share (%) of the machine during a level's measured window. */
export const OTHER_LOAD_SUSPECT_PCT = 5;
export const OTHER_LOAD_INVALID_PCT = 15;
/** Steal time (%) during a level's measured window. */
export const STEAL_SUSPECT_PCT = 2;
export const STEAL_INVALID_PCT = 10;
/** Share (%) of a paced level's cgroup periods in which the load was throttled. */
export const THROTTLED_SUSPECT_PCT = 10;
/** `/proc/pressure/cpu` `some avg10` at the end of a paced level. */
export const CPU_PRESSURE_SUSPECT = 20;
/**
 * pcc's `speed_change_pct` (flat-out speed at the end of a load test against its start) past this many percent,
 * either way, means the machine did not hold its speed: suspect; past SPEED_CHANGE_INVALID_PCT, invalid.
 */
export const UNSTEADY_SPEED_PCT = 2;
/** Whether a load test's `speed_change_pct` says the machine did not hold its speed (see UNSTEADY_SPEED_PCT). */
export const isUnsteadySpeed = (pct: number | undefined): pct is number =>
  pct !== undefined && Math.abs(pct) > UNSTEADY_SPEED_PCT;
export const SPEED_CHANGE_INVALID_PCT = 10;
/** A level shorter than this many seconds has too little time to settle and be counted. */
export const MIN_LEVEL_SECONDS = 5;
/** A higher level with fewer units than a lower one by more than this many percent. */
export const UNITS_DROP_SUSPECT_PCT = 10;

export const ValidityReasonSchema = Type.Object({
  code: Type.Enum(VALIDITY_CODES),
  severity: Type.Enum(['suspect', 'invalid'] as const),
  level: Nullable(Type.Integer({ description: 'the utilization level (%) it concerns; null for the whole run' })),
  value: Nullable(Type.Number({ description: 'what was measured' })),
  limit: Nullable(Type.Number({ description: 'the named limit it was held against' })),
  message: Type.String(),
});
export type ValidityReason = Static<typeof ValidityReasonSchema>;

/** How one level was measured, as far as the result tells (every field optional but the target). */
export interface JudgedLevel {
  /** Target utilization, 10 … 100. */
  utilization: number;
  work_units: number;
  /** The load's own share of the CPUs it was given (effective CPUs), % over the measured window. */
  achieved_utilization?: number;
  /** Other processes' share of the machine over the window, %. */
  other_utilization?: number;
  steal_pct?: number;
  /** Share of cgroup periods throttled over the window, %. */
  throttled_pct?: number;
  cpu_pressure_avg10?: number;
  /** Length of the measured window, s. */
  seconds?: number;
}

export interface JudgeInput {
  source: LoadTestSource;
  /** The ten levels' units (index 0 = 10 %). */
  units: readonly number[];
  /** How each level was measured, when the tool said. */
  levels?: readonly JudgedLevel[];
  /** Busy share of the machine before the start, %. */
  background_busy?: number;
  speed_change_pct?: number;
  level_seconds?: number;
  /** Started with --force although the machine was not quiet. */
  forced?: boolean;
  /** The 100 % level was extrapolated (perfcpumeasure). */
  extrapolated?: boolean;
}

export interface Verdict {
  validity: Validity;
  validity_reasons: ValidityReason[];
}

const f1 = (v: number) => (Math.round(v * 10) / 10).toString();

/** The verdict of one load test: the worst severity among its reasons; valid when there is none. */
export function judgeLoadTest(input: JudgeInput): Verdict {
  const reasons: ValidityReason[] = [];
  const add = (
    code: ValidityCode,
    severity: 'suspect' | 'invalid',
    level: number | null,
    value: number | null,
    limit: number | null,
    message: string,
  ) => reasons.push({ code, severity, level, value, limit, message });
  /** One reason per code and level: invalid when past the second limit, suspect past the first. */
  const graded = (
    code: ValidityCode,
    level: number | null,
    value: number | undefined,
    suspect: number,
    invalid: number | null,
    message: (limit: number) => string,
  ) => {
    if (value === undefined || !Number.isFinite(value)) return;
    if (invalid !== null && value > invalid) add(code, 'invalid', level, value, invalid, message(invalid));
    else if (value > suspect) add(code, 'suspect', level, value, suspect, message(suspect));
  };

  if (input.forced)
    add('forced', 'suspect', null, null, null, 'The test was forced to start although the machine was not quiet.');
  graded(
    'background_load',
    null,
    input.background_busy,
    BACKGROUND_SUSPECT_PCT,
    BACKGROUND_INVALID_PCT,
    (limit) => `The machine was ${f1(input.background_busy ?? 0)} % busy before the test started (limit ${limit} %).`,
  );
  if (input.level_seconds !== undefined && input.level_seconds < MIN_LEVEL_SECONDS)
    add(
      'level_too_short',
      'suspect',
      null,
      input.level_seconds,
      MIN_LEVEL_SECONDS,
      `Each level ran ${input.level_seconds} s, less than the ${MIN_LEVEL_SECONDS} s a level needs to settle and be counted.`,
    );
  if (input.speed_change_pct !== undefined && Number.isFinite(input.speed_change_pct)) {
    const change = Math.abs(input.speed_change_pct);
    const how = input.speed_change_pct < 0 ? 'slower' : 'faster';
    const message = (limit: number) =>
      `The machine ran ${f1(change)} % ${how} flat out at the end than at the start (limit ${limit} %): every level's units may be off by as much.`;
    if (change > SPEED_CHANGE_INVALID_PCT)
      add(
        'speed_change',
        'invalid',
        null,
        input.speed_change_pct,
        SPEED_CHANGE_INVALID_PCT,
        message(SPEED_CHANGE_INVALID_PCT),
      );
    else if (change > UNSTEADY_SPEED_PCT)
      add('speed_change', 'suspect', null, input.speed_change_pct, UNSTEADY_SPEED_PCT, message(UNSTEADY_SPEED_PCT));
  }

  for (const l of input.levels ?? []) {
    const at = l.utilization;
    if (l.achieved_utilization !== undefined)
      graded(
        'level_shortfall',
        at,
        at - l.achieved_utilization,
        LEVEL_SHORTFALL_SUSPECT_POINTS,
        LEVEL_SHORTFALL_INVALID_POINTS,
        (limit) =>
          `At the ${at} % level the load reached only ${f1(l.achieved_utilization ?? 0)} % (more than ${limit} points short).`,
      );
    graded(
      'other_load',
      at,
      l.other_utilization,
      OTHER_LOAD_SUSPECT_PCT,
      OTHER_LOAD_INVALID_PCT,
      (limit) =>
        `At the ${at} % level other processes took ${f1(l.other_utilization ?? 0)} % of the machine (limit ${limit} %).`,
    );
    graded(
      'steal',
      at,
      l.steal_pct,
      STEAL_SUSPECT_PCT,
      STEAL_INVALID_PCT,
      (limit) =>
        `At the ${at} % level the hypervisor stole ${f1(l.steal_pct ?? 0)} % of the CPU time (limit ${limit} %).`,
    );
    // Flat out, a quota throttles by design and the pressure is the load's own: only paced levels are judged.
    if (at < 100) {
      graded(
        'throttled',
        at,
        l.throttled_pct,
        THROTTLED_SUSPECT_PCT,
        null,
        (limit) =>
          `At the ${at} % level the CPU quota throttled the load in ${f1(l.throttled_pct ?? 0)} % of its periods (limit ${limit} %).`,
      );
      graded(
        'cpu_pressure',
        at,
        l.cpu_pressure_avg10,
        CPU_PRESSURE_SUSPECT,
        null,
        (limit) =>
          `At the ${at} % level tasks waited for a CPU ${f1(l.cpu_pressure_avg10 ?? 0)} % of the time (limit ${limit}).`,
      );
    }
  }

  const units = input.units;
  const full = units[units.length - 1] ?? 0;
  if (full <= 0) add('no_full_load', 'invalid', 100, full, null, 'The result has no units at 100 %.');
  // A level more than UNITS_DROP_SUSPECT_PCT below the best of the levels under it: the machine changed, not the load.
  let best = 0;
  let bestAt = 0;
  units.forEach((u, i) => {
    const at = (i + 1) * 10;
    if (u > 0 && best > 0) {
      const drop = ((best - u) / best) * 100;
      if (drop > UNITS_DROP_SUSPECT_PCT)
        add(
          'units_not_increasing',
          'suspect',
          at,
          u,
          best,
          `The ${at} % level did ${u} units/s, ${f1(drop)} % fewer than the ${bestAt} % level (${best}).`,
        );
    }
    if (u > best) {
      best = u;
      bestAt = at;
    }
  });
  if (input.extrapolated)
    add('extrapolated', 'suspect', 100, null, null, 'The 100 % figure was extrapolated by the tool, not measured.');
  if (input.source !== 'pcc' && !input.levels?.some((l) => l.achieved_utilization !== undefined))
    add(
      'conditions_unknown',
      'suspect',
      null,
      null,
      null,
      input.source === 'manual'
        ? 'Typed in: nothing says how the units were measured or how busy the machine was.'
        : 'Imported: the file holds only units, not how busy the machine was while they were measured.',
    );

  const validity: Validity = reasons.some((r) => r.severity === 'invalid')
    ? 'invalid'
    : reasons.length > 0
      ? 'suspect'
      : 'valid';
  return { validity, validity_reasons: reasons };
}

/** Which validities a comparison takes: valid always; suspect and invalid only when asked. */
export const includedValidities = (include: readonly ('suspect' | 'invalid')[] = []): Validity[] => [
  'valid',
  ...include,
];
