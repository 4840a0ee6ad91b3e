import { signIn } from './auth.ts';
import { api } from './client.ts';
import { getSession, setSession } from './session.ts';
import { useMutation } from './use-query.ts';

export interface PasswordChange {
  old_password: string;
  new_password: string;
  new_password2: string;
}

/** What became of this browser's session once the password changed. */
export type PasswordChanged = 'renewed' | 'ended';

export const SIGN_IN_AGAIN = 'Your password was changed. Sign in with the new one.';

/**
 * `POST /api/v1/auth/password/change/`. The server checks the policy (a refusal comes back per field, in its words)
 * and then revokes every refresh token of the user, this browser's too: so this browser signs in again with the new
 * password, and every other device stays signed out.
 */
export async function changePassword(body: PasswordChange): Promise<PasswordChanged> {
  await api('/api/v1/auth/password/change/', { method: 'POST', body });
  const username = getSession()?.user.username;
  try {
    if (username) {
      await signIn(username, body.new_password);
      return 'renewed';
    }
  } catch {
    // Changed all the same; only this browser's new session could not be opened.
  }
  setSession(null, SIGN_IN_AGAIN);
  return 'ended';
}

export function useChangePassword() {
  return useMutation(changePassword);
}
