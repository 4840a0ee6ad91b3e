import { BENCHMARK_STATUSES, type Benchmark, type BenchmarkStatus } from '@xat/contracts';
import { useState } from 'react';
import { canEdit, useCurrentUser } from '../api/auth.ts';
import { useBenchmarkStats, useBenchmarks, useDeleteBenchmark } from '../api/benchmarks.ts';
import { BenchmarkDialog } from '../components/benchmark-dialog.tsx';
import { BenchmarkTable } from '../components/benchmark-table.tsx';
import { AlertList } from '../components/benchmark-watch/alert-list.tsx';
import { Schedules } from '../components/benchmark-watch/schedules.tsx';
import { EmptyState, Loading } from '../components/bits.tsx';
import { ConfirmDialog, ErrorMessage } from '../components/dialog.tsx';
import { useTitle } from '../components/layout.tsx';
import { ServerSelect } from '../components/server-select.tsx';
import { formatNumber } from '../lib/format.ts';
import { Link, setSearch, useLocation } from '../lib/router.tsx';

function Stats() {
  const stats = useBenchmarkStats();
  const s = stats.data;
  if (!s) return stats.error ? <ErrorMessage message={stats.error.message} /> : null;
  const avg = s.avg_scores;
  const cards: [string, string][] = [
    ['Benchmarks', formatNumber(s.total, 0)],
    ['Completed', formatNumber(s.by_status.completed, 0)],
    ['Running', formatNumber(s.by_status.running + s.by_status.collecting, 0)],
    ['Pending', formatNumber(s.by_status.pending, 0)],
    ['Failed', formatNumber(s.by_status.failed, 0)],
    ['Avg CPU score', formatNumber(avg.cpu, 1)],
    ['Avg memory score', formatNumber(avg.memory, 1)],
    ['Avg disk score', formatNumber(avg.disk, 1)],
    ['Avg network score', formatNumber(avg.network, 1)],
    ['Avg overall score', formatNumber(avg.overall, 1)],
  ];
  return (
    <section className="stats" aria-label="Benchmark statistics">
      {cards.map(([label, value]) => (
        <div key={label} className="card stat">
          <div className="label">{label}</div>
          <div className="value">{value}</div>
        </div>
      ))}
    </section>
  );
}

export function BenchmarksPage() {
  useTitle('Benchmarks');
  const user = useCurrentUser();
  const editable = canEdit(user);
  const { search } = useLocation();
  const status = (search.get('status') ?? '') as BenchmarkStatus | '';
  const collector = search.get('collector') ?? '';
  const list = useBenchmarks({ status, collectorId: collector || undefined });
  const remove = useDeleteBenchmark();
  const [editing, setEditing] = useState<Benchmark | 'new'>();
  const [deleting, setDeleting] = useState<Benchmark>();
  const filtered = status !== '' || collector !== '';

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Benchmarks</h1>
          <p>Named benchmark runs per server, with their scores: measured by the agent or typed in.</p>
        </div>
        <div className="toolbar">
          <Link className="button" to="/benchmarks/jobs">
            Benchmark jobs
          </Link>
          {editable && (
            <button type="button" className="primary" onClick={() => setEditing('new')}>
              New benchmark
            </button>
          )}
        </div>
      </div>
      <Stats />
      <AlertList />
      <section className="card" aria-label="Fleet schedules">
        <div className="card-head">
          <h2>Schedules</h2>
          <span className="muted">Run a profile again and again, to see a server's results over days.</span>
        </div>
        <div className="card-body">
          <Schedules editable={editable} />
        </div>
      </section>
      <section className="card" aria-label="Benchmark list">
        <div className="card-head">
          <div className="toolbar">
            <select
              aria-label="Status filter"
              value={status}
              onChange={(e) => setSearch({ status: e.target.value || undefined })}
            >
              <option value="">All statuses</option>
              {BENCHMARK_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
            <ServerSelect
              label="Server filter"
              value={collector}
              onChange={(id) => setSearch({ collector: id || undefined })}
              emptyText="All servers"
            />
          </div>
          {list.data && <span className="muted">{list.data.count} shown</span>}
        </div>
        {list.error && !list.data && (
          <div className="card-body">
            <ErrorMessage message={list.error.message} />
          </div>
        )}
        {list.loading && !list.data && <Loading what="benchmarks" />}
        {list.data && list.data.results.length === 0 && (
          <EmptyState
            title={filtered ? 'No benchmark matches these filters.' : 'No benchmarks yet.'}
            action={
              filtered ? (
                <button type="button" onClick={() => setSearch({ status: undefined, collector: undefined })}>
                  Clear filters
                </button>
              ) : editable ? (
                <button type="button" className="primary" onClick={() => setEditing('new')}>
                  New benchmark
                </button>
              ) : undefined
            }
          >
            {!filtered &&
              (editable ? 'Create one to record a run and its scores.' : 'Benchmarks that members create appear here.')}
          </EmptyState>
        )}
        {list.data && list.data.results.length > 0 && (
          <BenchmarkTable
            rows={list.data.results}
            {...(editable
              ? { onEdit: (b: Benchmark) => setEditing(b), onDelete: (b: Benchmark) => setDeleting(b) }
              : {})}
          />
        )}
      </section>
      {editing && (
        <BenchmarkDialog benchmark={editing === 'new' ? undefined : editing} onClose={() => setEditing(undefined)} />
      )}
      <ConfirmDialog
        open={!!deleting}
        title={`Delete ${deleting?.name ?? 'this benchmark'}?`}
        message="The benchmark and its scores are removed. Load tests linked to it are kept."
        confirmLabel="Delete benchmark"
        pending={remove.pending}
        error={remove.error?.message}
        onClose={() => {
          remove.reset();
          setDeleting(undefined);
        }}
        onConfirm={async () => {
          if (deleting && (await remove.run(deleting.id))) setDeleting(undefined);
        }}
      />
    </div>
  );
}
