/**
 * Two servers' repeated runs said as a result: the ratio of geometric means with its interval and verdict (ratioOf),
 * in numbers and words, and a summary per unit of something (a CPU, a dollar an hour). Shared by the load-test and
 * the benchmark comparisons, which round their figures their own way (`round`).
 */
import { type RatioVerdict, ratioOf, type Summary } from './intervals.ts';

/** A figure with its 95 % interval (null: none). */
export interface IntervalFigure {
  value: number;
  ci95_low: number | null;
  ci95_high: number | null;
}

export type PairVerdict = RatioVerdict | 'baseline' | 'no_runs';

export interface Pair {
  ratio: IntervalFigure | null;
  verdict: PairVerdict;
  verdict_text: string;
  /** The ratio unrounded, for figures derived from it. */
  exact: number | null;
}

export interface PairOptions {
  /** What to run again when one run on either side gives no verdict ("test", "benchmark"). */
  again: string;
  /** How the ratio and its interval are rounded. */
  round: (v: number) => number;
}

const x = (v: number) => `${v.toFixed(2)}×`;
const runsText = (n: number, baseline: number) => (n === baseline ? `${n} runs each` : `${n} and ${baseline} runs`);
const roundOrNull = (round: (v: number) => number, v: number | null | undefined) =>
  v === null || v === undefined ? null : round(v);

/**
 * This server's values against the baseline's (null: this is the baseline): the ratio of geometric means with its
 * 95 % interval and the verdict. Values not above zero are left out (ratioOf needs positive values); no value left on
 * either side is `no_runs`; one run on either side gives a figure but no verdict (`single_run`).
 */
export function pairWithBaseline(
  values: readonly number[],
  baseline: readonly number[] | null,
  { again, round }: PairOptions,
): Pair {
  if (baseline === null)
    return {
      ratio: { value: 1, ci95_low: null, ci95_high: null },
      verdict: 'baseline',
      verdict_text: 'baseline',
      exact: 1,
    };
  const a = values.filter((v) => v > 0);
  const b = baseline.filter((v) => v > 0);
  const none = (whose: string): Pair => ({
    ratio: null,
    verdict: 'no_runs',
    verdict_text: `no runs of ${whose} to compare`,
    exact: null,
  });
  if (a.length === 0) return none('this server');
  if (b.length === 0) return none('the baseline');
  const r = ratioOf(a, b);
  const ratio = {
    value: round(r.value),
    ci95_low: roundOrNull(round, r.ci95?.[0]),
    ci95_high: roundOrNull(round, r.ci95?.[1]),
  };
  if (r.verdict === 'single_run' || !r.ci95)
    return {
      ratio,
      verdict: 'single_run',
      verdict_text: `single run: ${x(r.value)} — run the ${again} again to know`,
      exact: r.value,
    };
  const runs = runsText(a.length, b.length);
  // Slower is said as the baseline's multiple of this server ("2.00× slower"), the interval inverted with it.
  const [factor, low, high] =
    r.verdict === 'slower' ? [1 / r.value, 1 / r.ci95[1], 1 / r.ci95[0]] : [r.value, r.ci95[0], r.ci95[1]];
  const interval = `95 %: ${low.toFixed(2)}–${high.toFixed(2)}`;
  const verdict_text =
    r.verdict === 'indistinguishable'
      ? `indistinguishable (${x(r.value)}, ${interval}, ${runs})`
      : `${x(factor)} ${r.verdict}, ${interval}, ${runs}`;
  return { ratio, verdict: r.verdict, verdict_text, exact: r.value };
}

/** The mean with its interval divided by `divisor` (per CPU, per $/h), rounded; null without a positive divisor. */
export function scaledMean(
  summary: Summary | null,
  divisor: number | null,
  round: (v: number) => number,
): IntervalFigure | null {
  if (!summary || divisor === null || !(divisor > 0)) return null;
  return {
    value: round(summary.mean / divisor),
    ci95_low: roundOrNull(round, summary.ci95 ? summary.ci95[0] / divisor : null),
    ci95_high: roundOrNull(round, summary.ci95 ? summary.ci95[1] / divisor : null),
  };
}
