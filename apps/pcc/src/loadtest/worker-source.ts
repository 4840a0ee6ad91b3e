/**
 * The load-test worker, as source text run with `new Worker(source, { eval: true })`: the same code runs from the
 * TypeScript sources, under the test runner and from the one-file bundle, with no second entry file to ship.
 *
 * Shared Int32Array `control`: [0] stop, [1] generation (bumped on every change, wakes sleepers), [2] rate in
 * milli-units per second per worker (-1 = flat out, 0 = idle), [3 + id] units done by worker id.
 * At a rate, each 100 ms period runs the units it has credit for, then sleeps the rest of the period.
 */
export const CONTROL = { stop: 0, generation: 1, rate: 2, counts: 3 } as const;
export const PERIOD_MS = 100;

export const WORKER_SOURCE = `
'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const { module, memory, control, id, periodMs } = workerData;
const ctl = new Int32Array(control);
const run = new WebAssembly.Instance(module, { env: { memory } }).exports.run;
const STOP = ${CONTROL.stop}, GEN = ${CONTROL.generation}, RATE = ${CONTROL.rate}, COUNT = ${CONTROL.counts} + id;
let credit = 0;
parentPort.postMessage('ready');
while (Atomics.load(ctl, STOP) === 0) {
  const gen = Atomics.load(ctl, GEN);
  const rate = Atomics.load(ctl, RATE);
  if (rate < 0) {
    run(1);
    Atomics.add(ctl, COUNT, 1);
    continue;
  }
  const start = performance.now();
  const perPeriod = (rate / 1000) * (periodMs / 1000);
  // Credit left over when a period ran short carries on, but never more than a period's worth.
  credit = Math.min(credit + perPeriod, perPeriod + 1);
  while (credit >= 1 && Atomics.load(ctl, GEN) === gen && performance.now() - start < periodMs) {
    run(1);
    Atomics.add(ctl, COUNT, 1);
    credit -= 1;
  }
  const left = periodMs - (performance.now() - start);
  if (left > 0) Atomics.wait(ctl, GEN, gen, left);
}
`;
