import { type Job, SUITE_METRICS } from '@xat/contracts';
import { useBenchmarkRun } from '../../api/benchmark-runs.ts';
import { useCancelJob } from '../../api/jobs.ts';
import { headlineFigures } from '../../lib/benchmark-compare.ts';
import { formatDuration, formatIsoDateTime } from '../../lib/format.ts';
import {
  ERROR_CODE_TEXT,
  elapsedSeconds,
  isFinished,
  JOB_STATUS_CLASS,
  JOB_STATUS_TEXT,
  jobLine,
  progressPct,
  stepText,
} from '../../lib/jobs.ts';
import { Link } from '../../lib/router.tsx';
import { ErrorMessage } from '../dialog.tsx';
import { ValidityBadge } from '../validity.tsx';

/** A finished job's result as it lands: the run's verdict and a few headline figures. */
function JobResult({ id }: { id: string }) {
  const run = useBenchmarkRun(id);
  if (run.error) return <span className="faint">{run.error.message}</span>;
  if (!run.data) return <span className="faint">loading…</span>;
  const figures = headlineFigures(run.data, SUITE_METRICS);
  return (
    <div className="stack" style={{ gap: 2 }}>
      <span>
        <ValidityBadge validity={run.data.validity} />
      </span>
      {figures.map((f) => (
        <div key={f.key} className="nowrap" style={{ fontSize: 13 }}>
          <span className="muted">{f.label}:</span> {f.text}
        </div>
      ))}
    </div>
  );
}

/**
 * Jobs, one row per server: status, step k of n with a bar, what the agent is doing (or why it ended, in its words),
 * elapsed time, the result once it landed, and Cancel while it can still be stopped.
 */
export function JobTable({ jobs, editable }: { jobs: readonly Job[]; editable: boolean }) {
  const cancel = useCancelJob();
  const now = Date.now();
  return (
    <>
      {cancel.error && (
        <div className="card-body">
          <ErrorMessage message={`The job could not be cancelled: ${cancel.error.message}`} />
        </div>
      )}
      <div className="table-wrap">
        <table aria-label="Benchmark jobs">
          <thead>
            <tr>
              <th>Server</th>
              <th>Status</th>
              <th>Progress</th>
              <th>Doing</th>
              <th className="num">Elapsed</th>
              <th>Result</th>
              {editable && (
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => {
              const pct = progressPct(j);
              const failed = j.status === 'failed' || j.status === 'timed_out';
              return (
                <tr key={j.id} data-status={j.status}>
                  <td className="nowrap">
                    <Link to={`/servers/${j.collector}`}>{j.collector_name}</Link>
                    <div className="faint" style={{ fontSize: 12 }}>
                      {j.profile} · {formatIsoDateTime(j.created_at)}
                    </div>
                  </td>
                  <td>
                    <span className={`badge ${JOB_STATUS_CLASS[j.status]}`}>{JOB_STATUS_TEXT[j.status]}</span>
                    {failed && j.error_code && (
                      <div className="faint nowrap" style={{ fontSize: 12 }}>
                        {ERROR_CODE_TEXT[j.error_code] ?? j.error_code}
                      </div>
                    )}
                  </td>
                  <td className="nowrap">
                    <progress
                      max={100}
                      {...(pct === undefined ? {} : { value: pct })}
                      aria-label={`Progress on ${j.collector_name}`}
                      style={{ width: 110, verticalAlign: 'middle' }}
                    />{' '}
                    <span className="muted">{stepText(j) ?? ''}</span>
                  </td>
                  <td style={{ minWidth: 200, ...(failed ? { color: 'var(--danger)' } : {}) }}>
                    {failed ? <strong>{jobLine(j, now)}</strong> : jobLine(j, now)}
                  </td>
                  <td className="num nowrap">{formatDuration(elapsedSeconds(j, now))}</td>
                  <td>{j.status === 'succeeded' && j.result_id ? <JobResult id={j.result_id} /> : '—'}</td>
                  {editable && (
                    <td className="actions">
                      {!isFinished(j.status) && (
                        <button
                          type="button"
                          className="small danger"
                          disabled={cancel.pending}
                          aria-label={`Cancel the job on ${j.collector_name}`}
                          onClick={() => void cancel.run(j.id)}
                        >
                          Cancel
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
