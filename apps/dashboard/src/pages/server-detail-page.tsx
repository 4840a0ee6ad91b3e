import type { Collector } from '@xat/contracts';
import { useMemo, useState } from 'react';
import { canEdit, useCurrentUser } from '../api/auth.ts';
import { useBenchmarks } from '../api/benchmarks.ts';
import { useCollector } from '../api/collectors.ts';
import { useCollectedData } from '../api/data.ts';
import { useLoadTests } from '../api/load-tests.ts';
import { useExportMetrics } from '../api/metrics.ts';
import { BenchmarkTable } from '../components/benchmark-table.tsx';
import { ServerBenchmarkWatch } from '../components/benchmark-watch/server-benchmark-watch.tsx';
import { EmptyState, LastSeen, Loading, StatusDot } from '../components/bits.tsx';
import { DeleteServerDialog, EditServerDialog, RegenerateKeyDialog } from '../components/collector-dialogs.tsx';
import { ErrorMessage } from '../components/dialog.tsx';
import { RunBenchmarkButton } from '../components/jobs/run-benchmark-dialog.tsx';
import { useTitle } from '../components/layout.tsx';
import { LoadTestHint } from '../components/load-test-hint.tsx';
import { LoadTestTable } from '../components/load-test-table.tsx';
import { MetricCharts } from '../components/metric-charts.tsx';
import { ServerRecordings } from '../components/recordings/server-recordings.tsx';
import { ServerFiles } from '../components/server-files.tsx';
import { TimeRangePicker } from '../components/time-range-picker.tsx';
import { clockSkewWarning, formatClockSkew, formatDropped, isClockSkewed } from '../lib/agent-signals.ts';
import { formatGib, formatHourlyCost, formatIsoDateTime, formatNumber } from '../lib/format.ts';
import { providerLabel } from '../lib/providers.ts';
import { Link, navigate, setSearch, useLocation } from '../lib/router.tsx';
import { canGoLive, parseRange, rangeToParams } from '../lib/time-range.ts';
import { loadTestWindow, VALIDITY_TEXT } from '../lib/validity.ts';

