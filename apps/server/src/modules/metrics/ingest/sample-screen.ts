import { type MetricSample, MetricSampleSchema, type RefusedSample } from '@xat/contracts';
import { boundedCheck, MAX_ERROR_FIELDS } from './bounded-check.ts';

const sampleCheck = boundedCheck<MetricSample>(MetricSampleSchema);

/** A well-formed sample with every value within its field's bounds (percentages 0–100, amounts ≥ 0 and finite…). */
export const isStorable = (sample: unknown): sample is MetricSample => sampleCheck.check(sample);

/** The samples of a batch sorted out: those to store, and the refused ones. */
export interface Screened {
  accepted: MetricSample[];
  /** The first MAX_ERROR_FIELDS refused samples, with why. */
  refused: RefusedSample[];
  /** Malformed, or a value beyond its bounds; the first of them. */
  invalid: number;
  firstInvalid?: RefusedSample;
  /** Outside the accepted time range. */
  outOfRange: number;
}

/** Why one sample is refused: the first field found wrong (built only for the samples listed). */
function firstProblem(sample: unknown): { field: string; reason: string } {
  const [field, messages] = Object.entries(sampleCheck.errors(sample, '', 1))[0] ?? [];
  return { field: field === undefined || field === 'non_field_errors' ? '' : field, reason: messages?.[0] ?? '' };
}

/**
 * Each sample on its own: a bad one is refused with its index and reason, and the rest are stored. The check is the
 * compiled schema's; reasons are built for the first MAX_ERROR_FIELDS refused samples only, so a batch of bad
 * samples costs no more than a good one.
 */
export function screenSamples(
  samples: readonly unknown[],
  range: { contains(timestamp: number): boolean; describe(): string },
  /** Seconds taken off each timestamp first: the sender's clock skew (agent-signals.ts). */
  correction = 0,
): Screened {
  const out: Screened = { accepted: [], refused: [], invalid: 0, outOfRange: 0 };
  const room = () => out.refused.length < MAX_ERROR_FIELDS;
  samples.forEach((sample, index) => {
    if (!isStorable(sample)) {
      const problem = room() || out.invalid === 0 ? { index, ...firstProblem(sample) } : undefined;
      if (out.invalid++ === 0) out.firstInvalid = problem;
      if (problem && room()) out.refused.push(problem);
      return;
    }
    const corrected = correction === 0 ? sample : { ...sample, timestamp: sample.timestamp - correction };
    if (range.contains(corrected.timestamp)) {
      out.accepted.push(corrected);
      return;
    }
    out.outOfRange++;
    const reason = `Outside the accepted time range (${range.describe()}).`;
    if (room()) out.refused.push({ index, field: 'timestamp', reason });
  });
  return out;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The 400's summary lines of a screened batch (empty when nothing was refused). */
export function refusalMessages(screened: Screened, range: { describe(): string }): string[] {
  const lines: string[] = [];
  if (screened.invalid > 0) {
    const first = screened.firstInvalid;
    lines.push(
      `${plural(screened.invalid, 'sample is', 'samples are')} malformed or hold a value beyond its bounds` +
        (first ? ` (first: samples.${first.index}${first.field ? `.${first.field}` : ''}: ${first.reason})` : '') +
        '.',
    );
  }
  if (screened.outOfRange > 0)
    lines.push(
      `${plural(screened.outOfRange, 'sample', 'samples')} outside the accepted time range (${range.describe()}).`,
    );
  return lines;
}
