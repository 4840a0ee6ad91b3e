import type { Access } from './access-scope.ts';

/**
 * The role requests run as (created by migration 0006): no table of its own, no BYPASSRLS, only the privileges the
 * API needs, so row-level security filters everything it reads and writes by `app.tenant_id`.
 */
export const RESTRICTED_ROLE = 'xat_app';

/**
 * Set for the whole session on the owner's connections (a startup option): 0006's policy lets the owner role, and it
 * alone, through every tenant's rows only with it. Any role may set the variable; no other role has that policy.
 */
export const OWNER_CONNECTION_OPTIONS = '-c app.bypass_rls=on';

/**
 * What starts a restricted transaction after BEGIN: the restricted role when the login is the owner (one URL, or the
 * embedded database), and the tenant when there is one — both LOCAL, so they end with the transaction and a pooled
 * connection never carries them into another query. Undefined when there is nothing to set.
 */
export function restrictedSettings(access: Exclude<Access, { kind: 'owner' }>, setRole: boolean): string | undefined {
  const parts: string[] = [];
  if (setRole) parts.push(`set local role ${RESTRICTED_ROLE}`);
  // tenantId is a validated uuid (access-scope.ts), so it can be written into the text: one round trip, not two.
  if (access.kind === 'tenant') parts.push(`select set_config('app.tenant_id', '${access.tenantId}', true)`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Facts about the login of DATABASE_URL, checked at start (after migrating) when DATABASE_OWNER_URL is set; $1: the owner. */
export const RESTRICTED_LOGIN_CHECK = `
  select r.rolname as role, r.rolsuper as superuser, r.rolbypassrls as bypass,
    pg_has_role(r.oid, o.oid, 'MEMBER') as becomes_owner,
    pg_has_role(r.oid, '${RESTRICTED_ROLE}', 'USAGE') as restricted,
    (select count(*)::int from pg_class c where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace) as owned
  from pg_roles r, pg_roles o where r.rolname = current_user and o.rolname = $1`;

export interface LoginFacts {
  role: string;
  superuser: boolean;
  bypass: boolean;
  becomes_owner: boolean;
  /** Holds the restricted role's privileges (is it, or inherits from it). */
  restricted: boolean;
  owned: number;
}

/** Why the login of DATABASE_URL may not serve requests; undefined when it may. */
export function restrictedLoginProblem(facts: LoginFacts, owner: string): string | undefined {
  const problems: string[] = [];
  if (facts.role === owner) problems.push('is the owner of the schema (DATABASE_OWNER_URL) itself');
  if (facts.superuser) problems.push('is a superuser');
  if (facts.bypass) problems.push('has BYPASSRLS');
  if (facts.becomes_owner && facts.role !== owner) problems.push(`can act as the owner ${owner} (member of it)`);
  if (facts.owned > 0) problems.push(`owns ${facts.owned} relations in schema public`);
  if (!facts.restricted) problems.push(`does not have the privileges of ${RESTRICTED_ROLE} (not a member of it)`);
  if (problems.length === 0) return undefined;
  return (
    `DATABASE_URL's role ${facts.role} ${problems.join(', ')}: with DATABASE_OWNER_URL set, DATABASE_URL must be a ` +
    `login that owns nothing and cannot bypass row-level security, e.g. CREATE ROLE xat_web LOGIN PASSWORD '…' IN ROLE ${RESTRICTED_ROLE}`
  );
}
