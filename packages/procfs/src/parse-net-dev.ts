import { fields, splitLines, toCount } from './text.ts';

/** One interface line of /proc/net/dev: the 16 cumulative counters. */
export interface NetDevLine {
  name: string;
  rxBytes: number;
  rxPackets: number;
  rxErrs: number;
  rxDrop: number;
  rxFifo: number;
  rxFrame: number;
  rxCompressed: number;
  rxMulticast: number;
  txBytes: number;
  txPackets: number;
  txErrs: number;
  txDrop: number;
  txFifo: number;
  txColls: number;
  txCarrier: number;
  txCompressed: number;
}

const COUNTERS = [
  'rxBytes',
  'rxPackets',
  'rxErrs',
  'rxDrop',
  'rxFifo',
  'rxFrame',
  'rxCompressed',
  'rxMulticast',
  'txBytes',
  'txPackets',
  'txErrs',
  'txDrop',
  'txFifo',
  'txColls',
  'txCarrier',
  'txCompressed',
] as const;

/**
 * Parses /proc/net/dev into interface lines in file order. The two header lines (no `:`) are skipped, as is any line
 * that is not `name: 16 counters` (e.g. the cut-off last line of a truncated file). Returns undefined when the text
 * has neither an interface line nor the `|` header, i.e. is empty or not this file.
 */
export function parseNetDev(text: string): NetDevLine[] | undefined {
  const result: NetDevLine[] = [];
  let header = false;
  for (const line of splitLines(text)) {
    const colon = line.indexOf(':');
    if (colon < 0) {
      header ||= line.includes('|');
      continue;
    }
    const name = line.slice(0, colon).trim();
    const values = fields(line.slice(colon + 1)).map(toCount);
    if (name === '' || values.length !== COUNTERS.length || values.some((v) => v === undefined)) continue;
    const parsed = { name } as NetDevLine;
    COUNTERS.forEach((key, i) => {
      parsed[key] = values[i] ?? 0;
    });
    result.push(parsed);
  }
  return result.length > 0 || header ? result : undefined;
}
