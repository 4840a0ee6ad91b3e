import type { LoadTest } from '@xat/contracts';
import { formatIsoDateTime, formatNumber } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';

/** Load tests, newest first: when, where, max and average units; each links to its detail. */
export function LoadTestTable({ rows, showServer = true }: { rows: readonly LoadTest[]; showServer?: boolean }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Run</th>
            {showServer && <th>Server</th>}
            <th className="num">Max units</th>
            <th className="num">Avg units</th>
            <th className="num">At 50 %</th>
            <th>Source</th>
            <th>Notes</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.id}>
              <td>
                <Link to={`/load-tests/${t.id}`}>{formatIsoDateTime(t.created_at)}</Link>
              </td>
              {showServer && (
                <td>
                  <Link to={`/servers/${t.collector}`}>{t.collector_name}</Link>
                </td>
              )}
              <td className="num">{formatNumber(t.max_units, 0)}</td>
              <td className="num">{formatNumber(t.avg_units, 0)}</td>
              <td className="num">{formatNumber(t.units_50pct, 0)}</td>
              <td className="muted">{typeof t.details?.source === 'string' ? t.details.source : 'API'}</td>
              <td className="muted">{t.notes || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
