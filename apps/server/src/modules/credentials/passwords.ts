import { hash, verify } from '@node-rs/argon2';

// 2 = Argon2id (a const enum in the package's types, so written as its value).
const OPTIONS = { algorithm: 2 } as const;
// Verified against when the username is unknown, so both paths cost the same and reveal nothing.
const DUMMY_HASH = hash('not-a-real-password-xat', OPTIONS);

export const hashPassword = (password: string) => hash(password, OPTIONS);

export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  try {
    const ok = await verify(storedHash ?? (await DUMMY_HASH), password);
    return storedHash !== undefined && ok;
  } catch {
    return false;
  }
}
