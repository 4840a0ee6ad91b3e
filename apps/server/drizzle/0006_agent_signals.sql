ALTER TABLE "collectors" ADD COLUMN "dropped_samples" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "collectors" ADD COLUMN "clock_skew_seconds" double precision;