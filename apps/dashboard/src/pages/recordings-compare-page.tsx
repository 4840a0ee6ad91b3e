import { MAX_COMPARED_RECORDINGS } from '@xat/contracts';
import { useMemo } from 'react';
import { useRecordingCompare } from '../api/recordings.ts';
import { EmptyState, Loading } from '../components/bits.tsx';
import { ErrorMessage } from '../components/dialog.tsx';
import { useTitle } from '../components/layout.tsx';
import { RecordingCompareStats } from '../components/recordings/recording-compare-stats.tsx';
import { RecordingOverlay } from '../components/recordings/recording-overlay.tsx';
import { fieldLabel } from '../lib/fields.ts';
import { COMPARE_FIELDS, compareProblem, isCompareField, parseRecordingIds } from '../lib/recordings.ts';
import { Link, setSearch, useLocation } from '../lib/router.tsx';

/** 2–10 recordings, any hosts and any dates: one metric overlaid from each start, the statistics side by side. */
export function RecordingsComparePage() {
  useTitle('Compare recordings');
  const { search } = useLocation();
  const idsParam = search.get('ids');
  const ids = useMemo(() => parseRecordingIds(idsParam), [idsParam]);
  const fieldParam = search.get('field');
  const field = isCompareField(fieldParam) ? fieldParam : 'cpu_busy';
  const problem = compareProblem(ids);
  const compare = useRecordingCompare(problem ? [] : ids, field);
  const d = compare.data;
  // A recording of the choice that is gone (deleted, another team's) is not in the answer.
  const missing = d ? ids.length - d.recordings.length : 0;

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <div className="muted" style={{ fontSize: 13 }}>
            <Link to="/recordings">Recordings</Link> /
          </div>
          <h1>Compare recordings</h1>
          <p>Did this machine behave like that one during the same test? Each recording is drawn from its own start.</p>
        </div>
        <div className="toolbar">
          <select aria-label="Metric" value={field} onChange={(e) => setSearch({ field: e.target.value })}>
            {COMPARE_FIELDS.map((f) => (
              <option key={f} value={f}>
                {fieldLabel(f)}
              </option>
            ))}
          </select>
        </div>
      </div>

      {problem ? (
        <div className="card">
          <EmptyState title={problem} action={<Link to="/recordings">Choose recordings</Link>}>
            {`Pick two to ${MAX_COMPARED_RECORDINGS} recordings, of any servers and any dates.`}
          </EmptyState>
        </div>
      ) : (
        <>
          {compare.error && !d && (
            <ErrorMessage message={`The recordings could not be compared: ${compare.error.message}`} />
          )}
          {compare.loading && !d && <Loading what="the comparison" />}
          {missing > 0 && (
            <div className="alert warn" role="note">
              {missing === 1 ? 'One chosen recording was' : `${missing} chosen recordings were`} not found: deleted, or
              not your team's.
            </div>
          )}
          {d && (
            <>
              <section className="card" aria-label="Overlay">
                <div className="card-head">
                  <h2>{fieldLabel(d.field)} since each start</h2>
                  <span className="muted">{d.recordings.length} recordings</span>
                </div>
                <div className="card-body">
                  <RecordingOverlay data={d} />
                </div>
              </section>
              <section className="card" aria-label="Statistics side by side">
                <div className="card-head">
                  <h2>Statistics side by side</h2>
                  <span className="muted">average; 95th percentile and maximum under it</span>
                </div>
                <RecordingCompareStats data={d} />
              </section>
            </>
          )}
        </>
      )}
    </div>
  );
}
