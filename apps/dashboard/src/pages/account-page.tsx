import { type FormEvent, useState } from 'react';
import { type PasswordChange, useChangePassword } from '../api/account.ts';
import { signOutEverywhere, useCurrentUser } from '../api/auth.ts';
import { useMutation } from '../api/use-query.ts';
import { ErrorMessage } from '../components/dialog.tsx';
import { FormField } from '../components/form-field.tsx';
import { useTitle } from '../components/layout.tsx';
import { formErrors } from '../lib/form-errors.ts';
import { formatIsoDateTime } from '../lib/format.ts';

const FIELDS = ['old_password', 'new_password', 'new_password2'] as const;
const EMPTY: PasswordChange = { old_password: '', new_password: '', new_password2: '' };

function PasswordForm() {
  const change = useChangePassword();
  const [form, setForm] = useState(EMPTY);
  const [done, setDone] = useState(false);
  const { byField, general } = formErrors(change.error, FIELDS);
  const set = (key: keyof PasswordChange) => (e: { target: { value: string } }) => {
    setDone(false);
    setForm((f) => ({ ...f, [key]: e.target.value }));
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if ((await change.run(form)) === 'renewed') {
      setForm(EMPTY);
      setDone(true);
    }
  };
  return (
    <section className="card" aria-label="Change password">
      <div className="card-head">
        <h2>Change password</h2>
      </div>
      <form className="card-body form" onSubmit={submit} noValidate>
        <FormField
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={form.old_password}
          onChange={set('old_password')}
          errors={byField.old_password}
        />
        <div className="form-row">
          <FormField
            label="New password"
            type="password"
            autoComplete="new-password"
            value={form.new_password}
            onChange={set('new_password')}
            errors={byField.new_password}
            hint="The server refuses short, common or easily guessed passwords, and ones like your username: a few unrelated words make a good one."
          />
          <FormField
            label="New password again"
            type="password"
            autoComplete="new-password"
            value={form.new_password2}
            onChange={set('new_password2')}
            errors={byField.new_password2}
          />
        </div>
        {general && <ErrorMessage message={general} />}
        {done && (
          <div className="alert ok" role="status">
            Password changed. Every other device and browser is signed out; this one stays signed in.
          </div>
        )}
        <div>
          <button type="submit" className="primary" disabled={change.pending || FIELDS.some((k) => form[k] === '')}>
            {change.pending ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Ending every session of this person: a lost phone, a shared computer left signed in. */
function Sessions() {
  const everywhere = useMutation(signOutEverywhere);
  return (
    <section className="card" aria-label="Sessions">
      <div className="card-head">
        <h2>Signed in elsewhere?</h2>
      </div>
      <div className="card-body stack">
        <p>
          “Sign out everywhere” ends every session of yours at once, this browser's included: no other device or browser
          can stay signed in past its current access token (15 minutes by default). Changing your password does the same
          for every other device. “Sign out” at the top ends this browser's session only.
        </p>
        {everywhere.error && <ErrorMessage message={`Nothing was signed out: ${everywhere.error.message}`} />}
        <div>
          <button type="button" onClick={() => everywhere.run()} disabled={everywhere.pending}>
            {everywhere.pending ? 'Signing out everywhere…' : 'Sign out everywhere'}
          </button>
        </div>
      </div>
    </section>
  );
}

/** The signed-in person's own account: who they are here, their password and their sessions. */
export function AccountPage() {
  useTitle('Account');
  const user = useCurrentUser();
  if (!user) return null;
  const items: [string, string][] = [
    ['Username', user.username],
    ['Email', user.email || '—'],
    ['Role', user.role],
    ['Member since', formatIsoDateTime(user.date_joined)],
  ];
  return (
    <div className="stack narrow">
      <div className="page-head">
        <div>
          <h1>Account</h1>
          <p>Your sign-in to this team. An admin changes roles and email addresses on the Users page.</p>
        </div>
      </div>
      <section className="card" aria-label="Profile">
        <dl className="specs card-body">
          {items.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>
      <PasswordForm />
      <Sessions />
    </div>
  );
}
