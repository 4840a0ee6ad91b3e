import { type ReactNode, useEffect, useState } from 'react';
import { isAdmin, signOut, useCurrentUser } from '../api/auth.ts';
import { Link, navigate, useLocation } from '../lib/router.tsx';
import { ThemeToggle } from './theme-toggle.tsx';

export function Logo() {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="7" fill="var(--accent)" />
      <path
        d="M7 22l5-7 4 4 4-8 5 11"
        fill="none"
        stroke="#fff"
        strokeWidth="2.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

const NAV = [
  { to: '/servers', label: 'Servers' },
  { to: '/compare', label: 'Compare' },
  { to: '/load-tests', label: 'Load tests' },
  { to: '/benchmarks', label: 'Benchmarks' },
];

/** Sets the tab's title for a page. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · XAT`;
  }, [title]);
}

/** The bar on every page: the sections, the theme switch, who is signed in, and "Sign out". */
export function Layout({ children }: { children: ReactNode }) {
  const user = useCurrentUser();
  const { path } = useLocation();
  const [leaving, setLeaving] = useState(false);
  const links = isAdmin(user) ? [...NAV, { to: '/users', label: 'Users' }] : NAV;
  const doSignOut = async () => {
    setLeaving(true);
    await signOut();
    navigate('/', { replace: true });
  };
  return (
    <>
      <header className="topbar">
        <Link to="/servers" className="brand" aria-label="XAT home">
          <Logo />
          XAT
        </Link>
        <nav className="nav" aria-label="Main">
          {links.map((l) => (
            <Link key={l.to} to={l.to} aria-current={path === l.to || path.startsWith(`${l.to}/`) ? 'page' : undefined}>
              {l.label}
            </Link>
          ))}
        </nav>
        <div className="topbar-right">
          <ThemeToggle />
          {user && (
            <span className="who">
              {user.username} <span className="badge">{user.role}</span>
            </span>
          )}
          <button type="button" className="small" onClick={doSignOut} disabled={leaving}>
            Sign out
          </button>
        </div>
      </header>
      <main className="main">{children}</main>
    </>
  );
}
