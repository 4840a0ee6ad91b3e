import type { Collector } from '@xat/contracts';
import { useEffect, useState } from 'react';
import { canEdit, useCurrentUser } from '../api/auth.ts';
import { useCollectors, useFleetSummary } from '../api/collectors.ts';
import { EmptyState, Loading } from '../components/bits.tsx';
import {
  AddServerDialog,
  DeleteServerDialog,
  EditServerDialog,
  RegenerateKeyDialog,
} from '../components/collector-dialogs.tsx';
import { ErrorMessage } from '../components/dialog.tsx';
import { RunBenchmarkButton } from '../components/jobs/run-benchmark-dialog.tsx';
import { useTitle } from '../components/layout.tsx';
import { ServerTable } from '../components/server-table.tsx';
import { formatNumber } from '../lib/format.ts';
import { navigate, setSearch, useLocation } from '../lib/router.tsx';
import { nextOrdering, orderingParam, parseOrdering } from '../lib/servers.ts';

const STATUSES: { value: Collector['status'] | ''; label: string }[] = [
  { value: '', label: 'All statuses' },
  { value: 'connected', label: 'Connected' },
  { value: 'disconnected', label: 'Disconnected' },
  { value: 'pending', label: 'Waiting for agent' },
];

type Action = { kind: 'edit' | 'key' | 'delete'; collector: Collector };

const PAGE_SIZE = 50;

export function ServersPage() {
  useTitle('Servers');
  const user = useCurrentUser();
  const editable = canEdit(user);
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const status = (search.get('status') ?? '') as Collector['status'] | '';
  const page = Number(search.get('page') ?? '1') || 1;
  const ordering = parseOrdering(search.get('sort'));
  const [text, setText] = useState(q);
  const [adding, setAdding] = useState(false);
  const [action, setAction] = useState<Action>();
  const [selected, setSelected] = useState<string[]>([]);

  // Typing filters after a pause, and the filter lives in the URL.
  useEffect(() => {
    const t = setTimeout(() => {
      if (text.trim() !== q) setSearch({ q: text.trim() || undefined, page: undefined });
    }, 250);
    return () => clearTimeout(t);
  }, [text, q]);

  const list = useCollectors({ search: q, status, page, ordering: orderingParam(ordering), pageSize: PAGE_SIZE });
  const summary = useFleetSummary({ search: q, status });
  const rows = list.data?.results ?? [];
  const pages = Math.max(1, Math.ceil((list.data?.count ?? 0) / PAGE_SIZE));
  const filtered = q !== '' || status !== '';
  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : s.length >= 10 ? s : [...s, id]));
  // Totals of every server that matches, from the server: never the sum of the page on screen.
  const f = summary.data;
  const fleet: [string, string][] = f
    ? [
        ['Servers', formatNumber(f.count, 0)],
        ['Connected', `${formatNumber(f.connected, 0)} of ${formatNumber(f.count, 0)}`],
        ['Waiting for agent', formatNumber(f.pending, 0)],
        ['vCPUs', formatNumber(f.vcpus, 0)],
        ['Effective CPUs', formatNumber(f.effective_cpus, 1)],
        ['With valid load tests', formatNumber(f.with_valid_results, 0)],
      ]
    : [];

  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Servers</h1>
          <p>
            {list.data
              ? `${list.data.count} ${list.data.count === 1 ? 'server' : 'servers'}${filtered ? ' match the filters' : ''}`
              : 'The machines your agents report from.'}
          </p>
        </div>
        <div className="toolbar">
          <button
            type="button"
            disabled={selected.length < 2}
            onClick={() => navigate(`/compare?ids=${selected.join(',')}`)}
            title={selected.length < 2 ? 'Tick two to ten servers to compare them' : undefined}
          >
            Compare selected ({selected.length})
          </button>
          {editable && <RunBenchmarkButton ids={selected} label={`Run benchmark (${selected.length})`} />}
          {editable && (
            <button type="button" className="primary" onClick={() => setAdding(true)}>
              Add server
            </button>
          )}
        </div>
      </div>

      {summary.error && !f && (
        <ErrorMessage message={`The fleet's totals could not be loaded: ${summary.error.message}`} />
      )}
      {f && f.count > 0 && (
        <section className="stats" aria-label={filtered ? 'Totals of the servers that match' : 'Fleet totals'}>
          {fleet.map(([label, value]) => (
            <div key={label} className="card stat">
              <div className="label">{label}</div>
              <div className="value">{value}</div>
            </div>
          ))}
        </section>
      )}

      <div className="card">
        <div className="card-head">
          <div className="toolbar grow">
            <input
              type="search"
              aria-label="Search servers"
              placeholder="Search by name, hostname, description"
              value={text}
              onChange={(e) => setText(e.target.value)}
              style={{ width: 320 }}
            />
            <select
              aria-label="Status"
              value={status}
              onChange={(e) => setSearch({ status: e.target.value || undefined, page: undefined })}
            >
              {STATUSES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        {list.error && !list.data && (
          <div className="card-body">
            <ErrorMessage message={list.error.message} />
          </div>
        )}
        {list.loading && !list.data && <Loading what="servers" />}
        {list.data &&
          rows.length === 0 &&
          (filtered ? (
            <EmptyState
              title="No servers match these filters."
              action={
                <button
                  type="button"
                  onClick={() => {
                    setText('');
                    setSearch({ q: undefined, status: undefined, page: undefined });
                  }}
                >
                  Clear filters
                </button>
              }
            />
          ) : (
            <EmptyState
              title="No servers yet — add one."
              action={
                editable ? (
                  <button type="button" className="primary" onClick={() => setAdding(true)}>
                    Add server
                  </button>
                ) : undefined
              }
            >
              {editable
                ? 'Add a server, then run the install command it shows on that machine.'
                : 'Ask a member of your team to add one.'}
            </EmptyState>
          ))}
        {rows.length > 0 && (
          <ServerTable
            rows={rows}
            ordering={ordering}
            onSort={(key) => setSearch({ sort: orderingParam(nextOrdering(ordering, key)), page: undefined })}
            selected={selected}
            onSelect={toggle}
            {...(editable
              ? {
                  actions: (c: Collector) => (
                    <>
                      <button
                        type="button"
                        className="small ghost"
                        aria-label={`Edit ${c.name}`}
                        onClick={() => setAction({ kind: 'edit', collector: c })}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className="small ghost"
                        aria-label={`Regenerate the API key of ${c.name}`}
                        onClick={() => setAction({ kind: 'key', collector: c })}
                      >
                        New key
                      </button>
                      <button
                        type="button"
                        className="small ghost danger"
                        aria-label={`Delete ${c.name}`}
                        onClick={() => setAction({ kind: 'delete', collector: c })}
                      >
                        Delete
                      </button>
                    </>
                  ),
                }
              : {})}
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

      {editable && (
        <>
          <AddServerDialog open={adding} onClose={() => setAdding(false)} />
          <EditServerDialog
            collector={action?.kind === 'edit' ? action.collector : undefined}
            onClose={() => setAction(undefined)}
          />
          <RegenerateKeyDialog
            collector={action?.kind === 'key' ? action.collector : undefined}
            onClose={() => setAction(undefined)}
          />
          <DeleteServerDialog
            collector={action?.kind === 'delete' ? action.collector : undefined}
            onClose={() => setAction(undefined)}
          />
        </>
      )}
    </div>
  );
}
