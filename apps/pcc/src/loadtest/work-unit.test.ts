import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock } from './lock.ts';
import { WorkerPool } from './pool.ts';
import { createProgress } from './progress.ts';
import {
  compileUnitModule,
  createUnitMemory,
  instantiateUnit,
  UNIT_ELEMENTS,
  unitSweep,
  workUnitWasm,
} from './work-unit.ts';

const dir = mkdtempSync(join(tmpdir(), 'pcc-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the work unit (WebAssembly, i64)', () => {
  it('computes exactly what the specification says, element by element, over two sweeps', () => {
    const memory = createUnitMemory();
    const run = instantiateUnit(compileUnitModule(), memory);
    run(2);
    const wasm = new BigUint64Array(memory.buffer);
    const spec = new BigUint64Array(UNIT_ELEMENTS);
    unitSweep(spec);
    unitSweep(spec);
    let mismatches = 0;
    for (let k = 0; k < UNIT_ELEMENTS; k++) if (wasm[k] !== spec[k]) mismatches++;
    expect(mismatches).toBe(0);
    // 4 MiB, really written: the accumulator is carried, so neighbouring elements differ.
    expect(wasm[1]).not.toBe(wasm[0]);
    expect(wasm[UNIT_ELEMENTS - 1]).not.toBe(0n);
  });

  it('is a valid module that imports one shared 4 MiB memory and exports run', () => {
    const bytes = workUnitWasm();
    expect([...bytes.slice(0, 4)]).toEqual([0, 0x61, 0x73, 0x6d]);
    expect(() => compileUnitModule()).not.toThrow();
    expect(createUnitMemory().buffer.byteLength).toBe(4 * 1024 * 1024);
  });

  it('runs on worker threads, flat out and at a set rate, and stops', async () => {
    const pool = await WorkerPool.start(2);
    try {
      pool.setRate('max');
      await new Promise((r) => setTimeout(r, 300));
      const flatOut = pool.units();
      expect(flatOut).toBeGreaterThan(10);
      pool.setRate(20); // 20 units/s per worker: ~12 in 300 ms for two
      const from = pool.units();
      await new Promise((r) => setTimeout(r, 300));
      const atRate = pool.units() - from;
      expect(atRate).toBeGreaterThan(4);
      expect(atRate).toBeLessThan(flatOut);
    } finally {
      await pool.stop();
    }
  });
});

describe('load-test lock', () => {
  it('refuses while another live process holds it, and takes over a stale one', () => {
    const file = join(dir, 'loadtest.lock');
    const first = acquireLock(file);
    expect('release' in first).toBe(true);
    expect(acquireLock(file)).toEqual({ heldBy: process.pid });
    if ('release' in first) first.release();
    writeFileSync(file, '999999999'); // no such process
    const taken = acquireLock(file);
    expect('release' in taken).toBe(true);
    if ('release' in taken) taken.release();
  });
});

describe('load-test progress', () => {
  const level = { utilization: 30, work_units: 140, achieved_utilization: 30.12, seconds: 10 };
  it('draws a bar in place on a terminal', () => {
    let out = '';
    const p = createProgress(
      (t) => {
        out += t;
      },
      true,
      10,
    );
    p.update({ level: 30, achieved: 29.5, levelMsLeft: 4000, totalMsLeft: 74_000 });
    p.level(level);
    expect(out).toMatch(/^\r\[-{20}\] level 30%  achieved 29\.5%  74 s left/);
    expect(out).toContain('\rlevel  30%: 140 units/s at 30.12% busy (10 s)');
  });

  it('writes one plain line per level otherwise', () => {
    let out = '';
    const p = createProgress(
      (t) => {
        out += t;
      },
      false,
      10,
    );
    p.update({ level: 30, achieved: 29.5, levelMsLeft: 4000, totalMsLeft: 74_000 });
    p.level(level);
    expect(out).toBe('level  30%: 140 units/s at 30.12% busy (10 s)\n');
  });
});
