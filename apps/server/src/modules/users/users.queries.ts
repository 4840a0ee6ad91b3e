import { and, asc, count, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { users } from '../../db/schema.ts';

export const ROLES = ['admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export type UserRow = typeof users.$inferSelect;
export type NewUser = Omit<typeof users.$inferInsert, 'tenantId' | 'id'>;

export async function findUserById(db: Db, tenantId: string, id: string): Promise<UserRow | undefined> {
  const rows = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    .limit(1);
  return rows[0];
}

export async function findUserByUsername(db: Db, tenantId: string, username: string): Promise<UserRow | undefined> {
  const rows = await db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.username, username)))
    .limit(1);
  return rows[0];
}

export async function listUsers(db: Db, tenantId: string, page: { limit: number; offset: number }) {
  const where = eq(users.tenantId, tenantId);
  const [rows, total] = await Promise.all([
    db.select().from(users).where(where).orderBy(asc(users.username)).limit(page.limit).offset(page.offset),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { rows, count: total[0]?.n ?? 0 };
}

export async function countUsers(db: Db, tenantId: string): Promise<number> {
  const rows = await db.select({ n: count() }).from(users).where(eq(users.tenantId, tenantId));
  return rows[0]?.n ?? 0;
}

export async function insertUser(db: Db, tenantId: string, values: NewUser): Promise<UserRow> {
  const rows = await db
    .insert(users)
    .values({ ...values, tenantId })
    .returning();
  const row = rows[0];
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateUser(
  db: Db,
  tenantId: string,
  id: string,
  patch: Partial<NewUser>,
): Promise<UserRow | undefined> {
  if (Object.keys(patch).length === 0) return findUserById(db, tenantId, id);
  const rows = await db
    .update(users)
    .set(patch)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    .returning();
  return rows[0];
}

export async function deleteUser(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
    .returning({ id: users.id });
  return rows.length > 0;
}

export async function countAdmins(db: Db, tenantId: string): Promise<number> {
  const rows = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.role, 'admin'), eq(users.isActive, true)));
  return rows[0]?.n ?? 0;
}

/** Locks the tenant's active admins until the transaction ends, so two admins cannot demote each other at once. */
export async function lockActiveAdmins(db: Db, tenantId: string): Promise<void> {
  await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), eq(users.role, 'admin'), eq(users.isActive, true)))
    .for('update');
}
