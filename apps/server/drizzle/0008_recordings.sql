CREATE TABLE "recordings" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"collector_id" uuid NOT NULL,
	"name" varchar(200) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"source" varchar(10) NOT NULL,
	"status" varchar(10) DEFAULT 'completed' NOT NULL,
	"data_id" uuid,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"sample_count" integer DEFAULT 0 NOT NULL,
	"interval_seconds" double precision,
	"last_data_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recordings_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "recordings_retention_days" integer;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "trickle_session_timeout_minutes" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_tenant_id_collector_id_collectors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","collector_id") REFERENCES "public"."collectors"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "recordings_collector_idx" ON "recordings" USING btree ("tenant_id","collector_id","started_at");--> statement-breakpoint
-- Hand-added: the same row-level security as every tenant-owned table (0007), and what xat_app may touch.
ALTER TABLE "recordings" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "recordings" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON "recordings" USING (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid)) WITH CHECK (tenant_id = (SELECT nullif(current_setting('app.tenant_id', true), '')::uuid));
--> statement-breakpoint
CREATE POLICY owner_bypass ON "recordings" TO CURRENT_USER USING (current_setting('app.bypass_rls', true) = 'on') WITH CHECK (current_setting('app.bypass_rls', true) = 'on');
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "recordings" TO xat_app;
--> statement-breakpoint
GRANT UPDATE ("recordings_retention_days", "trickle_session_timeout_minutes") ON "tenants" TO xat_app;
