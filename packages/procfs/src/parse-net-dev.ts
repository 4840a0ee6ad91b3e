import { countAt, eachLine, skipSpace, tokenEnd } from './text.ts';

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
  const v = new Array<number>(COUNTERS.length).fill(0);
  eachLine(text, (line, end) => {
    const colon = text.indexOf(':', line);
    if (colon < 0 || colon >= end) {
      const bar = text.indexOf('|', line);
      header ||= bar >= 0 && bar < end;
      return;
    }
    const name = text.slice(line, colon).trim();
    // Exactly 16 tokens, every one a counter.
    let read = 0;
    let j = colon + 1;
    for (;;) {
      const i = skipSpace(text, j, end);
      if (i === end) break;
      j = tokenEnd(text, i, end);
      const value = read < COUNTERS.length ? countAt(text, i, j) : undefined;
      if (value === undefined) {
        read = -1;
        break;
      }
      v[read++] = value;
    }
    if (name === '' || read !== COUNTERS.length) return;
    result.push({
      name,
      rxBytes: v[0] ?? 0,
      rxPackets: v[1] ?? 0,
      rxErrs: v[2] ?? 0,
      rxDrop: v[3] ?? 0,
      rxFifo: v[4] ?? 0,
      rxFrame: v[5] ?? 0,
      rxCompressed: v[6] ?? 0,
      rxMulticast: v[7] ?? 0,
      txBytes: v[8] ?? 0,
      txPackets: v[9] ?? 0,
      txErrs: v[10] ?? 0,
      txDrop: v[11] ?? 0,
      txFifo: v[12] ?? 0,
      txColls: v[13] ?? 0,
      txCarrier: v[14] ?? 0,
      txCompressed: v[15] ?? 0,
    });
  });
  return result.length > 0 || header ? result : undefined;
}
