CREATE TABLE "benchmarks" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid,
	"collector_id" uuid NOT NULL,
	"name" varchar(200) NOT NULL,
	"benchmark_type" varchar(50) DEFAULT 'standard' NOT NULL,
	"status" varchar(20) DEFAULT 'pending' NOT NULL,
	"start_time" timestamp with time zone,
	"end_time" timestamp with time zone,
	"duration_seconds" integer,
	"cpu_score" double precision,
	"memory_score" double precision,
	"disk_score" double precision,
	"network_score" double precision,
	"overall_score" double precision,
	"error_message" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "benchmarks_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "collected_data" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"collector_id" uuid NOT NULL,
	"description" varchar(200) DEFAULT '' NOT NULL,
	"file_name" varchar(255) NOT NULL,
	"file_size" bigint NOT NULL,
	"row_count" integer,
	"data_start" timestamp with time zone,
	"data_end" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collected_data_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "collectors" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid,
	"name" varchar(100) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"api_key_hash" varchar(64) NOT NULL,
	"last_seen" timestamp with time zone,
	"hostname" varchar(255) DEFAULT '' NOT NULL,
	"ip_address" varchar(45),
	"os_name" varchar(100) DEFAULT '' NOT NULL,
	"os_version" varchar(50) DEFAULT '' NOT NULL,
	"kernel_version" varchar(100) DEFAULT '' NOT NULL,
	"vm_brand" varchar(20) DEFAULT 'unknown' NOT NULL,
	"processor_brand" varchar(20) DEFAULT 'unknown' NOT NULL,
	"processor_model" varchar(200) DEFAULT '' NOT NULL,
	"vcpus" integer,
	"memory_gib" numeric(10, 2),
	"storage_gib" numeric(10, 2),
	"storage_type" varchar(20) DEFAULT 'unknown' NOT NULL,
	"hourly_cost" numeric(10, 4),
	"pcd_address" varchar(255) DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collectors_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "collectors_tenant_name_uq" UNIQUE("tenant_id","name"),
	CONSTRAINT "collectors_api_key_uq" UNIQUE("tenant_id","api_key_hash")
);
--> statement-breakpoint
CREATE TABLE "domains" (
	"domain" varchar(253) PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"is_primary" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "load_test_results" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid,
	"collector_id" uuid NOT NULL,
	"benchmark_id" uuid,
	"units_10pct" integer DEFAULT 0 NOT NULL,
	"units_20pct" integer DEFAULT 0 NOT NULL,
	"units_30pct" integer DEFAULT 0 NOT NULL,
	"units_40pct" integer DEFAULT 0 NOT NULL,
	"units_50pct" integer DEFAULT 0 NOT NULL,
	"units_60pct" integer DEFAULT 0 NOT NULL,
	"units_70pct" integer DEFAULT 0 NOT NULL,
	"units_80pct" integer DEFAULT 0 NOT NULL,
	"units_90pct" integer DEFAULT 0 NOT NULL,
	"units_100pct" integer DEFAULT 0 NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"details" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "load_test_results_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "refresh_tokens" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"family_id" uuid NOT NULL,
	"token_hash" varchar(64) NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refresh_tokens_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "refresh_tokens_hash_uq" UNIQUE("tenant_id","token_hash")
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(100) NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"username" varchar(150) NOT NULL,
	"email" varchar(254) DEFAULT '' NOT NULL,
	"password_hash" text NOT NULL,
	"first_name" varchar(150) DEFAULT '' NOT NULL,
	"last_name" varchar(150) DEFAULT '' NOT NULL,
	"role" varchar(16) DEFAULT 'member' NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"date_joined" timestamp with time zone DEFAULT now() NOT NULL,
	"last_login" timestamp with time zone,
	CONSTRAINT "users_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "users_tenant_username_uq" UNIQUE("tenant_id","username")
);
--> statement-breakpoint
ALTER TABLE "benchmarks" ADD CONSTRAINT "benchmarks_tenant_id_collector_id_collectors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","collector_id") REFERENCES "public"."collectors"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collected_data" ADD CONSTRAINT "collected_data_tenant_id_collector_id_collectors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","collector_id") REFERENCES "public"."collectors"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collectors" ADD CONSTRAINT "collectors_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "domains" ADD CONSTRAINT "domains_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "load_test_results" ADD CONSTRAINT "load_test_results_tenant_id_collector_id_collectors_tenant_id_id_fk" FOREIGN KEY ("tenant_id","collector_id") REFERENCES "public"."collectors"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_tenant_id_user_id_users_tenant_id_id_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "benchmarks_collector_idx" ON "benchmarks" USING btree ("tenant_id","collector_id","created_at");--> statement-breakpoint
CREATE INDEX "collected_data_collector_idx" ON "collected_data" USING btree ("tenant_id","collector_id","created_at");--> statement-breakpoint
CREATE INDEX "domains_tenant_idx" ON "domains" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "load_test_results_collector_idx" ON "load_test_results" USING btree ("tenant_id","collector_id","created_at");--> statement-breakpoint
CREATE INDEX "refresh_tokens_family_idx" ON "refresh_tokens" USING btree ("tenant_id","family_id");