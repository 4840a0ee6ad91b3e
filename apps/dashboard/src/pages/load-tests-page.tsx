import { VALIDITIES } from '@xat/contracts';
import { type FormEvent, useRef, useState } from 'react';
import { canEdit, useCurrentUser } from '../api/auth.ts';
import { useImportLoadTest, useLoadTests } from '../api/load-tests.ts';
import { EmptyState, Loading } from '../components/bits.tsx';
import { ErrorMessage } from '../components/dialog.tsx';
import { useTitle } from '../components/layout.tsx';
import { LoadTestHint } from '../components/load-test-hint.tsx';
import { LoadTestTable } from '../components/load-test-table.tsx';
import { ServerSelect } from '../components/server-select.tsx';
import { navigate, setSearch, useLocation } from '../lib/router.tsx';
import { VALIDITY_TEXT } from '../lib/validity.ts';

function ImportForm({ defaultCollector }: { defaultCollector: string }) {
  const importer = useImportLoadTest();
  const [collector, setCollector] = useState(defaultCollector);
  const [notes, setNotes] = useState('');
  const file = useRef<HTMLInputElement>(null);
  const [missing, setMissing] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const f = file.current?.files?.[0];
    if (!collector) return setMissing('Choose the server the test ran on.');
    if (!f) return setMissing('Choose the perfcpumeasure output file.');
    setMissing(undefined);
    const created = await importer.run(collector, f, notes);
    if (created) navigate(`/load-tests/${created.id}`);
  };
  return (
    <section className="card" aria-label="Import a load test">
      <div className="card-head">
        <h2>Import a perfcpumeasure result</h2>
        <span className="muted">NDJSON lines {'{"siteid","host","busy","units"}'}, one per level</span>
      </div>
      <form className="card-body form" onSubmit={submit}>
        <div className="form-row">
          <div className="field">
            <label htmlFor="import-server">Server</label>
            <ServerSelect id="import-server" value={collector} onChange={setCollector} emptyText="Choose a server…" />
          </div>
          <div className="field">
            <label htmlFor="import-file">Result file</label>
            <input id="import-file" ref={file} type="file" accept=".json,.ndjson,.txt,.log" />
          </div>
        </div>
        <div className="field">
          <label htmlFor="import-notes">Notes</label>
          <input
            id="import-notes"
            value={notes}
            onChange={(e) => setNotes(e.target.value)}
            placeholder="e.g. after kernel upgrade"
          />
        </div>
        {(missing || importer.error) && (
          <ErrorMessage message={missing ?? `The import failed: ${importer.error?.message}`} />
        )}
        <div>
          <button type="submit" className="primary" disabled={importer.pending}>
            {importer.pending ? 'Importing…' : 'Import load test'}
          </button>
        </div>
      </form>
    </section>
  );
}

export function LoadTestsPage() {
  useTitle('Load tests');
  const user = useCurrentUser();
  const { search } = useLocation();
  const collector = search.get('collector') ?? '';
  const page = Number(search.get('page') ?? '1') || 1;
  const validity = VALIDITIES.find((v) => v === search.get('validity'));
  const history = useLoadTests({ collectorId: collector || undefined, validity, page });
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Load tests</h1>
          <p>CPU work units a server completes at 10 %, 20 % … 100 % utilization.</p>
        </div>
      </div>
      {canEdit(user) && <ImportForm key={collector} defaultCollector={collector} />}
      <section className="card" aria-label="Load test history">
        <div className="card-head">
          <h2>History</h2>
          <div className="toolbar">
            <select
              aria-label="Validity"
              value={validity ?? ''}
              onChange={(e) => setSearch({ validity: e.target.value || undefined, page: undefined })}
            >
              <option value="">Any validity</option>
              {VALIDITIES.map((v) => (
                <option key={v} value={v}>
                  {VALIDITY_TEXT[v]}
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
        {history.error && !history.data && (
          <div className="card-body">
            <ErrorMessage message={history.error.message} />
          </div>
        )}
        {history.loading && !history.data && <Loading what="load tests" />}
        {history.data && history.data.results.length === 0 && (
          <EmptyState
            title={
              validity
                ? 'No load test matches these filters.'
                : collector
                  ? 'No load tests for this server yet.'
                  : 'No load tests yet.'
            }
          >
            {validity ? (
              'Choose “Any validity” to see the others.'
            ) : (
              <LoadTestHint
                where={collector ? 'on this server' : 'on a server'}
                alternative={
                  canEdit(user)
                    ? 'Or import a perfcpumeasure result file above.'
                    : 'Or a member imports a perfcpumeasure result file.'
                }
              />
            )}
          </EmptyState>
        )}
        {history.data && history.data.results.length > 0 && <LoadTestTable rows={history.data.results} />}
        {history.data && (history.data.next || history.data.previous) && (
          <div className="card-head" style={{ borderTop: '1px solid var(--border)', borderBottom: 0 }}>
            <span className="muted">Page {page}</span>
            <div className="toolbar">
              <button
                type="button"
                disabled={!history.data.previous}
                onClick={() => setSearch({ page: String(page - 1) })}
              >
                Previous page
              </button>
              <button type="button" disabled={!history.data.next} onClick={() => setSearch({ page: String(page + 1) })}>
                Next page
              </button>
            </div>
          </div>
        )}
      </section>
    </div>
  );
}
