import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixturePath } from '../../../test/helpers.ts';
import { roundHalfEven } from '../../lib/round.ts';
import { PerfCpuMeasureError, parsePerfCpuMeasure } from './perfcpumeasure.ts';

const fixture = (name: string) => readFileSync(fixturePath('loadtest', name), 'utf8');

describe('parsePerfCpuMeasure', () => {
  it('reads the recorded runs level by level', () => {
    expect(parsePerfCpuMeasure(fixture('oci-2vcpu-training.ndjson'))).toEqual({
      units: [18, 36, 54, 72, 92, 110, 128, 146, 164, 182],
      siteid: 1,
      host: 0,
    });
    expect(parsePerfCpuMeasure(fixture('azure-4vcpu-training.ndjson')).units).toEqual([
      28, 54, 82, 110, 136, 164, 192, 220, 246, 274,
    ]);
  });

  it('accepts any order, CRLF, a BOM and blank lines; missing levels are 0', () => {
    const text =
      '\uFEFF{"siteid":9,"host":3,"busy":90,"units":7}\r\n\r\n  {"busy":10,"units":1,"siteid":9,"host":3}  \n';
    expect(parsePerfCpuMeasure(text)).toEqual({ units: [1, 0, 0, 0, 0, 0, 0, 0, 7, 0], siteid: 9, host: 3 });
  });

  it('keeps u64 ids beyond 2^53 digit for digit', () => {
    const run = parsePerfCpuMeasure('{"siteid":9007199254740993,"host":18446744073709551615,"busy":10,"units":1}');
    expect(run).toMatchObject({ siteid: '9007199254740993', host: '18446744073709551615' });
  });

  it('names the offending line', () => {
    const bad = (text: string) => {
      try {
        parsePerfCpuMeasure(text);
      } catch (err) {
        expect(err).toBeInstanceOf(PerfCpuMeasureError);
        return (err as PerfCpuMeasureError).message;
      }
      throw new Error('parsed');
    };
    const ok = '{"siteid":1,"host":0,"busy":10,"units":5}';
    expect(bad(`${ok}\n\n{"busy":20,`)).toBe('line 3: not valid JSON.');
    expect(bad(`${ok}\n{"busy":100.5,"units":1}`)).toBe('line 2: "busy" must be one of 10, 20, …, 100 (got 100.5).');
    expect(bad(`${ok}\n{"busy":"20","units":1}`)).toBe('line 2: "busy" must be one of 10, 20, …, 100 (got "20").');
    expect(bad(`${ok}\n{"busy":20,"units":1.5}`)).toMatch(/^line 2: "units" must be an integer from 0 to/);
    expect(bad(`${ok}\n{"busy":20}`)).toMatch(/^line 2: "units" must be .* \(got nothing\)\.$/);
    expect(bad(`${ok}\n{"busy":20,"units":3,"host":"a"}`)).toBe('line 2: "host" must be an unsigned integer.');
    expect(bad('null')).toMatch(/^line 1: expected a JSON object/);
    expect(bad('')).toBe('The file contains no measurements.');
  });
});

describe('roundHalfEven', () => {
  it('rounds like Python’s round()', () => {
    expect(roundHalfEven(72.25, 1)).toBe(72.2);
    expect(roundHalfEven(72.75, 1)).toBe(72.8);
    expect(roundHalfEven(0.15, 1)).toBe(0.1); // 0.1499999… in binary
    expect(roundHalfEven(2.675, 2)).toBe(2.67);
    expect(roundHalfEven(0.125, 2)).toBe(0.12);
    expect(roundHalfEven(-0.375, 2)).toBe(-0.38);
    expect(roundHalfEven(2.5, 0)).toBe(2);
    expect(roundHalfEven(274 / 182, 2)).toBe(1.51);
    expect(roundHalfEven(85.16666666666667, 1)).toBe(85.2);
  });
});
