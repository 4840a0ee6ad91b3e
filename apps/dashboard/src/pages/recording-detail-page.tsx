import type { Recording } from '@xat/contracts';
import { type ReactNode, useState } from 'react';
import { canEdit, useCurrentUser } from '../api/auth.ts';
import {
  type RecordingExportFormat,
  useDeleteRecording,
  useExportRecording,
  useRecordingSummary,
  useUpdateRecording,
} from '../api/recordings.ts';
import { EmptyState, Loading } from '../components/bits.tsx';
import { ConfirmDialog, ErrorMessage } from '../components/dialog.tsx';
import { useTitle } from '../components/layout.tsx';
import { RecordingCharts } from '../components/recordings/recording-charts.tsx';
import { RecordingEditForm } from '../components/recordings/recording-edit-form.tsx';
import { RecordingLoadTests } from '../components/recordings/recording-load-tests.tsx';
import { RecordingStatsTable } from '../components/recordings/recording-stats-table.tsx';
import { SourceBadge } from '../components/recordings/source-badge.tsx';
import {
  formatInterval,
  formatRecordingDuration,
  formatSamples,
  formatWindow,
  isActiveSession,
} from '../lib/recordings.ts';
import { Link, navigate } from '../lib/router.tsx';

const EXPORTS: [RecordingExportFormat, string][] = [
  ['csv', 'Export CSV'],
  ['json', 'Export JSON'],
  ['pcprocess', 'Export pcprocess zip'],
];

function Facts({ r }: { r: Recording }) {
  const items: [string, ReactNode][] = [
    [
      'Server',
      <Link key="server" to={`/servers/${r.collector}`}>
        {r.collector_name}
      </Link>,
    ],
    ['Host', r.hostname || '—'],
    ['Source', <SourceBadge key="source" recording={r} />],
    ['Window', formatWindow(r)],
    ['Duration', formatRecordingDuration(r)],
    ['Samples', formatSamples(r.sample_count)],
    ['Interval', formatInterval(r.interval_seconds)],
  ];
  return (
    <dl className="specs">
      {items.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** One recording: what and when, its charts, its statistics and the load tests inside its window. */
export function RecordingDetailPage({ id }: { id: string }) {
  const editable = canEdit(useCurrentUser());
  const [growing, setGrowing] = useState(false);
  const summary = useRecordingSummary(id, growing);
  const update = useUpdateRecording();
  const remove = useDeleteRecording();
  const exporter = useExportRecording();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const data = summary.data?.recording.id === id ? summary.data : undefined;
  const r = data?.recording;
  useTitle(r?.name ?? 'Recording');
  const active = r ? isActiveSession(r) : false;
  if (active !== growing) setGrowing(active);

  if (summary.error && !data)
    return (
      <div className="card">
        <EmptyState
          title="This recording could not be loaded."
          action={<Link to="/recordings">Back to the recordings</Link>}
        >
          {summary.error.message}
        </EmptyState>
      </div>
    );
  if (!data || !r) return <Loading what="recording" />;

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <div className="muted" style={{ fontSize: 13 }}>
            <Link to="/recordings">Recordings</Link> /
          </div>
          <h1>{r.name}</h1>
          {r.description && <p>{r.description}</p>}
        </div>
        <div className="toolbar">
          {editable && !editing && (
            <button type="button" onClick={() => setEditing(true)}>
              Rename / describe
            </button>
          )}
          {editable && active && (
            <button
              type="button"
              disabled={update.pending}
              title="End the session now: rounds that come later start a new one"
              onClick={() => update.run(r.id, { status: 'completed' })}
            >
              Complete session
            </button>
          )}
          {editable && (
            <button type="button" className="danger" onClick={() => setDeleting(true)}>
              Delete
            </button>
          )}
        </div>
      </div>
      {editing && <RecordingEditForm recording={r} onDone={() => setEditing(false)} />}
      {update.error && !editing && <ErrorMessage message={update.error.message} />}

      <section className="card" aria-label="Recording">
        <div className="card-body stack">
          <Facts r={r} />
          <div className="toolbar">
            {EXPORTS.map(([format, label]) => (
              <button
                key={format}
                type="button"
                disabled={exporter.pending || r.sample_count === 0}
                onClick={() => exporter.run(r, format)}
              >
                {label}
              </button>
            ))}
          </div>
          {exporter.error && <ErrorMessage message={`Export failed: ${exporter.error.message}`} />}
        </div>
      </section>

      <RecordingCharts recording={r} />

      <section className="card" aria-label="Statistics">
        <div className="card-head">
          <h2>Statistics</h2>
          <span className="muted">over the whole window</span>
        </div>
        <RecordingStatsTable stats={data.stats} />
      </section>

      <section className="card" aria-label="Load tests in this window">
        <div className="card-head">
          <h2>Load tests in this window</h2>
        </div>
        <RecordingLoadTests tests={data.load_tests} />
      </section>

      {editable && (
        <ConfirmDialog
          open={deleting}
          title={`Delete ${r.name}?`}
          message={`Its ${formatSamples(r.sample_count)} are deleted with it; this cannot be undone.`}
          confirmLabel="Delete recording"
          pending={remove.pending}
          error={remove.error?.message}
          onConfirm={async () => {
            if (await remove.run(r.id)) navigate('/recordings', { replace: true });
          }}
          onClose={() => {
            setDeleting(false);
            remove.reset();
          }}
        />
      )}
    </div>
  );
}
