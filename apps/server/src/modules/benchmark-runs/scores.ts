import { SCORE_COMPONENTS, type ScoreComponent, type ScoreShares, type Scores, SUITE_METRICS } from '@xat/contracts';
import { roundHalfEven } from '../../lib/round.ts';

/** Metric key → a run's (or a set of runs') median. */
export type Medians = ReadonlyMap<string, number>;

const r4 = (v: number) => roundHalfEven(v, 4);
const geometricMean = (values: readonly number[]) =>
  Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);

/** How many times better than the baseline each metric is: this ÷ baseline, inverted where lower is better. */
export function metricRatios(own: Medians, baseline: Medians): Map<string, number> {
  const ratios = new Map<string, number>();
  for (const def of SUITE_METRICS) {
    const a = own.get(def.key);
    const b = baseline.get(def.key);
    if (a === undefined || b === undefined || !(a > 0) || !(b > 0)) continue;
    ratios.set(def.key, def.better === 'higher' ? a / b : b / a);
  }
  return ratios;
}

export const emptyScores = (baselineCollector: string | null): Scores => ({
  baseline_collector: baselineCollector,
  cpu: null,
  memory: null,
  disk: null,
  network: null,
  overall: null,
  shares: {},
});

/**
 * The seed's scores from measured medians against the baseline's (1.0 = the baseline): each component the
 * geometric mean of its metrics' ratios (SUITE_METRICS' component; lower-is-better metrics inverted), the overall the
 * geometric mean of the components present, and each component's share of the overall: its factor score^(1/k)
 * (the overall is their product) and its signed share of Σ|ln score| in percent.
 */
export function scoresOf(own: Medians, baseline: Medians, baselineCollector: string | null): Scores {
  const ratios = metricRatios(own, baseline);
  const components = new Map<ScoreComponent, number>();
  for (const component of SCORE_COMPONENTS) {
    const mine = SUITE_METRICS.filter((d) => d.component === component).flatMap((d) => {
      const r = ratios.get(d.key);
      return r === undefined ? [] : [r];
    });
    if (mine.length) components.set(component, geometricMean(mine));
  }
  const scores = emptyScores(baselineCollector);
  if (components.size === 0) return scores;
  const k = components.size;
  const totalLog = [...components.values()].reduce((sum, s) => sum + Math.abs(Math.log(s)), 0);
  const shares: ScoreShares = {};
  for (const [component, score] of components) {
    scores[component] = r4(score);
    shares[component] = {
      factor: r4(score ** (1 / k)),
      share_pct: totalLog === 0 ? 0 : roundHalfEven((100 * Math.log(score)) / totalLog, 2),
    };
  }
  scores.overall = r4(geometricMean([...components.values()]));
  scores.shares = shares;
  return scores;
}
