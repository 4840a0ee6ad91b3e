/**
 * The disk benchmark without fio: the same four measurements fio makes with `--direct=1 --ioengine=psync
 * --iodepth=1`, from Node. The file is opened with O_DIRECT, so every read and write goes to the device, not the page
 * cache. O_DIRECT needs buffers aligned to the device's logical block, which a Node Buffer does not promise (a
 * misaligned one fails with EINVAL): the buffer here is a WebAssembly memory, which V8 maps page-aligned. Each
 * operation is one positioned read or write (pread/pwrite), timed on its own for the latency percentiles; the loop
 * yields to the event loop every few milliseconds so that a cancel is seen at once.
 */

import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { setImmediate as yieldNow } from 'node:timers/promises';
import type { BenchEnv, RepeatResult } from './types.ts';
import { round } from './types.ts';

export const SEQ_BLOCK = 1 << 20;
export const RAND_BLOCK = 4096;
const YIELD_MS = 20;

/** A page-aligned buffer of `bytes` (whole 64 KiB pages) for O_DIRECT. */
export function alignedBuffer(bytes: number): Buffer {
  const pages = Math.ceil(bytes / 65536);
  const wasm = (
    globalThis as unknown as {
      WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => { buffer: ArrayBuffer } };
    }
  ).WebAssembly;
  return Buffer.from(new wasm.Memory({ initial: pages, maximum: pages }).buffer, 0, bytes);
}

export class ShortIoError extends Error {
  constructor(what: string, done: number, wanted: number, at: number) {
    super(
      `${what} of ${wanted} bytes at offset ${at} moved ${done}: the test file changed under the benchmark (truncated or removed?)`,
    );
    this.name = 'ShortIoError';
  }
}

export interface OpenedFile {
  fd: number;
  bytes: number;
}

/** Creates the test file (never an existing one) with O_DIRECT and fills it once, sequentially: no read meets a hole. */
export async function createDirectFile(env: BenchEnv, path: string, bytes: number): Promise<OpenedFile> {
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT, 0o600);
  const file = { fd, bytes };
  try {
    await sequential(env, file, 'write', bytes, 0);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return file;
}

/** One pread/pwrite of the whole buffer at `at`; a short one is an error (the file changed under us). */
function io(fd: number, op: 'read' | 'write', buf: Buffer, at: number) {
  const done = op === 'read' ? readSync(fd, buf, 0, buf.length, at) : writeSync(fd, buf, 0, buf.length, at);
  if (done !== buf.length) throw new ShortIoError(op === 'read' ? 'A read' : 'A write', done, buf.length, at);
}

/** Runs `step` until `ms` have passed and at least `minOps` were done; yields to the event loop between slices. */
async function loop(
  env: BenchEnv,
  ms: number,
  minOps: number,
  step: (i: number) => void,
): Promise<{ ops: number; seconds: number }> {
  const t0 = performance.now();
  let ops = 0;
  for (;;) {
    const slice = performance.now();
    while (performance.now() - slice < YIELD_MS) step(ops++);
    await yieldNow();
    if (env.signal.aborted) throw env.signal.reason ?? new Error('cancelled');
    const elapsed = performance.now() - t0;
    if (elapsed >= ms && ops >= minOps) return { ops, seconds: elapsed / 1000 };
  }
}

/** Sequential 1 MiB blocks round the file from offset 0 for `ms` (at least `minBytes`), fsync included for writes. */
async function sequential(env: BenchEnv, file: OpenedFile, op: 'read' | 'write', minBytes: number, ms: number) {
  const buf = alignedBuffer(SEQ_BLOCK);
  if (op === 'write') randomBytes(SEQ_BLOCK).copy(buf);
  const blocks = Math.floor(file.bytes / SEQ_BLOCK);
  const t0 = performance.now();
  const { ops } = await loop(env, ms, Math.ceil(minBytes / SEQ_BLOCK), (i) =>
    io(file.fd, op, buf, (i % blocks) * SEQ_BLOCK),
  );
  if (op === 'write') fsyncSync(file.fd);
  return (ops * SEQ_BLOCK) / ((performance.now() - t0) / 1000);
}

/** 4 KiB at random aligned offsets for `ms`; each operation's latency in ms. */
async function random(env: BenchEnv, file: OpenedFile, op: 'read' | 'write', ms: number) {
  const buf = alignedBuffer(RAND_BLOCK);
  if (op === 'write') randomBytes(RAND_BLOCK).copy(buf);
  const blocks = Math.floor(file.bytes / RAND_BLOCK);
  const latencies: number[] = [];
  const { ops, seconds } = await loop(env, ms, 1, () => {
    const at = Math.floor(Math.random() * blocks) * RAND_BLOCK;
    const t = performance.now();
    io(file.fd, op, buf, at);
    latencies.push(performance.now() - t);
  });
  return { iops: ops / seconds, latencies };
}

/** One repeat: sequential write and read, random read and write, each for a step. */
export async function builtinRepeat(env: BenchEnv, file: OpenedFile): Promise<RepeatResult> {
  const { quantiles } = await import('@xat/stats');
  const ms = env.stepSeconds * 1000;
  const metrics: Record<string, number> = {};
  env.say('sequential write, 1 MiB blocks');
  metrics['disk.seq_write_mbps'] = round((await sequential(env, file, 'write', 0, ms)) / 1e6, 1);
  env.say('sequential read, 1 MiB blocks');
  metrics['disk.seq_read_mbps'] = round((await sequential(env, file, 'read', 0, ms)) / 1e6, 1);
  for (const op of ['read', 'write'] as const) {
    env.say(`random ${op}, 4 KiB blocks`);
    const r = await random(env, file, op, ms);
    const [p50, p99] = quantiles(r.latencies, [0.5, 0.99]);
    metrics[`disk.rand_${op}_iops`] = round(r.iops, 0);
    metrics[`disk.rand_${op}_p50_ms`] = round(p50 ?? 0, 4);
    metrics[`disk.rand_${op}_p99_ms`] = round(p99 ?? 0, 4);
  }
  return { metrics };
}

export function closeFile(file: OpenedFile | undefined) {
  if (!file) return;
  try {
    closeSync(file.fd);
  } catch {
    // already closed
  }
}
