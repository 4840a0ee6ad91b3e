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

  it('spreads units evenly at a rate, workers out of phase, instead of a burst per period', async () => {
    const pool = await WorkerPool.start(2);
    try {
      pool.setRate(30); // one unit every 33 ms per worker, the second worker 17 ms after the first
      const done: number[] = []; // when each unit was seen done
      const pause = new Int32Array(new SharedArrayBuffer(4));
      const t0 = performance.now();
      let seen = pool.units();
      while (performance.now() - t0 < 1000) {
        Atomics.wait(pause, 0, 0, 1);
        const now = pool.units();
        for (; seen < now; seen++) done.push(performance.now());
      }
      expect(done.length).toBeGreaterThan(45);
      expect(done.length).toBeLessThan(70);
      // In bursts, each 100 ms would see 3 units per worker back to back: most gaps one unit long (~5 ms), then a
      // long pause. Evenly paced, the typical gap is ~17 ms. The median is robust to a worker that was descheduled
      // for a moment and catches up (a few short gaps on a busy machine).
      const gaps = done
        .slice(1)
        .map((t, i) => t - (done[i] ?? t))
        .sort((a, b) => a - b);
      expect(gaps[Math.floor(gaps.length / 2)]).toBeGreaterThan(10);
    } finally {
      await pool.stop();
    }
  });

  it("measures the workers' own CPU time, not the rest of the process", async () => {
    const pool = await WorkerPool.start(2);
    try {
      const idleFrom = pool.cpuMs();
      const spin = performance.now();
      while (performance.now() - spin < 200); // this thread busy, the workers idle
      expect(pool.cpuMs() - idleFrom).toBeLessThan(20);
      pool.setRate('max');
      const t0 = performance.now();
      const busyFrom = pool.cpuMs();
      await new Promise((r) => setTimeout(r, 300));
      const used = pool.cpuMs() - busyFrom;
      const wall = performance.now() - t0;
      // Two threads flat out: up to 2 × the wall time (less what other processes on the machine take).
      expect(used).toBeGreaterThan(0.5 * wall);
      expect(used).toBeLessThan(2 * wall + 20);
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
  const level = {
    utilization: 30,
    work_units: 140.5,
    achieved_utilization: 30.12,
    machine_utilization: 31.5,
    other_utilization: 1.12,
    steal_pct: 0,
    seconds: 8,
  };
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
    expect(out).toMatch(/^\r\[-{20}\] level 30% {2}achieved 29\.5% {2}74 s left/);
    expect(out).toContain(
      '\rlevel  30%: 140.50 units/s at 30.12% load (machine 31.50% busy, other processes 1.1%, 8 s)',
    );
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
    // Steal, throttling and the clock only where measured.
    p.level({ ...level, steal_pct: 2.5, throttled_pct: 40, freq_mhz: 2596 });
    expect(out).toBe(
      'level  30%: 140.50 units/s at 30.12% load (machine 31.50% busy, other processes 1.1%, 8 s)\n' +
        'level  30%: 140.50 units/s at 30.12% load (machine 31.50% busy, other processes 1.1%, steal 2.5%, throttled 40% of periods, 2596 MHz, 8 s)\n',
    );
  });
});
