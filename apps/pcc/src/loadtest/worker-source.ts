/**
 * The load-test worker, as source text run with `new Worker(source, { eval: true })`: the same code runs from the
 * TypeScript sources, under the test runner and from the one-file bundle, with no second entry file to ship.
 *
 * It answers `{ tid }` (its Linux thread id, 0 if unknown) when ready. Shared Int32Array `control`: [0] stop, [1] generation (bumped on every change, wakes sleepers), [2] rate in
 * milli-units per second per worker (-1 = flat out, 0 = idle), [3 + id] units done by worker id.
 *
 * At a rate, units start evenly spaced (one every 1/rate s), not in a burst at the start of a period: a unit's cost
 * then does not depend on how many ran just before it. Worker `id` of `workers` starts `id/workers` of an interval
 * later than worker 0, so the workers' sweeps over the shared array overlap the same way in every run. A rate change
 * keeps each worker's phase (the next unit is due one new interval after the last one started), and a worker that
 * fell behind owes at most one unit: it never bursts to catch up.
 */
export const CONTROL = { stop: 0, generation: 1, rate: 2, counts: 3 } as const;

export const WORKER_SOURCE = `
'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, id, workers } = workerData;
const ctl = new Int32Array(control);
const run = new WebAssembly.Instance(module, { env: { memory } }).exports.run;
const STOP = ${CONTROL.stop}, GEN = ${CONTROL.generation}, RATE = ${CONTROL.rate}, COUNT = ${CONTROL.counts} + id;
let gen = -1, rate = 0, interval = 0, next = 0, lastStart = -1;
// The thread's id, so the pool can read this thread's CPU time in /proc/self/task/<tid>/.
let tid = 0;
try {
  tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()) || 0;
} catch {}
parentPort.postMessage({ tid });
while (Atomics.load(ctl, STOP) === 0) {
  const g = Atomics.load(ctl, GEN);
  if (g !== gen) {
    gen = g;
    rate = Atomics.load(ctl, RATE);
    if (rate > 0) {
      interval = 1e6 / rate;
      next = lastStart < 0 ? performance.now() + (id / workers) * interval : lastStart + interval;
    } else lastStart = -1;
  }
  if (rate < 0) {
    run(1);
    Atomics.add(ctl, COUNT, 1);
    continue;
  }
  if (rate === 0) {
    Atomics.wait(ctl, GEN, gen);
    continue;
  }
  const now = performance.now();
  if (now < next) {
    Atomics.wait(ctl, GEN, gen, next - now);
    continue;
  }
  lastStart = Math.max(next, now - interval);
  run(1);
  Atomics.add(ctl, COUNT, 1);
  next = lastStart + interval;
}
`;
