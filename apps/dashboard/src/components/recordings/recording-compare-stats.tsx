import type { RecordingCompare } from '@xat/contracts';
import { fieldLabel, formatValue, unitOf } from '../../lib/fields.ts';
import { seriesColor } from '../../lib/providers.ts';
import { formatStart, statRows } from '../../lib/recordings.ts';
import { Link } from '../../lib/router.tsx';

/**
 * The statistics of the compared recordings side by side: a column per recording, a row per measure (the overlaid
 * one first), each cell its average with the 95th percentile and maximum under it.
 */
export function RecordingCompareStats({ data }: { data: RecordingCompare }) {
  const fields = new Set<string>([data.field]);
  for (const r of data.recordings) for (const row of statRows(r.stats)) fields.add(row.field);
  const rows = [...fields];
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Measure</th>
            {data.recordings.map(({ recording: r }, i) => (
              <th key={r.id} className="num" style={{ minWidth: 140 }}>
                <span className="swatch" style={{ background: seriesColor(i) }} aria-hidden="true" />
                <Link to={`/recordings/${r.id}`}>{r.name}</Link>
                <div className="faint" style={{ fontWeight: 400 }}>
                  {r.collector_name} · {formatStart(r)}
                </div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((field) => {
            const unit = unitOf(field);
            return (
              <tr key={field}>
                <td>{field === data.field ? <strong>{fieldLabel(field)}</strong> : fieldLabel(field)}</td>
                {data.recordings.map(({ recording: r, stats }) => {
                  const s = stats[field];
                  return (
                    <td key={r.id} className="num">
                      {formatValue(unit, s?.avg)}
                      <div className="faint nowrap" style={{ fontSize: 12 }}>
                        p95 {formatValue(unit, s?.p95)} · max {formatValue(unit, s?.max)}
                      </div>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
