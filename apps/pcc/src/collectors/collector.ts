import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One source of a sampling round: its subsystem name in the raw format (REFERENCE 1.1) and how to read it. */
export interface Collector {
  readonly subsystem: string;
  /** The measurement string, verbatim; throws when the source cannot be read. */
  read(): string;
}

/** A /proc file read whole and verbatim, as the reference does; `procRoot` lets tests point at captured files. */
export function procFileCollector(procRoot: string, file: string): Collector {
  const path = join(procRoot, file);
  return { subsystem: `/proc/${file}`, read: () => readFileSync(path, 'utf8') };
}
