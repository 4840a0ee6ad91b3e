/**
 * The memory-bandwidth worker, as source text for `new Worker(source, { eval: true })` (like the load test's: the
 * same code runs from the sources, the test runner and the one-file bundle).
 *
 * Shared Int32Array `control`: [0] stop, [1] generation (bumped on every change; wakes the waiting), [2] operation,
 * [3] busy workers k, [4 + id] chunks done by worker id. With k busy, worker id < k works on the id-th k-th of the
 * buffer, chunk after chunk, round and round, until the generation changes; the others wait. Read sums the chunk's
 * doubles in four independent accumulators (a loop V8 compiles to plain 8-byte loads and adds: 2–3× the speed of a
 * 32-bit integer loop, near C's); write fills it (TypedArray.fill: a memset) with a normal double (a denormal would
 * make every add of the read slow on some CPUs); copy moves the first half of the worker's part onto the second
 * (copyWithin: a memmove) — counted as bytes read plus bytes written, as STREAM counts its copy.
 */
export const MEMORY_OPS = { idle: 0, read: 1, write: 2, copy: 3 } as const;
export type MemoryOp = Exclude<keyof typeof MEMORY_OPS, 'idle'>;
export const MEMORY_CONTROL = { stop: 0, generation: 1, op: 2, busy: 3, counts: 4 } as const;
/** Bytes per chunk: the unit the workers count in (1 MiB: ~30 000 a second at 30 GB/s). */
export const MEMORY_CHUNK = 1 << 20;

export const MEMORY_WORKER_SOURCE = `
'use strict';
const { workerData, parentPort } = require('node:worker_threads');
const { buffer, control, id } = workerData;
const ctl = new Int32Array(control);
const words = new Float64Array(buffer);
const STOP = ${MEMORY_CONTROL.stop}, GEN = ${MEMORY_CONTROL.generation}, OP = ${MEMORY_CONTROL.op};
const BUSY = ${MEMORY_CONTROL.busy}, COUNT = ${MEMORY_CONTROL.counts} + id;
const READ = ${MEMORY_OPS.read}, WRITE = ${MEMORY_OPS.write}, COPY = ${MEMORY_OPS.copy};
const CHUNK = ${MEMORY_CHUNK / 8};
let sink = 0;
function read(from) {
  let a = 0, b = 0, c = 0, d = 0;
  const to = from + CHUNK;
  for (let i = from; i < to; i += 4) {
    a += words[i];
    b += words[i + 1];
    c += words[i + 2];
    d += words[i + 3];
  }
  sink += a + b + c + d;
}
parentPort.postMessage('ready');
let pass = 0;
while (Atomics.load(ctl, STOP) === 0) {
  const gen = Atomics.load(ctl, GEN);
  const op = Atomics.load(ctl, OP);
  const k = Atomics.load(ctl, BUSY);
  if (op === 0 || id >= k) {
    Atomics.wait(ctl, GEN, gen);
    continue;
  }
  // This worker's part, in whole chunks (pairs of chunks: copy halves it).
  const part = Math.floor(words.length / k / (2 * CHUNK)) * 2 * CHUNK;
  const start = id * part;
  const span = op === COPY ? part / 2 : part;
  let at = 0;
  while (Atomics.load(ctl, GEN) === gen) {
    if (op === READ) read(start + at);
    else if (op === WRITE) words.fill(1 + (pass & 255), start + at, start + at + CHUNK);
    else words.copyWithin(start + span + at, start + at, start + at + CHUNK);
    Atomics.add(ctl, COUNT, 1);
    at += CHUNK;
    if (at >= span) {
      at = 0;
      pass = (pass + 1) | 0;
    }
  }
}
parentPort.postMessage(sink);
`;
