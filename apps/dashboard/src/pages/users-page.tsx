import { ROLES, type User } from '@xat/contracts';
import { type FormEvent, useState } from 'react';
import { useCurrentUser } from '../api/auth.ts';
import { useCreateUser, useDeleteUser, useUpdateUser, useUsers } from '../api/users.ts';
import { EmptyState, Loading } from '../components/bits.tsx';
import { ConfirmDialog, Dialog, ErrorMessage } from '../components/dialog.tsx';
import { useTitle } from '../components/layout.tsx';
import { formatIsoDateTime, formatRelative } from '../lib/format.ts';

const ROLE_HELP: Record<User['role'], string> = {
  admin: 'manages users, and everything members do',
  member: 'adds servers, imports and edits results',
  viewer: 'reads only',
};

function CreateUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const create = useCreateUser();
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<User['role']>('member');
  const close = () => {
    setUsername('');
    setEmail('');
    setPassword('');
    setRole('member');
    create.reset();
    onClose();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (
      await create.run({ username: username.trim(), password, role, ...(email.trim() ? { email: email.trim() } : {}) })
    )
      close();
  };
  return (
    <Dialog
      open={open}
      title="Add user"
      onClose={close}
      footer={
        <>
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button
            type="submit"
            form="user-form"
            className="primary"
            disabled={create.pending || !username.trim() || !password}
          >
            {create.pending ? 'Adding…' : 'Add user'}
          </button>
        </>
      }
    >
      <form id="user-form" className="form" onSubmit={submit}>
        <div className="form-row">
          <div className="field">
            <label htmlFor="new-username">Username</label>
            <input
              id="new-username"
              autoComplete="off"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="new-email">Email</label>
            <input id="new-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </div>
        </div>
        <div className="form-row">
          <div className="field">
            <label htmlFor="new-password">Initial password</label>
            <input
              id="new-password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            <span className="hint">
              Long and hard to guess (the server says what it refuses); they change it on their Account page.
            </span>
          </div>
          <div className="field">
            <label htmlFor="new-role">Role</label>
            <select id="new-role" value={role} onChange={(e) => setRole(e.target.value as User['role'])}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r} — {ROLE_HELP[r]}
                </option>
              ))}
            </select>
          </div>
        </div>
        {create.error && <ErrorMessage message={create.error.message} />}
      </form>
    </Dialog>
  );
}

export function UsersPage() {
  useTitle('Users');
  const me = useCurrentUser();
  const users = useUsers();
  const update = useUpdateUser();
  const remove = useDeleteUser();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<User>();
  const rows = users.data?.results ?? [];
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Users</h1>
          <p>Who can sign in to this team. Viewers read only; members write; admins also manage users.</p>
        </div>
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add user
        </button>
      </div>
      {update.error && <ErrorMessage message={`The role could not be changed: ${update.error.message}`} />}
      <section className="card" aria-label="Users">
        {users.error && !users.data && (
          <div className="card-body">
            <ErrorMessage message={users.error.message} />
          </div>
        )}
        {users.loading && !users.data && <Loading what="users" />}
        {users.data && rows.length === 0 && <EmptyState title="No users." />}
        {rows.length > 0 && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Username</th>
                  <th>Email</th>
                  <th>Role</th>
                  <th>Last sign-in</th>
                  <th>Joined</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((u) => (
                  <tr key={u.id}>
                    <td>
                      <strong>{u.username}</strong> {u.id === me?.id && <span className="badge">you</span>}
                      {!u.is_active && <span className="badge warn">inactive</span>}
                    </td>
                    <td className="muted">{u.email || '—'}</td>
                    <td>
                      <select
                        aria-label={`Role of ${u.username}`}
                        value={u.role}
                        disabled={update.pending}
                        onChange={(e) => update.run(u.id, { role: e.target.value as User['role'] })}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>{formatRelative(u.last_login)}</td>
                    <td>{formatIsoDateTime(u.date_joined)}</td>
                    <td className="actions">
                      {u.id !== me?.id && (
                        <button
                          type="button"
                          className="small ghost danger"
                          aria-label={`Remove ${u.username}`}
                          onClick={() => setRemoving(u)}
                        >
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <CreateUserDialog open={adding} onClose={() => setAdding(false)} />
      <ConfirmDialog
        open={!!removing}
        title={`Remove ${removing?.username ?? 'this user'}?`}
        message="They can no longer sign in. Servers and results they created are kept."
        confirmLabel="Remove user"
        pending={remove.pending}
        error={remove.error?.message}
        onClose={() => {
          remove.reset();
          setRemoving(undefined);
        }}
        onConfirm={async () => {
          if (removing && (await remove.run(removing.id))) setRemoving(undefined);
        }}
      />
    </div>
  );
}
