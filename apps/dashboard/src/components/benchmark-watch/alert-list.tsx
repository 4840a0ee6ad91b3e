import { useBenchmarkAlerts } from '../../api/benchmark-runs.ts';
import { formatMetric } from '../../lib/benchmark-compare.ts';
import { formatIsoDateTime, formatNumber } from '../../lib/format.ts';
import { Link } from '../../lib/router.tsx';
import { ErrorMessage } from '../dialog.tsx';
import { ValidityBadge } from '../validity.tsx';

/**
 * The fleet's servers whose latest benchmark result fell more than the set share below their own median: burst
 * credits running out, a noisy neighbour, a host migration. Each links to the server's history of that metric.
 */
export function AlertList() {
  const alerts = useBenchmarkAlerts();
  const a = alerts.data;
  return (
    <section className="card" aria-label="Benchmark drops">
      <div className="card-head">
        <h2>Drops</h2>
        <span className="muted">
          Servers whose latest result is worse than their own median by more than the share their schedule flags
          {a ? ` (last ${a.days} days)` : ''}.
        </span>
      </div>
      {alerts.error && (
        <div className="card-body">
          <ErrorMessage message={alerts.error.message} />
        </div>
      )}
      {a && a.results.length === 0 && (
        <div className="card-body muted">No server's latest result dropped below its median.</div>
      )}
      {a && a.results.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Server</th>
                <th>Metric</th>
                <th className="num">Latest</th>
                <th className="num">Median</th>
                <th className="num">Worse by</th>
                <th>Run</th>
              </tr>
            </thead>
            <tbody>
              {a.results.map((r) => (
                <tr key={`${r.collector_id}-${r.metric}`} className="flagged">
                  <td>
                    <Link to={`/servers/${r.collector_id}?bmetric=${encodeURIComponent(r.metric)}`}>
                      {r.collector_name}
                    </Link>
                  </td>
                  <td>{r.label}</td>
                  <td className="num">{formatMetric(r.value, r.unit)}</td>
                  <td className="num">{formatMetric(r.median, r.unit)}</td>
                  <td className="num">
                    <strong>{formatNumber(r.drop_pct, 1)} %</strong>
                    <span className="faint"> (flag past {formatNumber(r.drop_alert_pct, 1)} %)</span>
                  </td>
                  <td className="nowrap">
                    {formatIsoDateTime(r.at)} <ValidityBadge validity={r.validity} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
