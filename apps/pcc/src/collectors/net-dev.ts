import { type Collector, procFileCollector } from './collector.ts';

/** /proc/net/dev — per-interface byte and packet counters, with the two header lines. */
export const netDevCollector = (procRoot = '/proc'): Collector => procFileCollector(procRoot, 'net/dev');
