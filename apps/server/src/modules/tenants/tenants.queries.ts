import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { domains, tenants } from '../../db/schema.ts';

export const DEFAULT_TENANT_NAME = 'Default';
export const DEFAULT_DOMAINS = ['localhost', '127.0.0.1'];

export interface Tenant {
  id: string;
  name: string;
  isActive: boolean;
}

export async function findTenantByDomain(db: Db, domain: string): Promise<Tenant | undefined> {
  const rows = await db
    .select({ id: tenants.id, name: tenants.name, isActive: tenants.isActive })
    .from(domains)
    .innerJoin(tenants, eq(tenants.id, domains.tenantId))
    .where(eq(domains.domain, domain.toLowerCase()))
    .limit(1);
  return rows[0];
}

export async function findTenantByName(db: Db, name: string): Promise<Tenant | undefined> {
  const rows = await db
    .select({ id: tenants.id, name: tenants.name, isActive: tenants.isActive })
    .from(tenants)
    .where(eq(tenants.name, name))
    .limit(1);
  return rows[0];
}

export async function listDomainsOfTenant(db: Db, tenantId: string) {
  return db
    .select({ domain: domains.domain, isPrimary: domains.isPrimary })
    .from(domains)
    .where(eq(domains.tenantId, tenantId))
    .orderBy(sql`${domains.isPrimary} desc`, domains.domain);
}

export class DomainTakenError extends Error {}

/**
 * Creates the tenant and its domains if missing (idempotent, like the seed's create_tenant).
 * The first domain is primary unless the tenant already has one.
 * A domain that already belongs to another tenant is an error.
 */
export async function ensureTenant(db: Db, name: string, domainNames: readonly string[]): Promise<Tenant> {
  return db.transaction(async (tx) => {
    await tx.insert(tenants).values({ name }).onConflictDoNothing({ target: tenants.name });
    const tenant = await findTenantByName(tx as unknown as Db, name);
    if (!tenant) throw new Error(`tenant ${name} vanished during creation`);
    const hasPrimary = (await listDomainsOfTenant(tx as unknown as Db, tenant.id)).some((d) => d.isPrimary);
    for (const [i, raw] of domainNames.entries()) {
      const domain = raw.toLowerCase();
      await tx
        .insert(domains)
        .values({ domain, tenantId: tenant.id, isPrimary: i === 0 && !hasPrimary })
        .onConflictDoNothing({ target: domains.domain });
      const owner = await tx
        .select({ tenantId: domains.tenantId })
        .from(domains)
        .where(eq(domains.domain, domain))
        .limit(1);
      if (owner[0]?.tenantId !== tenant.id) throw new DomainTakenError(`domain ${domain} belongs to another tenant`);
    }
    return tenant;
  });
}

export interface TenantRetention {
  retentionRawDays: number;
  retention1mDays: number;
  retention1hDays: number;
  recordingsRetentionDays: number | null;
  trickleSessionTimeoutMinutes: number;
  /** The server benchmark scores are ratios against; null: none chosen. */
  baselineCollectorId: string | null;
}

export async function findTenantRetention(db: Db, tenantId: string): Promise<TenantRetention | undefined> {
  const rows = await db
    .select({
      retentionRawDays: tenants.retentionRawDays,
      retention1mDays: tenants.retention1mDays,
      retention1hDays: tenants.retention1hDays,
      recordingsRetentionDays: tenants.recordingsRetentionDays,
      trickleSessionTimeoutMinutes: tenants.trickleSessionTimeoutMinutes,
      baselineCollectorId: tenants.baselineCollectorId,
    })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
    .limit(1);
  return rows[0];
}

export async function updateTenantRetention(db: Db, tenantId: string, values: Partial<TenantRetention>) {
  if (Object.keys(values).length > 0) await db.update(tenants).set(values).where(eq(tenants.id, tenantId));
  return findTenantRetention(db, tenantId);
}

/** The tenant's chosen baseline server for benchmark scores (it may since have been deleted), or null. */
export async function findTenantBaseline(db: Db, tenantId: string): Promise<string | null> {
  const rows = await db
    .select({ id: tenants.baselineCollectorId })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
    .limit(1);
  return rows[0]?.id ?? null;
}
