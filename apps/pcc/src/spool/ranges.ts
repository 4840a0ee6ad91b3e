/** A set of sequence numbers kept as sorted, disjoint, inclusive ranges: acks of a spool stay small on disk. */
export type Range = [from: number, to: number];

/** Adds [from, to] to the set (in place), merging neighbours. */
export function addRange(set: Range[], from: number, to: number): void {
  let i = 0;
  while (i < set.length && (set[i] as Range)[1] < from - 1) i++;
  let lo = from;
  let hi = to;
  let j = i;
  while (j < set.length && (set[j] as Range)[0] <= hi + 1) {
    const r = set[j] as Range;
    lo = Math.min(lo, r[0]);
    hi = Math.max(hi, r[1]);
    j++;
  }
  set.splice(i, j - i, [lo, hi]);
}

/** Adds every number of a list (any order). */
export function addAll(set: Range[], values: readonly number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  let start: number | undefined;
  let prev = Number.NaN;
  for (const v of sorted) {
    if (start !== undefined && v === prev + 1) {
      prev = v;
      continue;
    }
    if (start !== undefined) addRange(set, start, prev);
    start = v;
    prev = v;
  }
  if (start !== undefined) addRange(set, start, prev);
}

/** Drops everything below `low` (in place). */
export function pruneBelow(set: Range[], low: number): void {
  while (set.length && (set[0] as Range)[1] < low) set.shift();
  const first = set[0];
  if (first && first[0] < low) first[0] = low;
}

/** How many of [from, to] are in the set. */
export function countIn(set: readonly Range[], from: number, to: number): number {
  let n = 0;
  for (const [a, b] of set) {
    const lo = Math.max(a, from);
    const hi = Math.min(b, to);
    if (hi >= lo) n += hi - lo + 1;
  }
  return n;
}

/** The ranges of [from, to] that are NOT in the set, ascending. */
export function gaps(set: readonly Range[], from: number, to: number): Range[] {
  const out: Range[] = [];
  let cursor = from;
  for (const [a, b] of set) {
    if (b < cursor) continue;
    if (a > to) break;
    if (a > cursor) out.push([cursor, Math.min(a - 1, to)]);
    cursor = Math.max(cursor, b + 1);
    if (cursor > to) break;
  }
  if (cursor <= to) out.push([cursor, to]);
  return out;
}

/** The first `max` numbers of ascending ranges. */
export function firstOf(ranges: readonly Range[], max: number): number[] {
  const out: number[] = [];
  for (const [a, b] of ranges) {
    for (let v = a; v <= b && out.length < max; v++) out.push(v);
    if (out.length >= max) break;
  }
  return out;
}

/** The last `max` numbers of ascending ranges, ascending. */
export function lastOf(ranges: readonly Range[], max: number): number[] {
  const out: number[] = [];
  for (let i = ranges.length - 1; i >= 0 && out.length < max; i--) {
    const [a, b] = ranges[i] as Range;
    for (let v = b; v >= a && out.length < max; v--) out.push(v);
  }
  return out.reverse();
}
