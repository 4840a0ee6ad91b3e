import type { User } from '@xat/contracts';
import { useSyncExternalStore } from 'react';
import { ApiError, api, apiResponse, describeError } from './client.ts';
import { getSession, type Session, setSession, subscribeSession } from './session.ts';

/** `POST /api/v1/auth/token/` → the session, or an error in words. */
export async function signIn(username: string, password: string): Promise<Session> {
  const res = await apiResponse('/api/v1/auth/token/', {
    method: 'POST',
    body: { username, password },
    anonymous: true,
  });
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    if (res.status === 401) throw new ApiError('Wrong username or password.', 401);
    throw describeError(res.status, body);
  }
  const session = body as Session;
  setSession(session);
  return session;
}

/** `POST /api/v1/auth/logout/` revokes the refresh token's family; the session ends here whatever the answer. */
export async function signOut(): Promise<void> {
  const session = getSession();
  if (session) {
    await apiResponse('/api/v1/auth/logout/', { method: 'POST', body: { refresh: session.refresh } }).catch(
      () => undefined,
    );
  }
  setSession(null);
}

export const SIGNED_OUT_EVERYWHERE = 'You signed out on every device and browser. Sign in again here.';

/**
 * `POST /api/v1/auth/logout/all/` revokes every refresh token of the user; once it has, this browser signs out too.
 * A refusal or failure throws and leaves this session as it was: nothing was ended, and the page says so.
 */
export async function signOutEverywhere(): Promise<void> {
  await api<void>('/api/v1/auth/logout/all/', { method: 'POST' });
  setSession(null, SIGNED_OUT_EVERYWHERE);
}

/** The signed-in user, re-rendering on sign-in, sign-out and token refresh (in any tab). */
export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}

export function useCurrentUser(): User | undefined {
  return useSession()?.user;
}

/** Members and admins write; viewers only read. */
export const canEdit = (user: User | undefined) => user !== undefined && user.role !== 'viewer';
export const isAdmin = (user: User | undefined) => user?.role === 'admin';
