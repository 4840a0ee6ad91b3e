import type { LoadTest } from '@xat/contracts';
import { formatIsoDateTime, formatNumber } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';
import { reasonText, SOURCE_TEXT } from '../lib/validity.ts';
import { ValidityBadge } from './validity.tsx';

/** Load tests, newest first: when, where, the server's verdict, units; each links to its detail. */
export function LoadTestTable({ rows, showServer = true }: { rows: readonly LoadTest[]; showServer?: boolean }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Run</th>
            {showServer && <th>Server</th>}
            <th>Validity</th>
            <th className="num">At 100 %</th>
            <th className="num">Max units</th>
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
              <td>
                <ValidityBadge validity={t.validity} />
                {t.validity_reasons.length > 0 && (
                  <span className="faint" title={t.validity_reasons.map((r) => r.message).join(' ')}>
                    {' '}
                    {[...new Set(t.validity_reasons.map((r) => reasonText(r.code)))].join(', ')}
                  </span>
                )}
              </td>
              <td className="num">{formatNumber(t.units_100pct, 0)}</td>
              <td className="num">{formatNumber(t.max_units, 0)}</td>
              <td className="num">{formatNumber(t.units_50pct, 0)}</td>
              <td className="muted">{SOURCE_TEXT[t.source]}</td>
              <td className="muted">{t.notes || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
