import { LoadTestCreateSchema, OTHER_LOAD_INVALID_PCT, PccDetailsSchema } from '@xat/contracts';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { SimulatedMachine } from '../testing/simulated-machine.ts';
import { type LevelResult, runLoadTest } from './controller.ts';
import { type ResultMeta, toResult } from './result.ts';
import { toLoadTestCreate } from './upload.ts';
import { summaryLine, verdictText } from './verdict.ts';

const LEVELS = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
const meta = (over: Partial<ResultMeta> = {}): ResultMeta => ({
  vcpus: 2,
  effectiveCpus: 2,
  workers: 2,
  levelSeconds: 10,
  forced: false,
  version: '0.0.0',
  hostname: 'h',
  startedAt: new Date('2026-12-02T00:00:00Z'),
  ...over,
});
const createCheck = Compile(LoadTestCreateSchema);
const detailsCheck = Compile(PccDetailsSchema);

describe('the agent judges its own result', () => {
  it('valid: a quiet, steady simulated machine, 10 s levels; the text ends with the verdict', async () => {
    const machine = new SimulatedMachine({ capacity: () => 240, background: () => 1, freqMhz: () => 2600 });
    const run = await runLoadTest(machine, machine, machine.meters, { levels: LEVELS, levelSeconds: 10 });
    const result = toResult(run, meta());
    expect(result.validity_reasons).toEqual([]);
    expect(result.validity).toBe('valid');
    expect(summaryLine(result)).toMatch(/^2 vCPUs: \d+(\.\d+)? units\/s at 100 % \(\d+(\.\d+)? per vCPU\)/);
    expect(verdictText(result)).toMatch(/^Verdict: valid/);
  });

  it('invalid: other processes took a fifth of the machine at every level; each reason is told in words', async () => {
    const machine = new SimulatedMachine({ capacity: () => 240, background: () => 20 });
    const run = await runLoadTest(machine, machine, machine.meters, { levels: LEVELS, levelSeconds: 6 });
    const result = toResult(run, meta({ levelSeconds: 6 }));
    expect(result.validity).toBe('invalid');
    const other = result.validity_reasons.filter((r) => r.code === 'other_load');
    expect(other.map((r) => r.level)).toEqual(LEVELS);
    expect(other.every((r) => r.severity === 'invalid' && r.limit === OTHER_LOAD_INVALID_PCT)).toBe(true);
    const text = verdictText(result);
    expect(text.split('\n')[0]).toMatch(/^Verdict: invalid: these units do not measure this machine/);
    for (const reason of result.validity_reasons) expect(text).toContain(reason.message);
  });

  it('the figures come from the 100 % level itself, per effective CPU, even when a lower level did more', () => {
    const level = (utilization: number, work_units: number): LevelResult => ({
      utilization,
      work_units,
      achieved_utilization: utilization,
      machine_utilization: utilization,
      other_utilization: 0,
      steal_pct: 0,
      seconds: 8,
    });
    const levels = LEVELS.map((u) => level(u, u === 90 ? 204 : u === 100 ? 97 : u));
    const result = toResult(
      { levels, calibration_units_per_cpu: 240, background_busy: 1 },
      meta({ effectiveCpus: 0.5, workers: 1, levelSeconds: 2, forced: true }),
    );
    expect(result).toMatchObject({ units_100pct: 97, units_per_effective_cpu: 194, max_units: 204 });
    expect(summaryLine(result)).toBe(
      '2 vCPUs, 0.5 effective (cgroup quota or cpuset): 97 units/s at 100 % (194 per effective CPU)\n',
    );
    const codes = result.validity_reasons.map((r) => r.code);
    expect(codes).toEqual(expect.arrayContaining(['forced', 'level_too_short', 'units_not_increasing']));
    expect(result.validity).toBe('suspect');
  });

  it("uploads PccDetailsSchema's fields, the series and the effective CPUs", async () => {
    const machine = new SimulatedMachine({ capacity: () => 240, background: () => 1, workers: 1, quota: 0.5 });
    const run = await runLoadTest(machine, machine, machine.meters, {
      levels: LEVELS,
      levelSeconds: 2,
      cpus: { vcpus: 2, effective: 0.5 },
    });
    const series = { id: '0e7c5d4a-8b1e-4f3a-9c2d-1a2b3c4d5e6f', index: 1, count: 3 };
    const result = toResult(run, meta({ effectiveCpus: 0.5, workers: 1, levelSeconds: 2, series }));
    const body = toLoadTestCreate('c0ffee00-0000-4000-8000-000000000002', result);
    expect(createCheck.Check(body), JSON.stringify([...createCheck.Errors(body)])).toBe(true);
    expect(detailsCheck.Check(body.details), JSON.stringify([...detailsCheck.Errors(body.details)])).toBe(true);
    expect(body.series_id).toBe(series.id);
    expect(body.details).toMatchObject({ tool: 'pcc', vcpus: 2, effective_cpus: 0.5, forced: false, series });
    const full = (body.details as { levels: LevelResult[] }).levels.at(-1);
    expect(full?.throttled_pct).toBeGreaterThan(90);
    expect(body.units_100pct).toBe(Math.round(result.units_100pct));
  });
});
