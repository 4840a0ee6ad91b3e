import { useMemo } from 'react';
import { useCollectors } from '../api/collectors.ts';
import { EmptyState, Loading } from '../components/bits.tsx';
import { ErrorMessage } from '../components/dialog.tsx';
import { useTitle } from '../components/layout.tsx';
import { LoadTestComparison } from '../components/load-test-comparison.tsx';
import { MetricOverlay } from '../components/metric-overlay.tsx';
import { ServerPicker } from '../components/server-picker.tsx';
import { Link, setSearch, useLocation } from '../lib/router.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function ComparePage() {
  useTitle('Compare');
  const { search } = useLocation();
  const idsParam = search.get('ids') ?? '';
  const ids = useMemo(() => [...new Set(idsParam.split(',').filter((s) => UUID.test(s)))].slice(0, 10), [idsParam]);
  const list = useCollectors();
  const collectors = useMemo(() => new Map((list.data?.results ?? []).map((c) => [c.id, c])), [list.data]);
  // `All` starts when the earliest chosen server was added.
  const since = useMemo(() => {
    const added = ids
      .map((id) => collectors.get(id)?.created_at)
      .filter((t): t is string => !!t)
      .map((t) => Date.parse(t) / 1000);
    return added.length ? Math.min(...added) : undefined;
  }, [ids, collectors]);

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
          {list.error && !list.data && <ErrorMessage message={list.error.message} />}
          {list.loading && !list.data && <Loading what="servers" />}
          {list.data && list.data.results.length < 2 ? (
            <EmptyState title="Comparing needs at least two servers." action={<Link to="/servers">Add servers</Link>} />
          ) : (
            list.data && (
              <ServerPicker
                collectors={list.data.results}
                selected={ids}
                onChange={(next) => setSearch({ ids: next.join(',') || undefined })}
              />
            )
          )}
        </div>
      </section>
      {ids.length < 2 ? (
        list.data &&
        list.data.results.length >= 2 && (
          <div className="card">
            <EmptyState title="Pick two or more servers above.">
              Their load tests and metrics appear side by side here.
            </EmptyState>
          </div>
        )
      ) : (
        <>
          <LoadTestComparison ids={ids} collectors={collectors} />
          <MetricOverlay ids={ids} {...(since ? { since } : {})} />
        </>
      )}
    </div>
  );
}
