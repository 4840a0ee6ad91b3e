import { type Collector, procFileCollector } from './collector.ts';

/** /proc/meminfo — memory in kB. */
export const meminfoCollector = (procRoot = '/proc'): Collector => procFileCollector(procRoot, 'meminfo');
