import type { Collector } from '@xat/contracts';
import { useEffect, useState } from 'react';
import { canEdit, useCurrentUser } from '../api/auth.ts';
import { useCollectors } from '../api/collectors.ts';
import { EmptyState, LastSeen, Loading, StatusDot } from '../components/bits.tsx';
import {
  AddServerDialog,
  DeleteServerDialog,
  EditServerDialog,
  RegenerateKeyDialog,
} from '../components/collector-dialogs.tsx';
import { ErrorMessage } from '../components/dialog.tsx';
import { useTitle } from '../components/layout.tsx';
import { formatGib, formatHourlyCost, formatNumber } from '../lib/format.ts';
import { providerLabel } from '../lib/providers.ts';
import { Link, navigate, setSearch, useLocation } from '../lib/router.tsx';

const STATUSES: { value: Collector['status'] | ''; label: string }[] = [
  { value: '', label: 'All statuses' },
  { value: 'connected', label: 'Connected' },
  { value: 'disconnected', label: 'Disconnected' },
  { value: 'pending', label: 'Waiting for agent' },
];

type Action = { kind: 'edit' | 'key' | 'delete'; collector: Collector };

export function ServersPage() {
  useTitle('Servers');
  const user = useCurrentUser();
  const editable = canEdit(user);
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const status = (search.get('status') ?? '') as Collector['status'] | '';
  const page = Number(search.get('page') ?? '1') || 1;
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

  const list = useCollectors({ search: q, status, page });
  const rows = list.data?.results ?? [];
  const filtered = q !== '' || status !== '';
  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : s.length >= 10 ? s : [...s, id]));
  const connected = rows.filter((r) => r.status === 'connected').length;
  const fleet = [
    ['Connected', `${connected} of ${rows.length}`],
    ['Waiting for agent', String(rows.filter((r) => r.status === 'pending').length)],
    [
      'vCPUs',
      formatNumber(
        rows.reduce((n, r) => n + (r.vcpus ?? 0), 0),
        0,
      ),
    ],
    ['Memory', formatGib(rows.reduce((n, r) => n + (r.memory_gib ?? 0), 0))],
    ['Hourly cost', formatHourlyCost(rows.reduce((n, r) => n + (r.hourly_cost ?? 0), 0))],
  ];

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
          {editable && (
            <button type="button" className="primary" onClick={() => setAdding(true)}>
              Add server
            </button>
          )}
        </div>
      </div>

      {rows.length > 0 && (
        <section className="stats" aria-label={filtered ? 'Totals of the servers shown' : 'Fleet totals'}>
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
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th style={{ width: 36 }}>
                    <span className="visually-hidden">Compare</span>
                  </th>
                  <th>Name</th>
                  <th>Status</th>
                  <th>Last seen</th>
                  <th>Specs</th>
                  <th>Provider</th>
                  <th className="num">vCPUs</th>
                  <th className="num">Memory</th>
                  <th className="num">Hourly cost</th>
                  {editable && (
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
                        onChange={() => toggle(c.id)}
                      />
                    </td>
                    <td>
                      <Link to={`/servers/${c.id}`}>
                        <strong>{c.name}</strong>
                      </Link>
                      {c.hostname && c.hostname !== c.name && <div className="faint">{c.hostname}</div>}
                    </td>
                    <td>
                      <StatusDot status={c.status} />
                    </td>
                    <td>
                      <LastSeen iso={c.last_seen} />
                    </td>
                    <td className="muted">{c.specs_summary || '—'}</td>
                    <td>{providerLabel(c.vm_brand)}</td>
                    <td className="num">{formatNumber(c.vcpus, 0)}</td>
                    <td className="num">{formatGib(c.memory_gib)}</td>
                    <td className="num">{formatHourlyCost(c.hourly_cost)}</td>
                    {editable && (
                      <td className="actions">
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
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {list.data && (list.data.next || list.data.previous) && (
          <div className="card-head" style={{ borderTop: '1px solid var(--border)', borderBottom: 0 }}>
            <span className="muted">Page {page}</span>
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
