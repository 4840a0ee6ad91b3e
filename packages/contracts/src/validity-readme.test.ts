import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as suite from './suite.ts';
import * as limits from './validity.ts';

// The README's "How verdicts are reached" table documents the limits: it must say what the code does.
const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const rowOf = (code: string) => readme.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));

describe('README verdict table', () => {
  it.each([
    ['level_shortfall', limits.LEVEL_SHORTFALL_SUSPECT_POINTS, limits.LEVEL_SHORTFALL_INVALID_POINTS],
    ['background_load', limits.BACKGROUND_SUSPECT_PCT, limits.BACKGROUND_INVALID_PCT],
    ['other_load', limits.OTHER_LOAD_SUSPECT_PCT, limits.OTHER_LOAD_INVALID_PCT],
    ['steal', limits.STEAL_SUSPECT_PCT, limits.STEAL_INVALID_PCT],
    ['throttled', limits.THROTTLED_SUSPECT_PCT, null],
    ['cpu_pressure', limits.CPU_PRESSURE_SUSPECT, null],
    ['speed_change', limits.UNSTEADY_SPEED_PCT, limits.SPEED_CHANGE_INVALID_PCT],
    ['level_too_short', limits.MIN_LEVEL_SECONDS, null],
    ['units_not_increasing', limits.UNITS_DROP_SUSPECT_PCT, null],
    ['run_spread', suite.SPREAD_SUSPECT_CV_PCT, suite.SPREAD_INVALID_CV_PCT],
  ] as const)('%s: suspect past %s, invalid past %s', (code, suspect, invalid) => {
    const row = rowOf(code);
    expect(row, `README has no row for ${code}`).toBeDefined();
    const cells = (row ?? '').split('|').map((c) => c.trim());
    // | code | judged on | suspect past | invalid past |
    expect(Number.parseFloat((cells[3] ?? '').replace(/^under /, ''))).toBe(suspect);
    if (invalid === null) expect(cells[4]).toBe('—');
    else expect(Number.parseFloat(cells[4] ?? '')).toBe(invalid);
  });

  it('lists every reason code', () => {
    for (const code of limits.VALIDITY_CODES.filter((c) => c !== 'single_run')) expect(rowOf(code)).toBeDefined();
  });

  it('states the quiet wait the agent applies', () => {
    expect(readme).toContain(
      `waits up to ${limits.QUIET_WAIT_SECONDS} s for the machine to be under ${limits.QUIET_BUSY_PCT} % busy`,
    );
  });
});
