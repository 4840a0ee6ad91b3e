import { BENCHMARK_WINDOW_DAYS } from '@xat/contracts';
import { useCompareBenchmarks } from '../../api/benchmark-runs.ts';
import { excludedBenchmarkRuns, metricGroups, scalingData } from '../../lib/benchmark-compare.ts';
import { excludedText } from '../../lib/compare-stats.ts';
import { seriesColor } from '../../lib/providers.ts';
import { setSearch, useLocation } from '../../lib/router.tsx';
import { EmptyState, Loading } from '../bits.tsx';
import { ErrorMessage } from '../dialog.tsx';
import { RunBenchmarkButton } from '../jobs/run-benchmark-dialog.tsx';
import { MetricTable } from './metric-table.tsx';
import { ScalingChart } from './scaling-chart.tsx';
import { ScoreTable } from './score-table.tsx';

const DAYS = [7, 30, 90, 365] as const;
type Kind = 'suspect' | 'invalid';

/** The choice kept in the URL beside the load tests' own: `bdays` and `binclude`. */
function useChoice() {
  const { search } = useLocation();
  const days = Number(search.get('bdays')) || BENCHMARK_WINDOW_DAYS;
  const include = (['suspect', 'invalid'] as const).filter((k) =>
    (search.get('binclude') ?? '').split(',').includes(k),
  );
  const set = (next: { days?: number; include?: Kind[] }) =>
    setSearch({
      ...(next.days !== undefined
        ? { bdays: next.days === BENCHMARK_WINDOW_DAYS ? undefined : String(next.days) }
        : {}),
      ...(next.include ? { binclude: next.include.join(',') || undefined } : {}),
    });
  return { days, include, set };
}

/**
 * The chosen servers' benchmark runs judged together (the first server is the baseline): every metric side by side
 * with n, CV, the 95 % interval, the verdict and per-$ figures; the core-scaling curves overlaid; the scores.
 */
export function BenchmarkComparison({ ids, editable }: { ids: readonly string[]; editable: boolean }) {
  const choice = useChoice();
  const compare = useCompareBenchmarks(ids, { include: choice.include, days: choice.days });
  const colorOf = (id: string) => seriesColor(Math.max(0, ids.indexOf(id)));
  const controls = (
    <div className="toolbar">
      <label className="row" style={{ gap: 6 }}>
        Runs of the last
        <select
          aria-label="Days of runs"
          value={choice.days}
          onChange={(e) => choice.set({ days: Number(e.target.value) })}
        >
          {[...new Set([...DAYS, choice.days])].map((d) => (
            <option key={d} value={d}>
              {d} days
            </option>
          ))}
        </select>
      </label>
      {(['suspect', 'invalid'] as const).map((k) => (
        <label key={k} className="row" style={{ gap: 6 }}>
          <input
            type="checkbox"
            checked={choice.include.includes(k)}
            onChange={() =>
              choice.set({
                include: choice.include.includes(k) ? choice.include.filter((x) => x !== k) : [...choice.include, k],
              })
            }
          />
          include {k} runs
        </label>
      ))}
      {editable && <RunBenchmarkButton ids={ids} />}
    </div>
  );

  if (compare.error && !compare.data)
    return (
      <div className="stack">
        {controls}
        <ErrorMessage message={`The benchmark comparison could not be loaded: ${compare.error.message}`} />
      </div>
    );
  if (!compare.data) return <Loading what="benchmark runs" />;
  const data = compare.data;
  const groups = metricGroups(data);
  const excluded = excludedBenchmarkRuns(data.servers);
  const leftOut = excludedText(excluded);
  // Servers with no run at all in the window (runs left out are said below, with the button to include them).
  const empty = data.servers.filter((s) =>
    Object.values(s.benchmarks).every((b) => b.used + b.excluded.suspect + b.excluded.invalid === 0),
  );
  const curve = scalingData(data.servers);
  const curved = data.servers.filter((s) => s.curve.length > 0);
  // Scores are against the team's baseline server when one is set, else the first server.
  const scoreBaseline = data.servers[0]?.scores.baseline_collector;
  const baselineName =
    data.servers.find((s) => s.collector_id === scoreBaseline)?.collector_name ?? "the team's baseline server";

  return (
    <div className="stack">
      {controls}
      {empty.length > 0 && (
        <div className="alert warn" role="status" aria-label="Servers without runs">
          No benchmark runs in the last {data.days} days from {empty.map((s) => s.collector_name).join(', ')}
          {editable ? ': start one with Run benchmark.' : '.'}
        </div>
      )}
      {leftOut && (
        <div className="alert warn" role="status" aria-label="Benchmark runs left out">
          {leftOut} —{' '}
          <button
            type="button"
            className="small"
            onClick={() =>
              choice.set({
                include: (['suspect', 'invalid'] as const).filter((k) => excluded[k] > 0 || choice.include.includes(k)),
              })
            }
          >
            include them
          </button>
        </div>
      )}
      {groups.length === 0 ? (
        <div className="card">
          {leftOut ? (
            <EmptyState title="Every run of these servers was left out: include them above to compare them." />
          ) : (
            <EmptyState title="None of these servers has a benchmark run yet.">
              Run benchmark starts the suite on them through their agents; `pcc bench quick` runs it from a shell.
            </EmptyState>
          )}
        </div>
      ) : (
        <>
          <ScoreTable servers={data.servers} baselineName={baselineName} colorOf={colorOf} />
          {curved.length > 0 && (
            <section className="card" aria-label="Core scaling">
              <div className="card-head">
                <h2>Core scaling</h2>
                <span className="muted">Work units per second with 1, 2, … busy workers: the median of the runs.</span>
              </div>
              <div className="card-body">
                <ScalingChart
                  workers={curve.workers}
                  series={data.servers.flatMap((s, i) =>
                    s.curve.length
                      ? [{ label: s.collector_name, color: colorOf(s.collector_id), units: curve.series[i] ?? [] }]
                      : [],
                  )}
                />
              </div>
            </section>
          )}
          <MetricTable groups={groups} servers={data.servers} baselineId={data.baseline_collector} colorOf={colorOf} />
        </>
      )}
    </div>
  );
}
