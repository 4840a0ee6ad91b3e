import type { FieldStats } from '@xat/contracts';
import { formatValue } from '../../lib/fields.ts';
import { formatNumber } from '../../lib/format.ts';
import { statRows } from '../../lib/recordings.ts';
import { EmptyState } from '../bits.tsx';

/** Average, median, 95th percentile and maximum of every measure over the recording, each in its unit. */
export function RecordingStatsTable({ stats }: { stats: Readonly<Record<string, FieldStats>> }) {
  const rows = statRows(stats);
  if (rows.length === 0) return <EmptyState title="No statistics: this recording has no samples yet." />;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Measure</th>
            <th className="num">Average</th>
            <th className="num">Median</th>
            <th className="num">95th pct.</th>
            <th className="num">Max</th>
            <th className="num">Samples</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.field}>
              <td>{r.label}</td>
              <td className="num">{formatValue(r.unit, r.stats.avg)}</td>
              <td className="num">{formatValue(r.unit, r.stats.p50)}</td>
              <td className="num">{formatValue(r.unit, r.stats.p95)}</td>
              <td className="num">{formatValue(r.unit, r.stats.max)}</td>
              <td className="num faint">{formatNumber(r.stats.n, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
