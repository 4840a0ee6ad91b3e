import { useRecordings } from '../../api/recordings.ts';
import { Link } from '../../lib/router.tsx';
import { EmptyState } from '../bits.tsx';
import { ErrorMessage } from '../dialog.tsx';
import { RecordingTable } from './recording-table.tsx';

const SHOWN = 5;

/** A server's newest recordings, with the way to all of them. */
export function ServerRecordings({ collectorId }: { collectorId: string }) {
  const list = useRecordings({ collectorId, pageSize: SHOWN });
  const count = list.data?.count ?? 0;
  return (
    <section className="card" aria-label="Recordings">
      <div className="card-head">
        <h2>Recordings</h2>
        {count > 0 && (
          <Link to={`/recordings?collector=${collectorId}`}>
            {count > SHOWN ? `All ${count} recordings of this server` : 'Recordings of this server'}
          </Link>
        )}
      </div>
      {list.error && !list.data && (
        <div className="card-body">
          <ErrorMessage message={list.error.message} />
        </div>
      )}
      {list.data && count === 0 && (
        <EmptyState title="No recordings of this server yet.">
          An uploaded collection or a trickle session of the original pcc becomes a recording.
        </EmptyState>
      )}
      {list.data && count > 0 && <RecordingTable rows={list.data.results} showServer={false} />}
    </section>
  );
}
