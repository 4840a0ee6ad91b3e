import type { User } from '@xat/contracts';

/** The signed-in person: tokens and user, in localStorage so a reload (or another tab) stays signed in. */
export interface Session {
  access: string;
  refresh: string;
  user: User;
}

const KEY = 'xat.session';
const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    return parsed.access && parsed.refresh && parsed.user ? (parsed as Session) : null;
  } catch {
    return null;
  }
}

const notify = () => {
  for (const l of listeners) l();
};

export const getSession = (): Session | null => current;

/** Re-reads storage: another tab may have refreshed the tokens or signed out. */
export function reloadSession(): Session | null {
  const fresh = read();
  if (JSON.stringify(fresh) !== JSON.stringify(current)) {
    current = fresh;
    notify();
  }
  return current;
}

let endedBecause: string | undefined;

/** Why the last session ended on its own (shown on the sign-in page), if it did. */
export const sessionEndReason = () => endedBecause;

export function setSession(session: Session | null, reason?: string): void {
  endedBecause = session ? undefined : reason;
  current = session;
  try {
    if (session) localStorage.setItem(KEY, JSON.stringify(session));
    else localStorage.removeItem(KEY);
  } catch {
    // Private mode without storage: the session lives in memory only.
  }
  notify();
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

if (typeof window !== 'undefined')
  window.addEventListener('storage', (event) => {
    if (event.key === KEY) reloadSession();
  });

/** Seconds until a JWT expires (its `exp`), or 0 when it cannot be read. */
export function secondsLeft(token: string, now: number = Date.now() / 1000): number {
  try {
    const payload = token.split('.')[1];
    if (!payload) return 0;
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp - now : 0;
  } catch {
    return 0;
  }
}
