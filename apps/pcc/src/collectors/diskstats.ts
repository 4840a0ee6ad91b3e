import { type Collector, procFileCollector } from './collector.ts';

/** /proc/diskstats — per-device I/O counters. */
export const diskstatsCollector = (procRoot = '/proc'): Collector => procFileCollector(procRoot, 'diskstats');
