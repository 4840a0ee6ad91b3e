ALTER TABLE "collectors" ADD COLUMN "effective_cpus" double precision;--> statement-breakpoint
ALTER TABLE "load_test_results" ADD COLUMN "source" text DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "load_test_results" ADD COLUMN "validity" text DEFAULT 'suspect' NOT NULL;--> statement-breakpoint
ALTER TABLE "load_test_results" ADD COLUMN "validity_reasons" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "load_test_results" ADD COLUMN "judge_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "load_test_results" ADD COLUMN "series_id" uuid;--> statement-breakpoint
ALTER TABLE "load_test_results" ADD COLUMN "effective_cpus" double precision;--> statement-breakpoint
CREATE INDEX "load_test_results_series_idx" ON "load_test_results" USING btree ("tenant_id","series_id");--> statement-breakpoint
UPDATE "load_test_results" SET "source" = CASE
  WHEN "details"->>'tool' = 'pcc' THEN 'pcc'
  WHEN "details"->>'source' = 'perfcpumeasure' THEN 'import'
  ELSE 'manual' END;--> statement-breakpoint
UPDATE "load_test_results" SET "series_id" = ("details"->'series'->>'id')::uuid
  WHERE "details"->'series'->>'id' ~ '^[0-9a-fA-F-]{36}$';
