import { LOAD_LEVELS } from '@xat/contracts';
import { useState } from 'react';
import { canEdit, useCurrentUser } from '../api/auth.ts';
import { useDeleteLoadTest, useLoadTest } from '../api/load-tests.ts';
import { EmptyState, Loading } from '../components/bits.tsx';
import { LoadTestChart } from '../components/charts/load-test-chart.tsx';
import { ConfirmDialog } from '../components/dialog.tsx';
import { useTitle } from '../components/layout.tsx';
import { measurementOf, unitsByLevel } from '../lib/compare.ts';
import { formatIsoDateTime, formatNumber } from '../lib/format.ts';
import { seriesColor } from '../lib/providers.ts';
import { Link, navigate } from '../lib/router.tsx';

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
  const units = unitsByLevel(t);
  const details = Object.entries(t.details ?? {});
  const measured = measurementOf(t.details);
  const showAchieved = measured.achieved.some((a) => a !== undefined);
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <div className="muted" style={{ fontSize: 13 }}>
            <Link to="/load-tests">Load tests</Link> /
          </div>
          <h1>
            <Link to={`/servers/${t.collector}`}>{t.collector_name}</Link> · {formatIsoDateTime(t.created_at)}
          </h1>
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
      {measured.unsteady && measured.speedChangePct !== undefined && (
        <div className="alert warn" role="status">
          The machine ran {formatNumber(Math.abs(measured.speedChangePct), 1)} %{' '}
          {measured.speedChangePct < 0 ? 'slower' : 'faster'} flat out at the end of this test than at its start (its
          clock, or other tenants of the host): the units of every level may be off by about as much. Compare this
          result with care, or run the test again.
        </div>
      )}
      <div className="stats">
        <div className="card stat">
          <div className="label">Max units</div>
          <div className="value">{formatNumber(t.max_units, 0)}</div>
        </div>
        <div className="card stat">
          <div className="label">Average units</div>
          <div className="value">{formatNumber(t.avg_units, 0)}</div>
        </div>
        <div className="card stat">
          <div className="label">At 50 %</div>
          <div className="value">{formatNumber(t.units_50pct, 0)}</div>
        </div>
      </div>
      <div className="grid-2">
        <section className="card" aria-label="Curve">
          <div className="card-head">
            <h2>Work units by CPU utilization</h2>
          </div>
          <div className="card-body">
            <LoadTestChart series={[{ label: t.collector_name, color: seriesColor(0), units }]} />
          </div>
        </section>
        <section className="card" aria-label="Levels">
          <div className="card-head">
            <h2>Levels</h2>
          </div>
          <table>
            <thead>
              <tr>
                <th>Utilization</th>
                <th className="num">Work units / s</th>
                {showAchieved && <th className="num">Achieved load %</th>}
              </tr>
            </thead>
            <tbody>
              {LOAD_LEVELS.map((level, i) => (
                <tr key={level}>
                  <td>{level} %</td>
                  <td className="num">{formatNumber(units[i], 0)}</td>
                  {showAchieved && <td className="num">{formatNumber(measured.achieved[i], 2)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      {details.length > 0 && (
        <section className="card" aria-label="Details">
          <div className="card-head">
            <h2>Details</h2>
          </div>
          <div className="card-body">
            <dl className="specs">
              {details.map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                </div>
              ))}
            </dl>
            {t.details?.source === 'perfcpumeasure' && (
              <p className="muted" style={{ marginBottom: 0 }}>
                perfcpumeasure does not measure 100 %: it extrapolates that level from its calibration.
              </p>
            )}
          </div>
        </section>
      )}
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
