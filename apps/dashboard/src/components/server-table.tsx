import type { Collector, CollectorOrdering } from '@xat/contracts';
import type { ReactNode } from 'react';
import { formatHourlyCost, formatNumber } from '../lib/format.ts';
import { providerLabel } from '../lib/providers.ts';
import { Link } from '../lib/router.tsx';
import { type Ordering, standingOf } from '../lib/servers.ts';
import { LastSeen, StatusDot } from './bits.tsx';

interface Props {
  rows: readonly Collector[];
  ordering: Ordering;
  onSort: (key: CollectorOrdering) => void;
  selected: readonly string[];
  onSelect: (id: string) => void;
  /** The edit, key and delete buttons of a row, for those who may write. */
  actions?: (c: Collector) => ReactNode;
}

/** A column header that sorts the whole fleet on the server; aria-sort says which way. */
function SortHeader({
  label,
  sortKey,
  ordering,
  onSort,
  num,
  title,
}: {
  label: string;
  sortKey: CollectorOrdering;
  ordering: Ordering;
  onSort: (key: CollectorOrdering) => void;
  num?: boolean;
  title?: string;
}) {
  const active = ordering.key === sortKey;
  const sort = active ? (ordering.descending ? 'descending' : 'ascending') : 'none';
  return (
    <th className={num ? 'num' : undefined} aria-sort={sort} title={title}>
      <button type="button" className="sort" onClick={() => onSort(sortKey)}>
        {label}
        <span aria-hidden="true">{active ? (ordering.descending ? ' ↓' : ' ↑') : ''}</span>
      </button>
    </th>
  );
}

/**
 * A performance figure with its run count and, when it cannot be taken at face value, a badge saying why (`plain`:
 * the figure alone, for a column beside one that already says so).
 */
function StandingCell({
  c,
  value,
  unit,
  plain,
}: {
  c: Collector;
  value: number | null | undefined;
  unit: string;
  plain?: boolean;
}) {
  const s = standingOf(c.performance, value, unit);
  if (!s)
    return (
      <td className="num faint" title="No load test yet">
        —
      </td>
    );
  return (
    <td className="num">
      <span className="nowrap">
        {s.text}
        {s.runs && !plain && <span className="faint"> · {s.runs}</span>}
      </span>
      {s.badge && !plain && (
        <div>
          <span className={`badge ${s.badge.className}`} title={s.badge.title}>
            {s.badge.text}
          </span>
        </div>
      )}
    </td>
  );
}

/** The servers of one page, in the order the server sorted the whole fleet. */
export function ServerTable({ rows, ordering, onSort, selected, onSelect, actions }: Props) {
  const sortable = { ordering, onSort };
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th style={{ width: 36 }}>
              <span className="visually-hidden">Compare</span>
            </th>
            <SortHeader label="Name" sortKey="name" {...sortable} />
            <SortHeader label="Status" sortKey="status" {...sortable} />
            <SortHeader label="vCPUs" sortKey="vcpus" num {...sortable} />
            <SortHeader
              label="Eff. CPUs"
              sortKey="effective_cpus"
              num
              title="Effective CPUs: what the agent's CPU quota and cpuset allow"
              {...sortable}
            />
            <SortHeader
              label="Performance"
              sortKey="performance"
              num
              title="Median units per second at 100 % of the valid load tests of the last 30 days"
              {...sortable}
            />
            <SortHeader label="Per eff. CPU" sortKey="per_effective_cpu" num {...sortable} />
            <SortHeader
              label="Value"
              sortKey="value"
              num
              title="Units per second at 100 % per dollar an hour"
              {...sortable}
            />
            <SortHeader label="Hourly cost" sortKey="hourly_cost" num {...sortable} />
            {actions && (
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select ${c.name} to compare`}
                  checked={selected.includes(c.id)}
                  onChange={() => onSelect(c.id)}
                />
              </td>
              <td style={{ minWidth: 200, maxWidth: 280 }}>
                <Link to={`/servers/${c.id}`}>
                  <strong>{c.name}</strong>
                </Link>
                {c.hostname && c.hostname !== c.name && <span className="faint"> · {c.hostname}</span>}
                <div className="faint nowrap" style={{ fontSize: 12.5 }} title={c.specs_summary}>
                  {providerLabel(c.vm_brand)} · {c.specs_summary || '—'}
                </div>
              </td>
              <td className="nowrap">
                <StatusDot status={c.status} />
                <div className="faint" style={{ fontSize: 12.5 }}>
                  <LastSeen iso={c.last_seen} />
                </div>
              </td>
              <td className="num">{formatNumber(c.vcpus, 0)}</td>
              <td className="num">{formatNumber(c.effective_cpus, 2)}</td>
              <StandingCell c={c} value={c.performance?.units_100pct} unit="u/s" />
              <StandingCell c={c} value={c.performance?.per_effective_cpu} unit="u/s" plain />
              <StandingCell c={c} value={c.performance?.units_per_dollar_hour} unit="u/s per $/h" />
              <td className="num">{formatHourlyCost(c.hourly_cost)}</td>
              {actions && <td className="actions">{actions(c)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
