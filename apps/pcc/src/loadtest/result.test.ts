import { UNSTEADY_SPEED_PCT } from '@xat/contracts';
import { describe, expect, it } from 'vitest';
import { type LoadTestResult, steadinessWarning } from './result.ts';

const result = (speed_change_pct?: number): LoadTestResult => ({
  levels: [],
  max_units: 0,
  vcpus: 2,
  level_seconds: 10,
  calibration_units_per_vcpu: 180,
  background_busy: 1,
  ...(speed_change_pct === undefined ? {} : { speed_change_pct }),
  pcc_version: '0.0.0',
  hostname: 'h',
  started_at: '2026-12-02T00:00:00.000Z',
});

describe('steadiness warning', () => {
  it('stays quiet while the machine held its flat-out speed, or when there was no flat-out level to compare', () => {
    expect(steadinessWarning(result(0))).toBeUndefined();
    expect(steadinessWarning(result(UNSTEADY_SPEED_PCT))).toBeUndefined();
    expect(steadinessWarning(result(-UNSTEADY_SPEED_PCT))).toBeUndefined();
    expect(steadinessWarning(result())).toBeUndefined();
  });

  it('says by how much and which way the speed moved past the bound', () => {
    expect(steadinessWarning(result(-4.26))).toMatch(/ran 4\.3 % slower flat out at the end .* than at the start/);
    expect(steadinessWarning(result(2.5))).toMatch(/ran 2\.5 % faster/);
  });
});
