CREATE TABLE "collector_raw_state" (
	"tenant_id" uuid NOT NULL,
	"collector_id" uuid NOT NULL,
	"last_round" jsonb NOT NULL,
	"session_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collector_raw_state_tenant_id_collector_id_pk" PRIMARY KEY("tenant_id","collector_id")
);
--> statement-breakpoint
CREATE TABLE "metric_batches" (
	"tenant_id" uuid NOT NULL,
	"collector_id" uuid NOT NULL,
	"batch_id" varchar(64) NOT NULL,
	"written" integer NOT NULL,
	"duplicates" integer NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metric_batches_tenant_id_collector_id_batch_id_pk" PRIMARY KEY("tenant_id","collector_id","batch_id")
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "retention_raw_days" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "retention_1m_days" integer DEFAULT 90 NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "retention_1h_days" integer DEFAULT 730 NOT NULL;--> statement-breakpoint
ALTER TABLE "collector_raw_state" ADD CONSTRAINT "collector_raw_state_tenant_id_collector_id_collectors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","collector_id") REFERENCES "public"."collectors"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_batches" ADD CONSTRAINT "metric_batches_tenant_id_collector_id_collectors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","collector_id") REFERENCES "public"."collectors"("tenant_id","id") ON DELETE cascade ON UPDATE no action;