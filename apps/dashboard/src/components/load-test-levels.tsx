import type { LoadTest } from '@xat/contracts';
import { formatNumber } from '../lib/format.ts';
import { type LevelRow, levelRows, type MeasuredColumn, measuredColumns } from '../lib/validity.ts';

const COLUMNS: Record<MeasuredColumn, { title: string; format: (v: number) => string }> = {
  achieved: { title: 'Achieved %', format: (v) => formatNumber(v, 1) },
  other: { title: 'Other %', format: (v) => formatNumber(v, 1) },
  steal: { title: 'Steal %', format: (v) => formatNumber(v, 1) },
  throttled: { title: 'Throttled %', format: (v) => formatNumber(v, 1) },
  freqMhz: { title: 'MHz', format: (v) => formatNumber(v, 0) },
};

/** Per level: the target, how the agent measured it (where it said), and the units; a level a reason names is marked. */
export function LoadTestLevels({ test }: { test: Pick<LoadTest, 'details' | 'data_points' | 'validity_reasons'> }) {
  const rows = levelRows(test);
  const columns = measuredColumns(rows);
  const why = new Map<number, string[]>();
  for (const r of test.validity_reasons)
    if (r.level !== null) why.set(r.level, [...(why.get(r.level) ?? []), r.message]);
  const cell = (row: LevelRow, k: MeasuredColumn) => {
    const v = row[k];
    return v === undefined ? '—' : COLUMNS[k].format(v);
  };
  return (
    <table className="compact">
      <thead>
        <tr>
          <th>Target</th>
          {columns.map((k) => (
            <th key={k} className="num">
              {COLUMNS[k].title}
            </th>
          ))}
          <th className="num">Units / s</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.target} className={why.has(row.target) ? 'flagged' : undefined}>
            <td>
              {row.target} %
              {why.has(row.target) && (
                <span className="badge warn" title={why.get(row.target)?.join(' ')}>
                  flagged
                </span>
              )}
            </td>
            {columns.map((k) => (
              <td key={k} className="num">
                {cell(row, k)}
              </td>
            ))}
            <td className="num">{formatNumber(row.units, 0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
