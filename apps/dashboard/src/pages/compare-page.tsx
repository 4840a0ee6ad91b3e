import { useMemo } from 'react';
import { canEdit, useCurrentUser } from '../api/auth.ts';
import { useCollectorsById, useFleetSummary } from '../api/collectors.ts';
import { BenchmarkComparison } from '../components/benchmark-compare/benchmark-comparison.tsx';
import { EmptyState } from '../components/bits.tsx';
import { CompareRuns } from '../components/compare-runs.tsx';
import { useTitle } from '../components/layout.tsx';
import { LoadTestComparison } from '../components/load-test-comparison.tsx';
import { MetricOverlay } from '../components/metric-overlay.tsx';
import { ServerPicker } from '../components/server-picker.tsx';
import { parseRunChoice, type RunChoice, runChoiceParams } from '../lib/compare-stats.ts';
import { Link, setSearch, useLocation } from '../lib/router.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function ComparePage() {
  useTitle('Compare');
  const { search } = useLocation();
  const idsParam = search.get('ids') ?? '';
  const ids = useMemo(() => [...new Set(idsParam.split(',').filter((s) => UUID.test(s)))].slice(0, 10), [idsParam]);
  const choice = parseRunChoice(search);
  const setChoice = (next: RunChoice) => setSearch(runChoiceParams(next));
  const fleet = useFleetSummary();
  const chosen = useCollectorsById(ids);
  const collectors = useMemo(() => new Map((chosen.data ?? []).map((c) => [c.id, c])), [chosen.data]);
  // `All` starts when the earliest chosen server was added.
  const since = useMemo(() => {
    const added = (chosen.data ?? []).map((c) => Date.parse(c.created_at) / 1000);
    return added.length ? Math.min(...added) : undefined;
  }, [chosen.data]);
  const tooFew = fleet.data !== undefined && fleet.data.count < 2;
  // Load tests (CPU units by utilization) or the benchmark suite's runs.
  const view = search.get('view') === 'benchmarks' ? 'benchmarks' : 'load-tests';
  const editable = canEdit(useCurrentUser());

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Compare</h1>
          <p>Which server gives more compute, and more compute per dollar: pick two to ten.</p>
        </div>
      </div>
      <section className="card" aria-label="Servers to compare">
        <div className="card-head">
          <h2>Servers to compare</h2>
          <span className="muted">{ids.length} of 2–10 chosen</span>
        </div>
        <div className="card-body">
          {tooFew ? (
            <EmptyState title="Comparing needs at least two servers." action={<Link to="/servers">Add servers</Link>} />
          ) : (
            <ServerPicker
              chosen={chosen.data ?? []}
              selected={ids}
              // Hand-picked runs belong to the servers they were picked for: other servers start without.
              onChange={(next) => {
                const same = next.length === ids.length && next.every((id) => ids.includes(id));
                setSearch({ ids: next.join(',') || undefined, ...(same ? {} : { runs: undefined }) });
              }}
            />
          )}
        </div>
      </section>
      {ids.length < 2 ? (
        !tooFew && (
          <div className="card">
            <EmptyState title="Pick two or more servers above.">
              Their load tests and metrics appear side by side here.
            </EmptyState>
          </div>
        )
      ) : (
        <>
          <fieldset className="segmented" aria-label="Compare by" style={{ margin: 0, padding: 0 }}>
            {(
              [
                ['load-tests', 'Load tests'],
                ['benchmarks', 'Benchmarks'],
              ] as const
            ).map(([v, label]) => (
              <button
                key={v}
                type="button"
                aria-pressed={view === v}
                onClick={() => setSearch({ view: v === 'benchmarks' ? v : undefined })}
              >
                {label}
              </button>
            ))}
          </fieldset>
          {view === 'benchmarks' ? (
            <BenchmarkComparison ids={ids} editable={editable} />
          ) : (
            <>
              <CompareRuns
                servers={ids.map((id) => ({ id, name: collectors.get(id)?.name ?? 'loading…' }))}
                choice={choice}
                onChange={setChoice}
              />
              <LoadTestComparison ids={ids} collectors={collectors} choice={choice} onChoice={setChoice} />
            </>
          )}
          <MetricOverlay ids={ids} {...(since ? { since } : {})} />
        </>
      )}
    </div>
  );
}
