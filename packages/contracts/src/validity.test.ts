import { describe, expect, it } from 'vitest';
import {
  BACKGROUND_INVALID_PCT,
  type JudgedLevel,
  judgeLoadTest,
  LEVEL_SHORTFALL_INVALID_POINTS,
  MIN_LEVEL_SECONDS,
  OTHER_LOAD_SUSPECT_PCT,
} from './validity.ts';

const steadyUnits = [18, 36, 54, 72, 90, 108, 126, 144, 162, 180];
const quietLevels = (): JudgedLevel[] =>
  steadyUnits.map((u, i) => ({
    utilization: (i + 1) * 10,
    work_units: u,
    achieved_utilization: (i + 1) * 10 - 0.1,
    other_utilization: 0.5,
    steal_pct: 0,
    throttled_pct: 0,
    cpu_pressure_avg10: 0,
    seconds: 8,
  }));
const pcc = (over: Partial<Parameters<typeof judgeLoadTest>[0]> = {}) =>
  judgeLoadTest({
    source: 'pcc',
    units: steadyUnits,
    levels: quietLevels(),
    background_busy: 1,
    speed_change_pct: 0.4,
    level_seconds: 10,
    ...over,
  });

describe('judgeLoadTest', () => {
  it('finds nothing wrong with a quiet, steady pcc run', () => {
    expect(pcc()).toEqual({ validity: 'valid', validity_reasons: [] });
  });

  it('calls the busy-machine run of the issue invalid, naming each level that fell short', () => {
    // Started while the machine was 89 % busy: 70 / 80 / 100 % reached 26 / 25 / 24 %.
    const levels = quietLevels();
    for (const [at, got] of [
      [70, 26],
      [80, 25],
      [100, 24],
    ] as const) {
      const level = levels[at / 10 - 1] as JudgedLevel;
      level.achieved_utilization = got;
      level.other_utilization = 70;
    }
    const v = pcc({ levels, background_busy: 89, units: [174, 157, 104, 97, 204, 95, 90, 88, 80, 95] });
    expect(v.validity).toBe('invalid');
    const codes = v.validity_reasons.map((r) => `${r.code}@${r.level}:${r.severity}`);
    expect(codes).toContain('background_load@null:invalid');
    expect(codes).toContain('level_shortfall@70:invalid');
    expect(codes).toContain('level_shortfall@100:invalid');
    expect(codes).toContain('other_load@80:invalid');
    expect(codes).toContain('units_not_increasing@30:suspect');
    const shortfall = v.validity_reasons.find((r) => r.code === 'level_shortfall' && r.level === 70);
    expect(shortfall).toMatchObject({ value: 44, limit: LEVEL_SHORTFALL_INVALID_POINTS });
    expect(shortfall?.message).toBe('At the 70 % level the load reached only 26 % (more than 15 points short).');
    const background = v.validity_reasons.find((r) => r.code === 'background_load');
    expect(background).toMatchObject({ value: 89, limit: BACKGROUND_INVALID_PCT });
  });

  it('grades each limit: suspect past the first, invalid past the second', () => {
    const levels = quietLevels();
    (levels[3] as JudgedLevel).other_utilization = OTHER_LOAD_SUSPECT_PCT + 1;
    expect(pcc({ levels }).validity_reasons).toEqual([
      expect.objectContaining({ code: 'other_load', level: 40, severity: 'suspect', value: 6, limit: 5 }),
    ]);
    expect(pcc({ speed_change_pct: -3 }).validity).toBe('suspect');
    expect(pcc({ speed_change_pct: -12 }).validity).toBe('invalid');
    expect(pcc({ speed_change_pct: 2 }).validity).toBe('valid');
  });

  it('says levels shorter than the settling minimum are suspect', () => {
    const v = pcc({ level_seconds: 2 });
    expect(v.validity).toBe('suspect');
    expect(v.validity_reasons[0]).toMatchObject({ code: 'level_too_short', value: 2, limit: MIN_LEVEL_SECONDS });
  });

  it('does not hold a quota’s throttling or the load’s own pressure against the flat-out level', () => {
    const levels = quietLevels();
    const full = levels[9] as JudgedLevel;
    full.throttled_pct = 50;
    full.cpu_pressure_avg10 = 60;
    expect(pcc({ levels }).validity).toBe('valid');
    const paced = levels[4] as JudgedLevel;
    paced.throttled_pct = 30;
    expect(pcc({ levels }).validity_reasons.map((r) => r.code)).toEqual(['throttled']);
  });

  it('marks a forced start', () => {
    expect(pcc({ forced: true }).validity_reasons.map((r) => r.code)).toEqual(['forced']);
  });

  it('judges imports and typed-in results from what they hold', () => {
    const imported = judgeLoadTest({ source: 'import', units: steadyUnits, extrapolated: true });
    expect(imported.validity).toBe('suspect');
    expect(imported.validity_reasons.map((r) => r.code)).toEqual(['extrapolated', 'conditions_unknown']);
    const typed = judgeLoadTest({ source: 'manual', units: [1, 2, 3, 4, 5, 6, 7, 8, 9, 0] });
    expect(typed.validity).toBe('invalid');
    expect(typed.validity_reasons.map((r) => r.code)).toEqual(['no_full_load', 'conditions_unknown']);
  });
});
