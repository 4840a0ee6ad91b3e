import { LOAD_LEVELS } from '@xat/contracts';

/** One perfcpumeasure run: work units per level (index 0 = 10 %), 0 where the file has no line for the level. */
export interface PerfCpuMeasureRun {
  units: number[];
  /** Site and host ids as written (a string when beyond 2^53, so no digit is lost). */
  siteid: number | string | null;
  host: number | string | null;
}

/** A file that is not perfcpumeasure output; the message names the line when there is one to name. */
export class PerfCpuMeasureError extends Error {
  constructor(
    reason: string,
    readonly line?: number,
  ) {
    super(line === undefined ? reason : `line ${line}: ${reason}`);
  }
}

const MAX_UNITS = 2_147_483_647;

const show = (value: unknown) => {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

/** The raw digits of an unsigned integer member, read from the text because JSON.parse rounds past 2^53. */
function rawUnsigned(line: string, key: string, parsed: unknown): number | string | null {
  if (parsed === undefined) return null;
  if (typeof parsed !== 'number' || !Number.isInteger(parsed) || parsed < 0) return Number.NaN;
  if (Number.isSafeInteger(parsed)) return parsed;
  return new RegExp(`"${key}"\\s*:\\s*(\\d+)`).exec(line)?.[1] ?? parsed;
}

/**
 * Parses perfcpumeasure's NDJSON output (`{"siteid":u64,"host":u64,"busy":10..100,"units":uint}` per line).
 * Blank lines are skipped; anything else that is not a well-formed measurement throws, naming its line.
 */
export function parsePerfCpuMeasure(text: string): PerfCpuMeasureRun {
  const units: number[] = LOAD_LEVELS.map(() => 0);
  const seenOn = new Map<number, number>();
  let ids: Pick<PerfCpuMeasureRun, 'siteid' | 'host'> | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new PerfCpuMeasureError('not valid JSON.', n);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new PerfCpuMeasureError('expected a JSON object {"siteid","host","busy","units"}.', n);
    const { busy, units: count, siteid, host } = value as Record<string, unknown>;
    const level = LOAD_LEVELS.indexOf(busy as (typeof LOAD_LEVELS)[number]);
    if (level < 0) throw new PerfCpuMeasureError(`"busy" must be one of 10, 20, …, 100 (got ${show(busy)}).`, n);
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_UNITS)
      throw new PerfCpuMeasureError(`"units" must be an integer from 0 to ${MAX_UNITS} (got ${show(count)}).`, n);
    const first = seenOn.get(level);
    if (first !== undefined) throw new PerfCpuMeasureError(`busy ${busy} appears twice (first on line ${first}).`, n);
    seenOn.set(level, n);
    const lineIds = { siteid: rawUnsigned(line, 'siteid', siteid), host: rawUnsigned(line, 'host', host) };
    for (const key of ['siteid', 'host'] as const)
      if (Number.isNaN(lineIds[key])) throw new PerfCpuMeasureError(`"${key}" must be an unsigned integer.`, n);
    ids ??= lineIds;
    units[level] = count;
  });
  if (!ids) throw new PerfCpuMeasureError('The file contains no measurements.');
  return { units, ...ids };
}
