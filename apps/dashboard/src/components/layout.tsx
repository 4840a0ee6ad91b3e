import { type ReactNode, useEffect, useState } from 'react';
import { signOut, useCurrentUser } from '../api/auth.ts';
import { isCurrent, navLinks } from '../lib/nav.ts';
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

/** Sets the tab's title for a page. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · XAT`;
  }, [title]);
}

/**
 * The bar on every page: the sections, the theme switch, who is signed in (their account page) and "Sign out". On a
 * narrow screen all but the brand fold behind a Menu button, which opens them as a column under the bar.
 */
export function Layout({ children }: { children: ReactNode }) {
  const user = useCurrentUser();
  const { path } = useLocation();
  const [leaving, setLeaving] = useState(false);
  // The menu is open for the page it was opened on: following one of its links closes it.
  const [menuOn, setMenuOn] = useState<string>();
  const open = menuOn === path;
  const doSignOut = async () => {
    setLeaving(true);
    await signOut();
    navigate('/', { replace: true });
  };
  return (
    <>
      <header className={`topbar${open ? ' open' : ''}`}>
        <Link to="/servers" className="brand" aria-label="XAT home">
          <Logo />
          XAT
        </Link>
        <button
          type="button"
          className="menu-button ghost"
          aria-expanded={open}
          aria-controls="main-menu"
          onClick={() => setMenuOn(open ? undefined : path)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setMenuOn(undefined);
          }}
        >
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path d={open ? 'M6 6l12 12M18 6L6 18' : 'M4 7h16M4 12h16M4 17h16'} stroke="currentColor" strokeWidth="2" />
          </svg>
          Menu
        </button>
        <div className="menu" id="main-menu">
          <nav className="nav" aria-label="Main">
            {navLinks(user?.role).map((l) => (
              <Link
                key={l.to}
                to={l.to}
                aria-current={isCurrent(path, l.to) ? 'page' : undefined}
                onClick={() => setMenuOn(undefined)}
              >
                {l.label}
              </Link>
            ))}
          </nav>
          <div className="topbar-right">
            <ThemeToggle />
            {user && (
              <Link
                to="/account"
                className="who"
                aria-current={path === '/account' ? 'page' : undefined}
                onClick={() => setMenuOn(undefined)}
              >
                <span className="visually-hidden">Account: </span>
                {user.username} <span className="badge">{user.role}</span>
              </Link>
            )}
            <button type="button" className="small" onClick={doSignOut} disabled={leaving}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main className="main">{children}</main>
    </>
  );
}
