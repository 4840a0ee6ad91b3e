import type { User } from '@xat/contracts';
import type { Db } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { fieldErrors } from '../../http/errors.ts';
import { checkPassword } from '../credentials/password-policy.ts';
import { hashPassword } from '../credentials/passwords.ts';
import { countAdmins, insertUser, lockActiveAdmins, type Role, type UserRow } from './users.queries.ts';

export function toUserDto(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    first_name: row.firstName,
    last_name: row.lastName,
    role: row.role as Role,
    is_active: row.isActive,
    date_joined: row.dateJoined.toISOString(),
    last_login: row.lastLogin?.toISOString() ?? null,
  };
}

export interface UserInput {
  username: string;
  password: string;
  email?: string | undefined;
  first_name?: string | undefined;
  last_name?: string | undefined;
  role?: Role | undefined;
  is_active?: boolean | undefined;
}

/**
 * Creates a user after the password policy (every way in: the API, registration, the CLI, the first admin from
 * XAT_ADMIN_PASSWORD); a taken username is a 400 on `username`.
 */
export async function createUser(db: Db, tenantId: string, input: UserInput): Promise<UserRow> {
  const weak = await checkPassword(input.password, { username: input.username, email: input.email });
  if (weak.length) throw fieldErrors({ password: weak });
  try {
    return await insertUser(db, tenantId, {
      username: input.username,
      passwordHash: await hashPassword(input.password),
      email: input.email ?? '',
      firstName: input.first_name ?? '',
      lastName: input.last_name ?? '',
      role: input.role ?? 'member',
      isActive: input.is_active ?? true,
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fieldErrors({ username: ['A user with that username already exists.'] });
    throw err;
  }
}

/**
 * Runs a change to users in a transaction that fails with `refusal` (and rolls back) if it leaves the tenant without
 * an active admin. The admin rows are locked first, so concurrent demotions or deletions are serialized.
 */
export async function keepingAnAdmin<T>(
  db: Db,
  tenantId: string,
  refusal: () => Error,
  change: (tx: Db) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await lockActiveAdmins(t, tenantId);
    const result = await change(t);
    if ((await countAdmins(t, tenantId)) === 0) throw refusal();
    return result;
  });
}
