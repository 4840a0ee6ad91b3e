import type { LoadTest } from '@xat/contracts';
import { useState } from 'react';
import { canEdit, useCurrentUser } from '../api/auth.ts';
import { useDeleteLoadTest, useLoadTest, useLoadTests } from '../api/load-tests.ts';
import { EmptyState, Loading } from '../components/bits.tsx';
import { LoadTestChart } from '../components/charts/load-test-chart.tsx';
import { ConfirmDialog } from '../components/dialog.tsx';
import { useTitle } from '../components/layout.tsx';
import { LoadTestLevels } from '../components/load-test-levels.tsx';
import { LoadTestTable } from '../components/load-test-table.tsx';
import { ValidityBadge, ValidityBanner } from '../components/validity.tsx';
import { unitsByLevel } from '../lib/compare.ts';
import { formatDuration, formatIsoDateTime, formatNumber, formatPercent } from '../lib/format.ts';
import { seriesColor } from '../lib/providers.ts';
import { Link, navigate } from '../lib/router.tsx';
import { loadTestSeconds, SOURCE_TEXT } from '../lib/validity.ts';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** What the tool said of how it ran, in words: no raw JSON. */
function facts(t: LoadTest): [string, string][] {
  const d = t.details ?? {};
  const series = d.series as { index?: unknown; count?: unknown } | undefined;
  const items: [string, string | undefined][] = [
    ['Source', SOURCE_TEXT[t.source]],
    [
      'Tool',
      typeof d.tool === 'string'
        ? `${d.tool}${typeof d.pcc_version === 'string' ? ` ${d.pcc_version}` : ''}`
        : undefined,
    ],
    ['Started', typeof d.started_at === 'string' ? formatIsoDateTime(d.started_at) : undefined],
    ['Stored', formatIsoDateTime(t.created_at)],
    ['Each level', num(d.level_seconds) !== undefined ? formatDuration(num(d.level_seconds)) : undefined],
    ['Load ran for', loadTestSeconds(t.details) !== undefined ? formatDuration(loadTestSeconds(t.details)) : undefined],
    ['vCPUs', num(d.vcpus) !== undefined ? formatNumber(num(d.vcpus), 0) : undefined],
    ['Effective CPUs', t.effective_cpus !== null ? formatNumber(t.effective_cpus, 2) : undefined],
    ['Busy before the start', num(d.background_busy) !== undefined ? formatPercent(num(d.background_busy)) : undefined],
    [
      'Speed at the end against the start',
      num(d.speed_change_pct) !== undefined
        ? `${(num(d.speed_change_pct) ?? 0) > 0 ? '+' : ''}${formatPercent(num(d.speed_change_pct), 2)}`
        : undefined,
    ],
    ['Forced start', d.forced === true ? 'yes (the machine was not quiet)' : undefined],
    [
      'Series',
      series && num(series.index) !== undefined && num(series.count) !== undefined
        ? `run ${(num(series.index) ?? 0) + 1} of ${num(series.count)}`
        : undefined,
    ],
  ];
  return items.filter((i): i is [string, string] => i[1] !== undefined);
}

/** The other runs of the same series (`pcc loadtest --runs N`). */
function SeriesRuns({ t }: { t: LoadTest }) {
  const runs = useLoadTests({ seriesId: t.series_id ?? undefined }, { enabled: t.series_id !== null });
  if (t.series_id === null || !runs.data) return null;
  const others = runs.data.results.filter((r) => r.id !== t.id);
  return (
    <section className="card" aria-label="Series">
      <div className="card-head">
        <h2>Other runs of this series</h2>
        <Link to={`/compare?ids=${t.collector}`}>Compare this server's runs with another server</Link>
      </div>
      {others.length === 0 ? (
        <EmptyState title="This is the only run of its series so far." />
      ) : (
        <LoadTestTable rows={others} showServer={false} />
      )}
    </section>
  );
}

export function LoadTestDetailPage({ id }: { id: string }) {
  useTitle('Load test');
  const user = useCurrentUser();
  const test = useLoadTest(id);
  const remove = useDeleteLoadTest();
  const [confirming, setConfirming] = useState(false);
  const t = test.data;
  if (test.error && !t)
    return (
      <div className="card">
        <EmptyState
          title="This load test could not be loaded."
          action={<Link to="/load-tests">Back to the load tests</Link>}
        >
          {test.error.message}
        </EmptyState>
      </div>
    );
  if (!t) return <Loading what="load test" />;
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <div className="muted" style={{ fontSize: 13 }}>
            <Link to="/load-tests">Load tests</Link> /
          </div>
          <div className="row" style={{ gap: 14 }}>
            <h1>
              <Link to={`/servers/${t.collector}`}>{t.collector_name}</Link> · {formatIsoDateTime(t.created_at)}
            </h1>
            <ValidityBadge validity={t.validity} />
            <span className="badge">{SOURCE_TEXT[t.source]}</span>
          </div>
          {t.notes && <p>{t.notes}</p>}
        </div>
        <div className="toolbar">
          <Link className="button" to={`/compare?ids=${t.collector}`}>
            Compare with other servers
          </Link>
          {canEdit(user) && (
            <button type="button" className="danger" onClick={() => setConfirming(true)}>
              Delete
            </button>
          )}
        </div>
      </div>
      <ValidityBanner validity={t.validity} reasons={t.validity_reasons} />
      <div className="stats">
        <div className="card stat">
          <div className="label">Units / s at 100 %</div>
          <div className="value">{formatNumber(t.units_100pct, 0)}</div>
        </div>
        <div className="card stat">
          <div className="label">Per effective CPU</div>
          <div className="value">{t.effective_cpus ? formatNumber(t.units_100pct / t.effective_cpus, 1) : '—'}</div>
        </div>
        <div className="card stat">
          <div className="label">Max units</div>
          <div className="value">{formatNumber(t.max_units, 0)}</div>
        </div>
        <div className="card stat">
          <div className="label">Average units</div>
          <div className="value">{formatNumber(t.avg_units, 0)}</div>
        </div>
      </div>
      <div className="grid-2">
        <section className="card" aria-label="Curve">
          <div className="card-head">
            <h2>Work units by CPU utilization</h2>
          </div>
          <div className="card-body">
            <LoadTestChart series={[{ label: t.collector_name, color: seriesColor(0), units: unitsByLevel(t) }]} />
          </div>
        </section>
        <section className="card" aria-label="Levels">
          <div className="card-head">
            <h2>Levels</h2>
          </div>
          <div className="table-wrap">
            <LoadTestLevels test={t} />
          </div>
        </section>
      </div>
      <section className="card" aria-label="How it was measured">
        <div className="card-head">
          <h2>How it was measured</h2>
        </div>
        <div className="card-body">
          <dl className="specs">
            {facts(t).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </div>
      </section>
      <SeriesRuns t={t} />
      <ConfirmDialog
        open={confirming}
        title="Delete this load test?"
        message={`The result of ${t.collector_name} from ${formatIsoDateTime(t.created_at)} is removed. This cannot be undone.`}
        confirmLabel="Delete load test"
        pending={remove.pending}
        error={remove.error?.message}
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          if (await remove.run(t.id)) navigate('/load-tests', { replace: true });
        }}
      />
    </div>
  );
}
