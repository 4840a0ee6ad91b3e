-- Hand-written. Row-level security under the tenant_id filter every query already has (defence in depth): on every
-- tenant-owned table, FORCEd so the owner is held too, a query sees and writes only the rows of the tenant its
-- transaction set (set_config('app.tenant_id', …, true) — LOCAL, it ends with the transaction). Requests run as
-- xat_app: no table of its own, no BYPASSRLS, privileges on what the API touches only (db/roles.ts, README).
-- The owner (the role running this migration) passes every tenant's rows only with app.bypass_rls = on, which the
-- server sets on the owner's connections alone (migrations, partitions, maintenance, …ForAllTenants).
-- tenants, domains and rate_limits are shared reference tables: no tenant_id to filter on (domains': whose host),
-- read by every request before its tenant is known; xat_app may change only a tenant's retention settings.
-- The tenant is read once per statement: `(select …)` makes it an InitPlan instead of a call per row, and nullif
-- because a custom setting reads '' (not NULL) in a session where it was once set LOCAL. Valid on PostgreSQL 15.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'xat_app') THEN
    BEGIN
      CREATE ROLE xat_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE EXCEPTION 'the role xat_app is missing and % may not create roles', current_user
        USING HINT = 'As a superuser, once: CREATE ROLE xat_app NOLOGIN; then start again (README: Several processes).';
    END;
    -- With one URL (DATABASE_URL the owner), requests SET LOCAL ROLE xat_app: the owner must be a member.
    EXECUTE format('GRANT xat_app TO %I', current_user);
  END IF;
END $$;
--> statement-breakpoint
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'users', 'refresh_tokens', 'collectors', 'benchmarks', 'load_test_results', 'collected_data', 'metric_batches',
    'collector_raw_state', 'metric_samples', 'metric_cpus', 'metric_disks', 'metric_net', 'metric_fs',
    'metric_rollup_1m', 'metric_rollup_1h'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT nullif(current_setting(''app.tenant_id'', true), '''')::uuid)) '
      'WITH CHECK (tenant_id = (SELECT nullif(current_setting(''app.tenant_id'', true), '''')::uuid))', t);
    EXECUTE format(
      'CREATE POLICY owner_bypass ON %I TO CURRENT_USER USING (current_setting(''app.bypass_rls'', true) = ''on'') '
      'WITH CHECK (current_setting(''app.bypass_rls'', true) = ''on'')', t);
    -- The partitioned tables' partitions get no grant: reached only through their parent, whose policies apply.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO xat_app', t);
  END LOOP;
END $$;
--> statement-breakpoint
GRANT SELECT ON "tenants", "domains" TO xat_app;
--> statement-breakpoint
GRANT UPDATE ("retention_raw_days", "retention_1m_days", "retention_1h_days") ON "tenants" TO xat_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "rate_limits" TO xat_app;
