import { type Collector, procFileCollector } from './collector.ts';

/** /proc/cpuinfo — CPU model and flags; only `pcc collect` records it (newer reference builds repeat it every round). */
export const cpuinfoCollector = (procRoot = '/proc'): Collector => procFileCollector(procRoot, 'cpuinfo');
