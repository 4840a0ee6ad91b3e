CREATE TABLE "benchmark_profiles" (
	"tenant_id" uuid NOT NULL,
	"name" varchar(50) NOT NULL,
	"label" varchar(200) DEFAULT '' NOT NULL,
	"benchmarks" jsonb NOT NULL,
	"runs" integer NOT NULL,
	"step_seconds" double precision NOT NULL,
	"disk_size_mb" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "benchmark_profiles_tenant_id_name_pk" PRIMARY KEY("tenant_id","name")
);
--> statement-breakpoint
CREATE TABLE "benchmark_runs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"collector_id" uuid NOT NULL,
	"job_id" uuid,
	"profile" varchar(50) NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"validity" varchar(10) NOT NULL,
	"validity_reasons" jsonb NOT NULL,
	"record" jsonb NOT NULL,
	"results" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "benchmark_runs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "benchmark_schedules" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"collector_id" uuid,
	"profile" varchar(50) NOT NULL,
	"every_hours" double precision NOT NULL,
	"next_run_at" timestamp with time zone NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"drop_alert_pct" double precision DEFAULT 10 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "benchmark_schedules_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"group_id" uuid NOT NULL,
	"collector_id" uuid NOT NULL,
	"profile" varchar(50) NOT NULL,
	"benchmarks" jsonb NOT NULL,
	"runs" integer NOT NULL,
	"step_seconds" double precision NOT NULL,
	"disk_size_mb" integer NOT NULL,
	"disk_dir" text,
	"status" varchar(12) DEFAULT 'queued' NOT NULL,
	"progress" jsonb,
	"error" text,
	"result_id" uuid,
	"not_before" timestamp with time zone DEFAULT now() NOT NULL,
	"timeout_seconds" integer NOT NULL,
	"heartbeat_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "jobs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "benchmarks" ADD COLUMN "source" varchar(10) DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "benchmarks" ADD COLUMN "run_id" uuid;--> statement-breakpoint
ALTER TABLE "collectors" ADD COLUMN "jobs_polled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "collectors" ADD COLUMN "agent_capabilities" varchar(200) DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "baseline_collector_id" uuid;--> statement-breakpoint
ALTER TABLE "benchmark_runs" ADD CONSTRAINT "benchmark_runs_tenant_id_collector_id_collectors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","collector_id") REFERENCES "public"."collectors"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_tenant_id_collector_id_collectors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","collector_id") REFERENCES "public"."collectors"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "benchmark_runs_collector_idx" ON "benchmark_runs" USING btree ("tenant_id","collector_id","created_at");--> statement-breakpoint
CREATE INDEX "benchmark_schedules_due_idx" ON "benchmark_schedules" USING btree ("next_run_at");--> statement-breakpoint
CREATE INDEX "jobs_collector_idx" ON "jobs" USING btree ("tenant_id","collector_id","status","not_before");--> statement-breakpoint
CREATE INDEX "jobs_group_idx" ON "jobs" USING btree ("tenant_id","group_id");--> statement-breakpoint
-- Hand-added: the same row-level security as every tenant-owned table (0007), and what xat_app may touch.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['jobs', 'benchmark_runs', 'benchmark_profiles', 'benchmark_schedules'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (tenant_id = (SELECT nullif(current_setting(''app.tenant_id'', true), '''')::uuid)) '
      'WITH CHECK (tenant_id = (SELECT nullif(current_setting(''app.tenant_id'', true), '''')::uuid))', t);
    EXECUTE format(
      'CREATE POLICY owner_bypass ON %I TO CURRENT_USER USING (current_setting(''app.bypass_rls'', true) = ''on'') '
      'WITH CHECK (current_setting(''app.bypass_rls'', true) = ''on'')', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO xat_app', t);
  END LOOP;
END $$;
--> statement-breakpoint
GRANT UPDATE ("baseline_collector_id") ON "tenants" TO xat_app;
