import type { Benchmark } from '@xat/contracts';
import { formatRatio, sharesText } from '../lib/benchmark-compare.ts';
import { formatDuration, formatIsoDateTime, formatNumber } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';

const STATUS_CLASS: Record<Benchmark['status'], string> = {
  pending: '',
  collecting: 'accent',
  running: 'accent',
  completed: 'ok',
  failed: 'danger',
  cancelled: 'warn',
};

export function BenchmarkStatus({ status }: { status: Benchmark['status'] }) {
  return <span className={`badge ${STATUS_CLASS[status]}`}>{status}</span>;
}

const score = (v: number | null) => formatNumber(v, 1);

/** Where the scores came from: a run the agent measured (ratios, 1.0 = the baseline server) or typed in (0–100). */
function SourceBadge({ b }: { b: Benchmark }) {
  return b.source === 'pcc' ? (
    <span className="badge accent" title="Scores from a benchmark run the agent measured: times the baseline server">
      measured
    </span>
  ) : (
    <span className="badge" title="Scores typed in by a person (0–100)">
      typed in
    </span>
  );
}

/** A typed-in score as typed; a measured one as a ratio against the baseline ("1.23×"). */
const shown = (b: Benchmark, v: number | null) => (b.source === 'pcc' ? formatRatio(v) : score(v));

/** Benchmarks with status, scores and duration; with `onEdit`/`onDelete` the rows get those buttons. */
export function BenchmarkTable({
  rows,
  showServer = true,
  onEdit,
  onDelete,
}: {
  rows: readonly Benchmark[];
  showServer?: boolean;
  onEdit?: (b: Benchmark) => void;
  onDelete?: (b: Benchmark) => void;
}) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Name</th>
            {showServer && <th>Server</th>}
            <th>Type</th>
            <th>Status</th>
            <th className="num">CPU</th>
            <th className="num">Memory</th>
            <th className="num">Disk</th>
            <th className="num">Network</th>
            <th className="num">Overall</th>
            <th className="num">Duration</th>
            <th>Created</th>
            {(onEdit || onDelete) && (
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((b) => (
            <tr key={b.id}>
              <td>
                <strong>{b.name}</strong> <SourceBadge b={b} />
                {b.error_message && (
                  <div className="faint" title={b.error_message}>
                    {b.error_message.slice(0, 80)}
                  </div>
                )}
              </td>
              {showServer && (
                <td>
                  <Link to={`/servers/${b.collector}`}>{b.collector_name}</Link>
                </td>
              )}
              <td className="muted">{b.benchmark_type}</td>
              <td>
                <BenchmarkStatus status={b.status} />
              </td>
              <td className="num">{shown(b, b.cpu_score)}</td>
              <td className="num">{shown(b, b.memory_score)}</td>
              <td className="num">{shown(b, b.disk_score)}</td>
              <td className="num">{shown(b, b.network_score)}</td>
              <td className="num">
                <strong title={b.score_shares ? sharesText({ shares: b.score_shares }) : undefined}>
                  {shown(b, b.overall_score)}
                </strong>
              </td>
              <td className="num">{formatDuration(b.duration_seconds)}</td>
              <td>{formatIsoDateTime(b.created_at)}</td>
              {(onEdit || onDelete) && (
                <td className="actions">
                  {onEdit && (
                    <button
                      type="button"
                      className="small ghost"
                      aria-label={`Edit ${b.name}`}
                      onClick={() => onEdit(b)}
                    >
                      Edit
                    </button>
                  )}
                  {onDelete && (
                    <button
                      type="button"
                      className="small ghost danger"
                      aria-label={`Delete ${b.name}`}
                      onClick={() => onDelete(b)}
                    >
                      Delete
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
