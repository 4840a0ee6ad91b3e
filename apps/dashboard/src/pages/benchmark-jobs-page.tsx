import type { Job } from '@xat/contracts';
import { useEffect, useMemo, useRef } from 'react';
import { canEdit, useCurrentUser } from '../api/auth.ts';
import { useJobs } from '../api/jobs.ts';
import { invalidate } from '../api/use-query.ts';
import { EmptyState, Loading } from '../components/bits.tsx';
import { ErrorMessage } from '../components/dialog.tsx';
import { JobTable } from '../components/jobs/job-table.tsx';
import { useTitle } from '../components/layout.tsx';
import { anyActive } from '../lib/jobs.ts';
import { Link, useLocation } from '../lib/router.tsx';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where a finished group's results are read: the comparison of its servers, or the one server's page. */
function NextStep({ jobs }: { jobs: readonly Job[] }) {
  // The first server is the comparison's baseline: the one that started first (the first chosen when staggered).
  const order = (a: Job, b: Job) =>
    Date.parse(a.not_before) - Date.parse(b.not_before) || a.collector_name.localeCompare(b.collector_name);
  const done = [
    ...new Set(
      jobs
        .filter((j) => j.status === 'succeeded')
        .sort(order)
        .map((j) => j.collector),
    ),
  ];
  if (anyActive(jobs)) return <span className="muted">Updated every 2 seconds while a job is queued or running.</span>;
  if (done.length >= 2)
    return (
      <Link className="button primary" to={`/compare?ids=${done.slice(0, 10).join(',')}&view=benchmarks`}>
        Compare these servers
      </Link>
    );
  if (done.length === 1)
    return (
      <Link className="button primary" to={`/servers/${done[0]}`}>
        See the result on the server's page
      </Link>
    );
  return <span className="muted">No job succeeded: nothing to compare.</span>;
}

/**
 * Benchmark jobs: with `?group=` the servers one Run benchmark started, live (step k of n, what each agent is doing,
 * results as they land, Cancel), then a link to their comparison; without, the team's recent jobs.
 */
export function BenchmarkJobsPage() {
  useTitle('Benchmark jobs');
  const editable = canEdit(useCurrentUser());
  const { search } = useLocation();
  const groupParam = search.get('group') ?? '';
  const group = UUID.test(groupParam) ? groupParam : undefined;
  const jobs = useJobs({ groupId: group });
  const rows = jobs.data?.results ?? [];
  // A result that lands changes the server's runs and scores shown elsewhere.
  const succeeded = useMemo(() => rows.filter((j) => j.status === 'succeeded').length, [rows]);
  const seen = useRef(0);
  useEffect(() => {
    if (succeeded > seen.current) invalidate('benchmark-runs', 'benchmarks');
    seen.current = succeeded;
  }, [succeeded]);

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <div className="muted" style={{ fontSize: 13 }}>
            <Link to="/benchmarks">Benchmarks</Link> /
          </div>
          <h1>{group ? 'Benchmark in progress' : 'Benchmark jobs'}</h1>
          <p>
            {group
              ? 'Each server runs the profile with its own agent, one job at a time.'
              : 'Benchmarks started from the dashboard and by schedules, newest first.'}
          </p>
        </div>
        {group && (
          <div className="toolbar">
            <Link to="/benchmarks/jobs">All jobs</Link>
          </div>
        )}
      </div>
      <section className="card" aria-label="Jobs">
        <div className="card-head">
          <h2>{group ? 'Servers' : 'Recent jobs'}</h2>
          {jobs.data && group && <NextStep jobs={rows} />}
        </div>
        {jobs.error && (
          <div className="card-body">
            <ErrorMessage message={jobs.error.message} />
          </div>
        )}
        {jobs.loading && !jobs.data && <Loading what="jobs" />}
        {jobs.data && rows.length === 0 && (
          <EmptyState title={group ? 'No jobs in this group.' : 'No benchmark jobs yet.'}>
            Start one with Run benchmark on the Servers, a server's or the Compare page.
          </EmptyState>
        )}
        {rows.length > 0 && <JobTable jobs={rows} editable={editable} />}
      </section>
    </div>
  );
}
