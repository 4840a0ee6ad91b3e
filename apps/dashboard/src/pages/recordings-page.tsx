import { MAX_COMPARED_RECORDINGS } from '@xat/contracts';
import { useEffect, useState } from 'react';
import { useRecordings } from '../api/recordings.ts';
import { EmptyState, Loading } from '../components/bits.tsx';
import { ErrorMessage } from '../components/dialog.tsx';
import { useTitle } from '../components/layout.tsx';
import { RecordingTable } from '../components/recordings/recording-table.tsx';
import { ServerSelect } from '../components/server-select.tsx';
import {
  isRecordingSource,
  nextRecordingOrdering,
  parseRecordingOrdering,
  recordingOrderingParam,
  SOURCE_LABEL,
  toggleChosen,
} from '../lib/recordings.ts';
import { navigate, setSearch, useLocation } from '../lib/router.tsx';

const PAGE_SIZE = 50;

/** Every recording of the team: uploads, trickle sessions and kept live windows, whatever their age. */
export function RecordingsPage() {
  useTitle('Recordings');
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const sourceParam = search.get('source');
  const source = isRecordingSource(sourceParam) ? sourceParam : '';
  const collector = search.get('collector') ?? '';
  const page = Number(search.get('page') ?? '1') || 1;
  const ordering = parseRecordingOrdering(search.get('sort'));
  const [text, setText] = useState(q);
  const [chosen, setChosen] = useState<string[]>([]);

  // Typing filters after a pause, and the filter lives in the URL.
  useEffect(() => {
    const t = setTimeout(() => {
      if (text.trim() !== q) setSearch({ q: text.trim() || undefined, page: undefined });
    }, 250);
    return () => clearTimeout(t);
  }, [text, q]);

  const list = useRecordings({
    search: q,
    source,
    collectorId: collector || undefined,
    ordering: recordingOrderingParam(ordering),
    page,
    pageSize: PAGE_SIZE,
  });
  const rows = list.data?.results ?? [];
  const count = list.data?.count ?? 0;
  const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
  const filtered = q !== '' || source !== '' || collector !== '';

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Recordings</h1>
          <p>
            {list.data
              ? `${count} ${count === 1 ? 'recording' : 'recordings'}${filtered ? ' match the filters' : ''}`
              : 'Uploaded collections, trickle sessions and kept live windows, whatever their age.'}
          </p>
        </div>
        <div className="toolbar">
          <button
            type="button"
            className="primary"
            disabled={chosen.length < 2}
            onClick={() => navigate(`/recordings/compare?ids=${chosen.join(',')}`)}
            title={chosen.length < 2 ? `Tick two to ${MAX_COMPARED_RECORDINGS} recordings to compare them` : undefined}
          >
            Compare ({chosen.length})
          </button>
        </div>
      </div>

      <div className="card">
        <div className="card-head">
          <div className="toolbar grow">
            <input
              type="search"
              aria-label="Search recordings"
              placeholder="Search by name, description, server, host"
              value={text}
              onChange={(e) => setText(e.target.value)}
              style={{ width: 300, maxWidth: '100%' }}
            />
            <select
              aria-label="Source"
              value={source}
              onChange={(e) => setSearch({ source: e.target.value || undefined, page: undefined })}
            >
              <option value="">All sources</option>
              {Object.entries(SOURCE_LABEL).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
            <ServerSelect
              label="Server"
              value={collector}
              onChange={(id) => setSearch({ collector: id || undefined, page: undefined })}
              emptyText="All servers"
            />
          </div>
        </div>
        {chosen.length >= MAX_COMPARED_RECORDINGS && (
          <div className="card-body">
            <div className="alert info">Ten recordings chosen: untick one to choose another.</div>
          </div>
        )}
        {list.error && !list.data && (
          <div className="card-body">
            <ErrorMessage message={list.error.message} />
          </div>
        )}
        {list.loading && !list.data && <Loading what="recordings" />}
        {list.data &&
          rows.length === 0 &&
          (filtered ? (
            <EmptyState
              title="No recordings match these filters."
              action={
                <button
                  type="button"
                  onClick={() => {
                    setText('');
                    setSearch({ q: undefined, source: undefined, collector: undefined, page: undefined });
                  }}
                >
                  Clear filters
                </button>
              }
            />
          ) : (
            <EmptyState title="No recordings yet.">
              Upload a collection on a server's page, or let the original pcc trickle to this server: each upload and
              each trickle session becomes a recording.
            </EmptyState>
          ))}
        {rows.length > 0 && (
          <RecordingTable
            rows={rows}
            ordering={ordering}
            onSort={(key) =>
              setSearch({ sort: recordingOrderingParam(nextRecordingOrdering(ordering, key)), page: undefined })
            }
            chosen={chosen}
            onChoose={(id) => setChosen((c) => toggleChosen(c, id))}
          />
        )}
        {list.data && (list.data.next || list.data.previous) && (
          <div className="card-head" style={{ borderTop: '1px solid var(--border)', borderBottom: 0 }}>
            <span className="muted">
              Page {page} of {pages}
            </span>
            <div className="toolbar">
              <button
                type="button"
                disabled={!list.data.previous}
                onClick={() => setSearch({ page: String(page - 1) })}
              >
                Previous page
              </button>
              <button type="button" disabled={!list.data.next} onClick={() => setSearch({ page: String(page + 1) })}>
                Next page
              </button>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
