import type { Recording } from '@xat/contracts';
import { formatNumber } from '../../lib/format.ts';
import {
  formatInterval,
  formatRecordingDuration,
  formatWindow,
  type RecordingOrdering,
  type RecordingOrderingKey,
} from '../../lib/recordings.ts';
import { Link } from '../../lib/router.tsx';
import { SourceBadge } from './source-badge.tsx';

interface Sorting {
  ordering: RecordingOrdering;
  onSort: (key: RecordingOrderingKey) => void;
}

/** A column header that sorts every recording on the server; aria-sort says which way. */
function SortHeader({
  label,
  sortKey,
  ordering,
  onSort,
  num,
}: Sorting & { label: string; sortKey: RecordingOrderingKey; num?: boolean }) {
  const active = ordering.key === sortKey;
  return (
    <th
      className={num ? 'num' : undefined}
      aria-sort={active ? (ordering.descending ? 'descending' : 'ascending') : 'none'}
    >
      <button type="button" className="sort" onClick={() => onSort(sortKey)}>
        {label}
        <span aria-hidden="true">{active ? (ordering.descending ? ' ↓' : ' ↑') : ''}</span>
      </button>
    </th>
  );
}

interface Props extends Partial<Sorting> {
  rows: readonly Recording[];
  /** Ticked for the compare; without it the table has no checkboxes (a server's short list). */
  chosen?: readonly string[];
  onChoose?: (id: string) => void;
  showServer?: boolean;
}

/** Recordings of one page, in the order the server sorted them; each name opens its page. */
export function RecordingTable({ rows, ordering, onSort, chosen, onChoose, showServer = true }: Props) {
  const header = (label: string, key: RecordingOrderingKey, num?: boolean) =>
    ordering && onSort ? (
      <SortHeader label={label} sortKey={key} ordering={ordering} onSort={onSort} {...(num ? { num } : {})} />
    ) : (
      <th className={num ? 'num' : undefined}>{label}</th>
    );
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {onChoose && (
              <th style={{ width: 36 }}>
                <span className="visually-hidden">Compare</span>
              </th>
            )}
            {header('Name', 'name')}
            {showServer && <th>Server</th>}
            <th>Source</th>
            {header('Window', 'started_at')}
            <th className="num">Duration</th>
            {header('Samples', 'sample_count', true)}
            <th>Interval</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              {onChoose && (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${r.name} to compare`}
                    checked={chosen?.includes(r.id) ?? false}
                    onChange={() => onChoose(r.id)}
                  />
                </td>
              )}
              <td style={{ minWidth: 180, maxWidth: 300 }}>
                <Link to={`/recordings/${r.id}`}>
                  <strong>{r.name}</strong>
                </Link>
                {r.description && (
                  <div className="faint" style={{ fontSize: 12.5 }}>
                    {r.description.length > 80 ? `${r.description.slice(0, 80)}…` : r.description}
                  </div>
                )}
              </td>
              {showServer && (
                <td>
                  <Link to={`/servers/${r.collector}`}>{r.collector_name}</Link>
                  {r.hostname && r.hostname !== r.collector_name && (
                    <div className="faint" style={{ fontSize: 12.5 }}>
                      {r.hostname}
                    </div>
                  )}
                </td>
              )}
              <td className="nowrap">
                <SourceBadge recording={r} />
              </td>
              <td className="nowrap">{formatWindow(r)}</td>
              <td className="num nowrap">{formatRecordingDuration(r)}</td>
              <td className="num">{formatNumber(r.sample_count, 0)}</td>
              <td className="nowrap muted">{formatInterval(r.interval_seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