function Specs({ c }: { c: Collector }) {
  const items: [string, string][] = [
    ['Hostname', c.hostname || '—'],
    ['IP address', c.ip_address ?? '—'],
    ['Operating system', [c.os_name, c.os_version].filter(Boolean).join(' ') || '—'],
    ['Kernel', c.kernel_version || '—'],
    ['Processor', c.processor_model || (c.processor_brand !== 'unknown' ? c.processor_brand : '—')],
    ['vCPUs', formatNumber(c.vcpus, 0)],
    ['Effective CPUs', formatNumber(c.effective_cpus, 2)],
    ['Memory', formatGib(c.memory_gib)],
    [
      'Storage',
      c.storage_gib === null
        ? '—'
        : `${formatGib(c.storage_gib)}${c.storage_type !== 'unknown' ? ` ${c.storage_type.toUpperCase()}` : ''}`,
    ],
    ['Provider', providerLabel(c.vm_brand)],
    ['Hourly cost', formatHourlyCost(c.hourly_cost)],
    ['Agent clock', formatClockSkew(c.clock_skew_seconds)],
    ['Samples dropped by the agent', formatDropped(c.dropped_samples)],
    ['Added', `${formatIsoDateTime(c.created_at)}${c.owner_username ? ` by ${c.owner_username}` : ''}`],
  ];
  return (
    <dl className="specs">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

type Action = 'edit' | 'key' | 'delete';

export function ServerDetailPage({ id }: { id: string }) {
  const user = useCurrentUser();
  const editable = canEdit(user);
  const { search } = useLocation();
  const range = parseRange(search);
  const live = search.get('live') === '1' && canGoLive(range);
  const collector = useCollector(id, live ? 10_000 : 30_000);
  const loadTests = useLoadTests({ collectorId: id });
  const benchmarks = useBenchmarks({ collectorId: id });
  const exportMetrics = useExportMetrics();
  const files = useCollectedData(id);
  // `All` reaches back to the oldest data known of: the server's creation or an older uploaded collection.
  const since = useMemo(() => {
    const times = [collector.data?.created_at, ...(files.data?.results ?? []).map((f) => f.data_start)]
      .filter((t): t is string => !!t)
      .map((t) => Date.parse(t) / 1000);
    return times.length ? Math.floor(Math.min(...times)) : undefined;
  }, [collector.data?.created_at, files.data]);
  // Each load test's window, shaded on the CPU chart: the load it put on the machine is in those figures.
  const marks = useMemo(
    () =>
      (loadTests.data?.results ?? []).flatMap((t) => {
        const w = loadTestWindow(t);
        return w ? [{ ...w, label: `Load test (${VALIDITY_TEXT[t.validity]})` }] : [];
      }),
    [loadTests.data],
  );
  const [action, setAction] = useState<Action>();
  const c = collector.data?.id === id ? collector.data : undefined;
  useTitle(c?.name ?? 'Server');

  if (collector.error && !c)
    return (
      <div className="card">
        <EmptyState title="This server could not be loaded." action={<Link to="/servers">Back to the servers</Link>}>
          {collector.error.message}
        </EmptyState>
      </div>
    );
  if (!c) return <Loading what="server" />;

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <div className="muted" style={{ fontSize: 13 }}>
            <Link to="/servers">Servers</Link> /
          </div>
          <div className="row" style={{ gap: 14 }}>
            <h1>{c.name}</h1>
            <StatusDot status={c.status} />
            <span className="muted">
              last seen <LastSeen iso={c.last_seen} />
            </span>
          </div>
          {c.description && <p>{c.description}</p>}
        </div>
        <div className="toolbar">
          <Link className="button" to={`/compare?ids=${c.id}`}>
            Compare with…
          </Link>
          {editable && (
            <>
              <RunBenchmarkButton ids={[c.id]} />
              <button type="button" onClick={() => setAction('edit')}>
                Edit
              </button>
              <button type="button" onClick={() => setAction('key')}>
                Regenerate key
              </button>
              <button type="button" className="danger" onClick={() => setAction('delete')}>
                Delete
              </button>
            </>
          )}
        </div>
      </div>

      <section className="card" aria-label="Specs">
        <div className="card-body">
          <Specs c={c} />
        </div>
      </section>

      {isClockSkewed(c.clock_skew_seconds) && (
        <div className="alert warn" role="note" aria-label="Clock warning">
          {clockSkewWarning(c.clock_skew_seconds)}
        </div>
      )}

      {c.status === 'pending' && (
        <div className="alert info">
          The agent has not reported from this server yet. Install it with the command shown when the server was added
          {editable ? ' (lost it? Regenerate the key to get a new command)' : ''}; charts fill in within a minute.
        </div>
      )}

      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2>Metrics</h2>
        <div className="toolbar">
          <TimeRangePicker
            value={range}
            onChange={(r) =>
              setSearch({ ...rangeToParams(r), ...(canGoLive(r) ? {} : { live: undefined }) }, { push: true })
            }
          />
          <button
            type="button"
            aria-pressed={live}
            disabled={!canGoLive(range)}
            title={canGoLive(range) ? 'Refresh every 10 seconds' : 'Live mode follows ranges that end now'}
            onClick={() => setSearch({ live: live ? undefined : '1' })}
          >
            <span className={`dot ${live ? 'connected' : ''}`} aria-hidden="true" />
            Live
          </button>
          <button
            type="button"
            disabled={exportMetrics.pending}
            onClick={() => exportMetrics.run(c.id, c.name, range, 'csv', since)}
          >
            Export CSV
          </button>
        </div>
      </div>
      {exportMetrics.error && <ErrorMessage message={`Export failed: ${exportMetrics.error.message}`} />}
      <MetricCharts collectorId={c.id} range={range} live={live} marks={marks} {...(since ? { since } : {})} />

      <ServerFiles collectorId={c.id} editable={editable} />

      <ServerRecordings collectorId={c.id} />

      <section className="card" aria-label="Load tests">
        <div className="card-head">
          <h2>Load tests</h2>
          {editable && (
            <Link className="button" to={`/load-tests?collector=${c.id}`}>
              Import a load test
            </Link>
          )}
        </div>
        {loadTests.error && (
          <div className="card-body">
            <ErrorMessage message={loadTests.error.message} />
          </div>
        )}
        {loadTests.data && loadTests.data.results.length === 0 && (
          <EmptyState title="No load tests for this server yet.">
            <LoadTestHint
              alternative={
                editable ? (
                  <>
                    Or <Link to={`/load-tests?collector=${c.id}`}>import a perfcpumeasure result file</Link>.
                  </>
                ) : (
                  'Or a member imports a perfcpumeasure result file.'
                )
              }
            />
          </EmptyState>
        )}
        {loadTests.data && loadTests.data.results.length > 0 && (
          <LoadTestTable rows={loadTests.data.results} showServer={false} />
        )}
      </section>

      <section className="card" aria-label="Benchmarks">
        <div className="card-head">
          <h2>Benchmarks</h2>
          <Link to={`/benchmarks?collector=${c.id}`}>All benchmarks of this server</Link>
        </div>
        {benchmarks.data && benchmarks.data.results.length === 0 && (
          <EmptyState title="No benchmarks for this server yet.">
            {editable ? 'Create one on the Benchmarks page.' : undefined}
          </EmptyState>
        )}
        {benchmarks.data && benchmarks.data.results.length > 0 && (
          <BenchmarkTable rows={benchmarks.data.results} showServer={false} />
        )}
      </section>

      <ServerBenchmarkWatch collector={c} editable={editable} />

      {editable && (
        <>
          <EditServerDialog collector={action === 'edit' ? c : undefined} onClose={() => setAction(undefined)} />
          <RegenerateKeyDialog collector={action === 'key' ? c : undefined} onClose={() => setAction(undefined)} />
          <DeleteServerDialog
            collector={action === 'delete' ? c : undefined}
            onClose={() => setAction(undefined)}
            onDeleted={() => navigate('/servers', { replace: true })}
          />
        </>
      )}
    </div>
  );
}
