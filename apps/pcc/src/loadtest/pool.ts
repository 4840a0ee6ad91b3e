import { readFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { Load } from './controller.ts';
import { compileUnitModule, createUnitMemory } from './work-unit.ts';
import { CONTROL, WORKER_SOURCE } from './worker-source.ts';

/** One worker thread per vCPU running work units on one shared 4 MiB array, at a rate the controller sets. */
export class WorkerPool implements Load {
  private readonly exited: Promise<unknown>[];

  private constructor(
    private readonly workersList: Worker[],
    private readonly ctl: Int32Array,
    private readonly tids: number[],
  ) {
    this.exited = workersList.map((w) => new Promise((resolve) => w.once('exit', resolve)));
  }

  static async start(count: number): Promise<WorkerPool> {
    // Loaded here, not at start-up: the daemon never needs threads, and every module costs it resident memory.
    const { Worker } = await import('node:worker_threads');
    const module = compileUnitModule();
    const memory = createUnitMemory();
    const control = new SharedArrayBuffer(4 * (CONTROL.counts + count));
    const ctl = new Int32Array(control);
    const workers: Worker[] = [];
    const ready: Promise<number>[] = [];
    for (let id = 0; id < count; id++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory, control, id, workers: count },
      });
      workers.push(worker);
      ready.push(
        new Promise((resolve, reject) => {
          worker.once('message', (m: { tid?: number }) => resolve(m.tid ?? 0));
          worker.once('error', reject);
        }),
      );
    }
    const tids: number[] = [];
    const pool = new WorkerPool(workers, ctl, tids);
    try {
      tids.push(...(await Promise.all(ready)));
    } catch (err) {
      await pool.stop();
      throw err;
    }
    return pool;
  }

  get workers(): number {
    return this.workersList.length;
  }

  /** Units per second per worker, or 'max' for flat out. */
  setRate(rate: number | 'max'): void {
    const value = rate === 'max' ? -1 : Math.max(0, Math.round(rate * 1000));
    Atomics.store(this.ctl, CONTROL.rate, value);
    Atomics.add(this.ctl, CONTROL.generation, 1);
    Atomics.notify(this.ctl, CONTROL.generation);
  }

  units(): number {
    let total = 0;
    for (let id = 0; id < this.workersList.length; id++) total += Atomics.load(this.ctl, CONTROL.counts + id);
    return total;
  }

  /**
   * CPU time of the worker threads, in milliseconds: the load itself, without this process's main thread (the
   * controller) or V8's helper threads. From each thread's scheduler run time in nanoseconds (schedstat), or its
   * utime + stime in 10 ms ticks where the kernel has no schedstat; the whole process's time where threads are unknown.
   */
  cpuMs(): number {
    if (this.tids.length === 0 || this.tids.includes(0)) {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    }
    let total = 0;
    for (const tid of this.tids) total += threadCpuMs(tid);
    return total;
  }

  async stop(): Promise<void> {
    Atomics.store(this.ctl, CONTROL.stop, 1);
    Atomics.add(this.ctl, CONTROL.generation, 1);
    Atomics.notify(this.ctl, CONTROL.generation);
    await Promise.all(this.exited);
  }
}

function threadCpuMs(tid: number): number {
  try {
    return Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, at USER_HZ 100
  }
}
