import { type FormEvent, useState } from 'react';
import { signIn } from '../api/auth.ts';
import { ApiError } from '../api/client.ts';
import { sessionEndReason } from '../api/session.ts';
import { ErrorMessage } from '../components/dialog.tsx';
import { Logo, useTitle } from '../components/layout.tsx';
import { ThemeToggle } from '../components/theme-toggle.tsx';

export function SignInPage() {
  useTitle('Sign in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(sessionEndReason());
  const [pending, setPending] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) return setError('Enter your username and password.');
    setPending(true);
    setError(undefined);
    try {
      await signIn(username.trim(), password);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Signing in failed. Try again.');
      setPending(false);
    }
  };

  return (
    <div className="signin">
      <div className="card">
        <div className="row" style={{ justifyContent: 'space-between', marginBottom: 18 }}>
          <div className="brand">
            <Logo />
            XAT
          </div>
          <ThemeToggle />
        </div>
        <h1 style={{ marginBottom: 4 }}>Sign in</h1>
        <p className="muted" style={{ marginTop: 0, marginBottom: 20 }}>
          Measure and compare the performance of your servers.
        </p>
        <form className="form" onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor="username">Username</label>
            <input
              id="username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              // biome-ignore lint/a11y/noAutofocus: the page has one task, signing in; its first field is where every user starts
              autoFocus
            />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          {error && <ErrorMessage message={error} />}
          <button type="submit" className="primary" disabled={pending}>
            {pending ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </div>
  );
}
