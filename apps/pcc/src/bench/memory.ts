/**
 * Memory bandwidth: read, write and copy GB/s (10⁹ bytes a second) over a buffer much larger than the last-level
 * cache, on one thread and on all (one worker per effective CPU, each on its own part of the buffer). The buffer is
 * four times the caches of the highest level together, at least 256 MiB, at most a quarter of the memory available
 * now. Every page is written once before anything is measured; each operation then runs a settling moment and a
 * measured window of a step.
 */
import { posix } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { RootReader } from '../specs/read.ts';
import { MEMORY_CHUNK, MEMORY_CONTROL, MEMORY_OPS, MEMORY_WORKER_SOURCE, type MemoryOp } from './memory-worker.ts';
import { type BenchEnv, type BenchmarkDef, type BenchmarkRun, type RepeatResult, round } from './types.ts';

const MIB = 2 ** 20;
export const MIN_BUFFER_BYTES = 256 * MIB;

/** Size of a cache size string of sysfs ("32768K", "1M"), bytes. */
const cacheBytes = (text: string | undefined): number => {
  const m = /^(\d+)\s*([KMG]?)/i.exec(text?.trim() ?? '');
  if (!m) return 0;
  const unit = { '': 1, K: 1024, M: MIB, G: 1024 * MIB }[(m[2] ?? '').toUpperCase()] ?? 1;
  return Number(m[1]) * unit;
};

/** The caches of the highest level, each counted once (by the CPUs sharing it), bytes together. */
export function lastLevelCacheBytes(files: RootReader): number {
  const base = 'sys/devices/system/cpu';
  const seen = new Map<string, { level: number; bytes: number }>();
  for (const cpu of files.list(base).filter((n) => /^cpu\d+$/.test(n))) {
    const dir = posix.join(base, cpu, 'cache');
    for (const index of files.list(dir).filter((n) => /^index\d+$/.test(n))) {
      const at = (f: string) => files.text(posix.join(dir, index, f))?.trim();
      if (at('type') === 'Instruction') continue;
      const level = Number(at('level'));
      const key = `${level}:${at('shared_cpu_list') ?? `${cpu}/${index}`}`;
      if (Number.isFinite(level)) seen.set(key, { level, bytes: cacheBytes(at('size')) });
    }
  }
  const top = Math.max(0, ...[...seen.values()].map((c) => c.level));
  return [...seen.values()].filter((c) => c.level === top).reduce((sum, c) => sum + c.bytes, 0);
}

const memAvailableBytes = (files: RootReader) =>
  Number(/^MemAvailable:\s+(\d+)/m.exec(files.text('proc/meminfo') ?? '')?.[1] ?? Number.NaN) * 1024;

/** The buffer: max(256 MiB, 4 × the last-level caches), capped by a quarter of the memory available, in whole units. */
export function memoryBufferBytes(files: RootReader, threads: number): number {
  const want = Math.max(MIN_BUFFER_BYTES, 4 * lastLevelCacheBytes(files));
  const available = memAvailableBytes(files);
  const cap = Number.isFinite(available) && available > 0 ? available / 4 : want;
  const unit = threads * 2 * MEMORY_CHUNK;
  return Math.max(unit, Math.floor(Math.min(want, cap) / unit) * unit);
}

class MemoryWorkers {
  private readonly ctl: Int32Array;
  private readonly exited: Promise<unknown>[];
  private constructor(
    private readonly workers: Worker[],
    control: SharedArrayBuffer,
  ) {
    this.ctl = new Int32Array(control);
    this.exited = workers.map((w) => new Promise((resolve) => w.once('exit', resolve)));
  }

  static async start(threads: number, buffer: SharedArrayBuffer): Promise<MemoryWorkers> {
    const { Worker } = await import('node:worker_threads');
    const control = new SharedArrayBuffer(4 * (MEMORY_CONTROL.counts + threads));
    const workers = Array.from(
      { length: threads },
      (_, id) => new Worker(MEMORY_WORKER_SOURCE, { eval: true, workerData: { buffer, control, id } }),
    );
    const pool = new MemoryWorkers(workers, control);
    try {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise((resolve, reject) => {
              w.once('message', resolve);
              w.once('error', reject);
            }),
        ),
      );
    } catch (err) {
      await pool.stop();
      throw err;
    }
    return pool;
  }

  get threads() {
    return this.workers.length;
  }

  /** Sets what the first `busy` workers do (the others wait). */
  set(op: MemoryOp | 'idle', busy: number) {
    Atomics.store(this.ctl, MEMORY_CONTROL.op, MEMORY_OPS[op]);
    Atomics.store(this.ctl, MEMORY_CONTROL.busy, busy);
    Atomics.add(this.ctl, MEMORY_CONTROL.generation, 1);
    Atomics.notify(this.ctl, MEMORY_CONTROL.generation);
  }

  chunks(busy: number): number[] {
    return Array.from({ length: busy }, (_, id) => Atomics.load(this.ctl, MEMORY_CONTROL.counts + id));
  }

  async stop() {
    Atomics.store(this.ctl, MEMORY_CONTROL.stop, 1);
    this.set('idle', 0);
    await Promise.all(this.exited);
  }
}

/** Waits until each of the first `busy` workers has been over its whole part once (every page written). */
async function touchAll(env: BenchEnv, pool: MemoryWorkers, bytes: number) {
  const perWorker = Math.floor(bytes / pool.threads / MEMORY_CHUNK);
  const from = pool.chunks(pool.threads);
  pool.set('write', pool.threads);
  while (pool.chunks(pool.threads).some((c, i) => c - (from[i] ?? 0) < perWorker)) await env.sleep(20);
  pool.set('idle', 0);
}

async function measure(env: BenchEnv, pool: MemoryWorkers, op: MemoryOp, busy: number): Promise<number> {
  pool.set(op, busy);
  await env.sleep(Math.min(300, (env.stepSeconds * 1000) / 4));
  const c0 = pool.chunks(busy);
  const t0 = performance.now();
  await env.sleep(env.stepSeconds * 1000);
  const c1 = pool.chunks(busy);
  const seconds = (performance.now() - t0) / 1000;
  pool.set('idle', 0);
  const chunks = c1.reduce((sum, c, i) => sum + c - (c0[i] ?? 0), 0);
  const bytes = chunks * MEMORY_CHUNK * (op === 'copy' ? 2 : 1);
  return round(bytes / seconds / 1e9);
}

export const memoryBandwidth: BenchmarkDef = {
  name: 'memory',
  async prepare(env): Promise<BenchmarkRun> {
    const threads = Math.max(1, Math.ceil(env.limits.effective_cpus));
    const bytes = memoryBufferBytes(env.files, threads);
    const pool = await MemoryWorkers.start(threads, new SharedArrayBuffer(bytes));
    let touched = false;
    return {
      engine: `buffer ${Math.round(bytes / MIB)} MiB, 1 and ${threads} threads`,
      async repeat(): Promise<RepeatResult> {
        if (!touched) {
          env.say(`writing the ${Math.round(bytes / MIB)} MiB buffer once`);
          await touchAll(env, pool, bytes);
          touched = true;
        }
        const metrics: Record<string, number> = {};
        for (const [suffix, busy] of [
          ['1t', 1],
          ['all', threads],
        ] as const)
          for (const op of ['read', 'write', 'copy'] as const) {
            env.say(`${op}, ${busy === 1 ? '1 thread' : `${busy} threads`}`);
            metrics[`memory.${op}_gbps_${suffix}`] = await measure(env, pool, op, busy);
          }
        return { metrics };
      },
      close: () => pool.stop(),
    };
  },
};
