import { type Collector, procFileCollector } from './collector.ts';

/** /proc/stat — aggregate and per-CPU jiffies, btime (reboots), interrupts, context switches. */
export const statCollector = (procRoot = '/proc'): Collector => procFileCollector(procRoot, 'stat');
